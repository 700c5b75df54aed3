/**
 * The context the way the model saw it: for an agent at a cursor, the request its CPU was sent
 * at its latest turn start (the kernel's own turnRequest over the state just before that
 * `infer.started`), or, before its first turn, the request its next turn would get. Each window
 * segment carries its token count and where it came from: the event that put it there.
 */
import type { FunctionDef } from '../cpu/calls';
import type { InferRequest } from '../cpu/cpu';
import type { HarnessSpec } from '../spec';
import { applyEvent, stateFromStart } from '../state/reduce';
import type { KernelState } from '../state/state';
import type { EventOf, KernelEvent } from '../trace/events';
import { turnRequest } from './runContext';

/** One window segment as sent, with the event that put it in the window. */
export interface PromptSegment {
  id: string;
  kind: string;
  role: string;
  text: string;
  tokens: number;
  /** The kernel's provenance label: `system`, `agent:ID`, `tool:ID`, `msg:ID`, `archive:STORE`, `summary`. */
  source: string;
  trust: 'trusted' | 'untrusted';
  fact: boolean;
  pinned: boolean;
  taint?: string[];
  /** The event that added it (null when it is older than the events read). */
  origin: { seq: number; type: string; label: string } | null;
}

/** The prompt of one turn of one agent. */
export interface PromptView {
  agent: string;
  turn: number;
  model: string;
  provider: string;
  /** seq of the `infer.started` that sent it; null: not sent yet (the agent's next turn would get it). */
  sentAt: number | null;
  system: string;
  segments: PromptSegment[];
  /** The tokenizer's count of the whole window, as admission and budgets used it. */
  tokensIn: number;
  window: number;
  /** The functions a real model is offered (name and description; the sim follows its script). */
  functions: Pick<FunctionDef, 'name' | 'description'>[];
  /** The request object itself, for the providers' own encoders (the worker's wire view). */
  request: InferRequest;
}

/** The first slice of a turn (or a resumed part) is where the CPU is asked: a later slice asks nothing. */
const asksCpu = (e: KernelEvent, agent: string): e is EventOf<'infer.started'> => e.type === 'infer.started' && e.agent === agent && (e.done === 0 || e.resumedBy !== undefined);

/** A short label of the event that added a segment: `tool.returned web_search`, `agent.woke from planner`. */
function originLabel(e: KernelEvent): string {
  if ('tool' in e && typeof e.tool === 'string') return `${e.type} ${e.tool}`;
  if (e.type === 'agent.woke') return `${e.type} from ${e.from}`;
  if (e.type === 'mem.faulted') return `${e.type} ${e.ref}`;
  return e.type;
}

/**
 * The prompt of `agent`'s turn at `cursor`: the latest turn start at or before it, replayed from
 * the events (one pass: the state before that event and, for each segment id, the event whose
 * reduction created it). `events` holds the run from seq 0 through at least `cursor`.
 */
export function promptAt(spec: HarnessSpec, seed: number, events: ArrayLike<KernelEvent>, cursor: number, agent: string): PromptView | null {
  const first = events[0];
  if (!first || first.type !== 'run.started' || !spec.agents.some((a) => a.id === agent)) return null;
  let sentAt: number | null = null;
  for (let i = Math.min(cursor, events.length - 1); i > 0; i--) {
    if (asksCpu(events[i]!, agent)) {
      sentAt = i;
      break;
    }
  }
  const upto = sentAt === null ? Math.min(cursor, events.length - 1) : sentAt - 1;
  const state: KernelState = stateFromStart(first);
  const origins = new Map<number, number>();
  for (let i = 1; i <= upto; i++) {
    const before = state.nextSeg;
    applyEvent(state, events[i]!);
    for (let n = before; n < state.nextSeg; n++) origins.set(n, i);
  }
  const p = state.procs[agent];
  if (!p) return null;
  const doc = {
    spec,
    agents: new Map(spec.agents.map((a) => [a.id, a])),
    models: new Map(spec.models.map((m) => [m.id, m])),
    tools: new Map(spec.tools.map((t) => [t.id, t])),
  };
  if (!doc.models.has(p.model)) return null;
  const request = turnRequest(doc, p, seed);
  const segments = request.context.map((seg): PromptSegment => {
    const n = /^s(\d+)$/.exec(seg.id);
    const seq = n ? origins.get(Number(n[1])) : undefined;
    const e = seq === undefined ? undefined : events[seq];
    return {
      id: seg.id, kind: seg.kind, role: seg.role, text: seg.text, tokens: seg.tokens, source: seg.source, trust: seg.trust, fact: seg.fact, pinned: seg.pinned,
      ...(seg.taint ? { taint: [...seg.taint] } : {}),
      origin: e ? { seq: e.seq, type: e.type, label: originLabel(e) } : null,
    };
  });
  return {
    agent, turn: p.turn, model: p.model, provider: request.model.provider, sentAt, system: request.system, segments,
    tokensIn: request.estimatedTokensIn, window: p.window,
    functions: request.functions.map((f) => ({ name: f.name, description: f.description })),
    request,
  };
}
