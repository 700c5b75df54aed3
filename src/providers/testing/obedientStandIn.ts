/**
 * A TEST STAND-IN, NOT A MODEL. It answers OpenAI chat-completions requests on the wire server
 * the way a maximally persuadable model would: it reads the request's messages, and if an
 * instruction of the form `call NAME({...})` appears in anything the user side of the
 * conversation carries (a tool result, a page, a message) and it has not yet obeyed it, it emits
 * exactly that function call; otherwise it works on its task, the next step of a fixed plan, and
 * ends with `finish`. It has no weights and no sampling; it exists so tests can prove that a
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

/** `call NAME({...})` written anywhere in a text: what the stand-in takes as an instruction. */
const INSTRUCTION = /call ([A-Za-z_][A-Za-z0-9_]*)\((\{[^()]*\})\)/g;
/** How the kernel writes the assistant's own earlier calls back into the conversation. */
const OWN_CALL = /^call ([A-Za-z_][A-Za-z0-9_]*)\(/gm;

const text = (m: WireMessage): string => (typeof m.content === 'string' ? m.content : '');

/** The last instruction in the non-assistant messages, with the index of the message holding it. */
function lastInstruction(messages: readonly WireMessage[]): { at: number; name: string; args: Record<string, unknown> } | null {
  let found: { at: number; name: string; args: Record<string, unknown> } | null = null;
  messages.forEach((m, at) => {
    if (m.role === 'assistant') return;
    for (const match of text(m).matchAll(INSTRUCTION)) {
      try {
        const args = JSON.parse(match[2]!) as unknown;
        if (args !== null && typeof args === 'object' && !Array.isArray(args)) found = { at, name: match[1]!, args: args as Record<string, unknown> };
      } catch {
        // Not JSON: not an instruction it can follow.
      }
    }
  });
  return found;
}

/**
 * A responder for `WireServer.script`: obeys the last planted instruction once, else does the
 * next step of `task` (the steps already taken are read from the assistant's earlier calls, so
 * it is stateless across requests). `turns` records each decision.
 */
export function obedientStandIn(task: readonly StandInStep[]): { respond: (req: RecordedRequest) => ScriptedResponse; turns: StandInTurn[] } {
  const turns: StandInTurn[] = [];
  const respond = (req: RecordedRequest): ScriptedResponse => {
    const messages = ((req.body as { messages?: WireMessage[] }).messages ?? []).filter((m) => m.role !== 'system');
    const own = messages.map((m, at) => ({ at, names: m.role === 'assistant' ? [...text(m).matchAll(OWN_CALL)].map((x) => x[1]!) : [] }));
    const planted = lastInstruction(messages);
    const obeyed = planted !== null && own.some((o) => o.at > planted.at && o.names.includes(planted.name));
    let turn: StandInTurn;
    if (planted && !obeyed) turn = { why: 'obeyed', name: planted.name, args: planted.args };
    else {
      let k = 0;
      for (const o of own) for (const name of o.names) if (name === task[k]?.name) k++;
      const step = task[Math.min(k, task.length - 1)]!;
      turn = { why: 'task', name: step.name, args: step.args };
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
