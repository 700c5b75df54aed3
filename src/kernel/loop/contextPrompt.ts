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

/** The event that put a segment in a window, as the context view names it. */
export type SegmentOrigin = NonNullable<PromptSegment['origin']>;

/**
 * The seq of the `infer.started` where `agent` last asked its CPU at or before `cursor`, or null
 * before its first turn. `events` holds at least the events from that turn start to `cursor`
 * (holes allowed further back: a hole ends the search, as "not found in what is held").
 */
export function turnStartAt(events: ArrayLike<KernelEvent | undefined>, cursor: number, agent: string): number | null {
  for (let i = Math.min(cursor, events.length - 1); i > 0; i--) {
    const e = events[i];
    if (e === undefined) return null;
    if (asksCpu(e, agent)) return i;
  }
  return null;
}

/**
 * The run replayed once, kept for the context view's next question: the state after the last
 * event fed and, for every segment id ever made, the event that made it. Fed in order, it moves
 * forward only; a question about an earlier turn takes the state there from a seek (snapshots)
 * and the origins from here, so no cursor move replays from event 0 again.
 */
export class PromptIndex {
  private s: KernelState | null = null;
  private last = -1;
  /** origins[n]: the event that made segment `s<n>` (segment numbers only grow, in event order). */
  private readonly origins: SegmentOrigin[] = [];

  /** The seq of the last event fed (-1: none). */
  get through(): number {
    return this.last;
  }

  /** The state after `through` (owned by the index: read it before feeding more). */
  get state(): Readonly<KernelState> | null {
    return this.s;
  }

  /** Feeds the next event (its seq must follow `through`). */
  feed(e: KernelEvent): void {
    if (e.seq !== this.last + 1) throw new RangeError(`the context index is at event ${this.last}: event ${e.seq} does not follow it`);
    if (this.s === null) {
      if (e.type !== 'run.started') throw new Error('a trace begins with run.started');
      this.s = stateFromStart(e);
    } else {
      const before = this.s.nextSeg;
      applyEvent(this.s, e);
      for (let n = before; n < this.s.nextSeg; n++) this.origins[n] = { seq: e.seq, type: e.type, label: originLabel(e) };
    }
    this.last = e.seq;
  }

  /** The event that made segment `id`, when it was made by an event fed so far. */
  originOf(id: string): SegmentOrigin | null {
    const n = /^s(\d+)$/.exec(id);
    return n ? (this.origins[Number(n[1])] ?? null) : null;
  }
}

/**
 * The prompt of `agent`'s turn from `state`, the state just before its turn start `sentAt` (or
 * at the cursor, when it has not asked yet): the kernel's own turnRequest, each segment with
 * the event that made it (`origins`).
 */
export function promptFrom(spec: HarnessSpec, seed: number, state: Readonly<KernelState>, sentAt: number | null, agent: string, origins: Pick<PromptIndex, 'originOf'>): PromptView | null {
  if (!spec.agents.some((a) => a.id === agent)) return null;
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
  const segments = request.context.map((seg): PromptSegment => ({
    id: seg.id, kind: seg.kind, role: seg.role, text: seg.text, tokens: seg.tokens, source: seg.source, trust: seg.trust, fact: seg.fact, pinned: seg.pinned,
    ...(seg.taint ? { taint: [...seg.taint] } : {}),
    origin: origins.originOf(seg.id),
  }));
  return {
    agent, turn: p.turn, model: p.model, provider: request.model.provider, sentAt, system: request.system, segments,
    tokensIn: request.estimatedTokensIn, window: p.window,
    functions: request.functions.map((f) => ({ name: f.name, description: f.description })),
    request,
  };
}

/**
 * The prompt of `agent`'s turn at `cursor`: the latest turn start at or before it, replayed from
 * the events (one pass: the state before that event and, for each segment id, the event whose
 * reduction created it). `events` holds the run from seq 0 through at least `cursor`. A viewer
 * that moves its cursor keeps a PromptIndex instead (worker/contextAt.ts), and replays once.
 */
export function promptAt(spec: HarnessSpec, seed: number, events: ArrayLike<KernelEvent>, cursor: number, agent: string): PromptView | null {
  const first = events[0];
  if (!first || first.type !== 'run.started' || !spec.agents.some((a) => a.id === agent)) return null;
  const sentAt = turnStartAt(events, cursor, agent);
  const upto = sentAt === null ? Math.min(cursor, events.length - 1) : sentAt - 1;
  const index = new PromptIndex();
  for (let i = 0; i <= upto; i++) index.feed(events[i]!);
  return promptFrom(spec, seed, index.state!, sentAt, agent, index);
}
