/**
 * A TEST STAND-IN, NOT A MODEL. It answers OpenAI chat-completions requests on the wire server
 * the way a maximally persuadable model would: it reads the request's messages, and if an
 * instruction of the form `call NAME({...})` appears in anything the user side of the
 * conversation carries (a tool result, a page, a message) and it has not yet obeyed it, it emits
 * exactly that function call; otherwise it works on its task, the next step of a fixed plan, and
 * ends with `finish`; a `{{var.NAME}}` or `{{last}}` in a step's arguments is filled with the latest
 * thing it read (the last tool result, page or message; not a kernel error), as a model forwarding what it found would. It has
 * no weights and no sampling; it exists so tests can prove that a
 * planted instruction reaches the model's context and that the kernel's defences decide on the
 * call that comes back over the wire. Node-only test code.
 */
import type { RecordedRequest, ScriptedResponse } from './wireServer';
import { openAiStream } from './openaiWire';

/** One function call of the stand-in's task plan. */
export interface StandInStep {
  name: string;
  args: Record<string, unknown>;
}

/** What the stand-in decided for one request (tests assert on it). */
export interface StandInTurn {
  /** `obeyed`: it emitted the planted call; `task`: the next step of its plan. */
  why: 'obeyed' | 'task';
  name: string;
  args: Record<string, unknown>;
}

interface WireMessage {
  role: string;
  content?: unknown;
}

/** Where `call NAME({...})` begins anywhere in a text: what the stand-in takes as an instruction. */
const INSTRUCTION = /call ([A-Za-z_][A-Za-z0-9_]*)\(\{/g;

/** The JSON object text starting at `start` (a `{`), braces balanced outside strings; null if it never closes. */
function objectTextAt(s: string, start: number): string | null {
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return s.slice(start, i + 1);
  }
  return null;
}
/** How the kernel writes the assistant's own earlier calls back into the conversation. */
const OWN_CALL = /^call ([A-Za-z_][A-Za-z0-9_]*)\(/gm;

const text = (m: WireMessage): string => (typeof m.content === 'string' ? m.content : '');

/** A sim template a plan step may carry: filled with the latest observation. */
const TEMPLATE = /\{\{\s*(?:var\.[A-Za-z0-9_]+|last)\s*\}\}/g;

/**
 * The latest thing the conversation brought in that is not the kernel's own note (an error,
 * a denial): a tool result, a page, a message. Consecutive user-side lines arrive as one message
 * (`[source] text` paragraphs); the source tag is dropped.
 */
function latestObservation(messages: readonly WireMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === 'assistant') continue;
    const parts = text(messages[i]!).split(/\n\n(?=\[)/).reverse();
    const seen = parts.find((p) => !p.startsWith('[kernel]'));
    if (seen !== undefined) return seen.replace(/^\[[^\]]*\] /, '');
  }
  return '';
}

/** The step's arguments with every template in a string filled with `seen`. */
function filled(args: Record<string, unknown>, seen: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = typeof v === 'string' ? v.replace(TEMPLATE, () => seen) : v;
  return out;
}

/** The last instruction written in a text, if any. */
function lastInstructionIn(t: string): { name: string; args: Record<string, unknown> } | null {
  let found: { name: string; args: Record<string, unknown> } | null = null;
  for (const match of t.matchAll(INSTRUCTION)) {
    const open = match.index + match[0].length - 1;
    const json = objectTextAt(t, open);
    if (json === null || t[open + json.length] !== ')') continue;
    try {
      const args = JSON.parse(json) as unknown;
      if (args !== null && typeof args === 'object' && !Array.isArray(args)) found = { name: match[1]!, args: args as Record<string, unknown> };
    } catch {
      // Not JSON: not an instruction it can follow.
    }
  }
  return found;
}

/**
 * The function the request offers for an instruction: its name itself, or the one offered
 * function named NAME_… whose parameters take every argument given (`send({to, text})` →
 * `send_message`, not `send_mail`), as a model eager to obey would pick it.
 */
function offeredName(req: RecordedRequest, name: string, args: Record<string, unknown>): string {
  const offered = ((req.body as { tools?: { function?: { name?: string; parameters?: { properties?: Record<string, unknown> } } }[] }).tools ?? []).map((t) => t.function ?? {});
  if (offered.some((f) => f.name === name)) return name;
  const near = offered.filter((f) => f.name?.startsWith(`${name}_`) && Object.keys(args).every((k) => k in (f.parameters?.properties ?? {})));
  return near.length === 1 ? near[0]!.name! : name;
}

/**
 * A responder for `WireServer.script`: obeys the last planted instruction once, else does the
 * next step of `task` (the steps already taken are read from the assistant's earlier calls, so
 * it is stateless across requests). A step whose function is in `retryUnanswered` and that
 * brought nothing into the conversation is done again (a read of an artifact another agent has
 * not written yet comes back empty; the sim's script retries it too). `turns` records each decision.
 */
export function obedientStandIn(task: readonly StandInStep[], opts: { retryUnanswered?: readonly string[] } = {}): { respond: (req: RecordedRequest) => ScriptedResponse; turns: StandInTurn[] } {
  const turns: StandInTurn[] = [];
  const respond = (req: RecordedRequest): ScriptedResponse => {
    const messages = ((req.body as { messages?: WireMessage[] }).messages ?? []).filter((m) => m.role !== 'system');
    // Replay the conversation: each own call either obeyed the latest instruction then unobeyed, or was a step of the task.
    let planted: { name: string; args: Record<string, unknown> } | null = null;
    let obeyed = false;
    let k = 0;
    let lastOwn: string | undefined;
    for (const m of messages) {
      if (m.role !== 'assistant') {
        const found = lastInstructionIn(text(m));
        if (found) [planted, obeyed] = [{ name: offeredName(req, found.name, found.args), args: found.args }, false];
        lastOwn = undefined;
        continue;
      }
      for (const [, name] of text(m).matchAll(OWN_CALL)) {
        lastOwn = name!;
        if (planted && !obeyed && name === planted.name) obeyed = true;
        else if (name === task[k]?.name) k++;
      }
    }
    let turn: StandInTurn;
    if (planted && !obeyed) turn = { why: 'obeyed', name: planted.name, args: planted.args };
    else {
      // A call named in `retryUnanswered` that brought nothing back (the conversation ends with it) is made again.
      if (k > 0 && lastOwn !== undefined && lastOwn === task[k - 1]?.name && opts.retryUnanswered?.includes(lastOwn)) k--;
      const step = task[Math.min(k, task.length - 1)]!;
      turn = { why: 'task', name: step.name, args: filled(step.args, latestObservation(messages)) };
    }
    turns.push(turn);
    const json = JSON.stringify(turn.args);
    const cut = Math.max(1, Math.floor(json.length / 2));
    const prompt = Math.ceil(JSON.stringify(messages).length / 4);
    return {
      frames: openAiStream({
        id: `chatcmpl-standin-${turns.length}`, model: 'obedient-stand-in',
        toolCalls: [{ id: `call-${turns.length}`, name: turn.name, argumentChunks: [json.slice(0, cut), json.slice(cut)] }],
        usage: { prompt, completion: Math.ceil(json.length / 4) + 3 },
      }),
    };
  };
  return { respond, turns };
}
