/**
 * Small state edits shared by the per-subsystem reducers (reduce*.ts): adding and removing
 * window segments, returning an agent to the runqueue, charging a slice, finding runqueues and
 * budget groups. Pure over plain state, like the reducers that call them.
 */
import type { Segment } from '../memory/segment';
import { SCHED_CLASSES, type SchedClass, type SchedParams } from '../sched';
import type { EventOf, KernelEventType, ModelInfo, SliceCharge } from '../trace/events';
import type { GroupState, KernelState, Proc } from './state';
import { appended, immutable } from './immutable';
import { touchProc } from './touched';

/** One reducer: applies one event of type T to the state, in place. */
export type Reducer<T extends KernelEventType> = (s: KernelState, e: EventOf<T>) => void;

/** The dispatch table: one reducer for EVERY event type (a type without one does not compile). */
export type ReducerTable = { [K in KernelEventType]: Reducer<K> };

/** The knobs one model's runqueues get: the run's sched section plus the model's capacity. */
export function paramsFor(s: Pick<KernelState, 'params'>, m: ModelInfo): SchedParams {
  return { ...s.params, slots: m.slots, tokensPerMs: m.tokensPerSecond / 1000 };
}

type SegmentInit = Pick<Segment, 'role' | 'text' | 'tokens' | 'kind' | 'source'> & Partial<Segment>;

/** A new segment in the agent's window, with provenance; defaults: trusted, valid, unpinned. */
export function push(s: KernelState, p: Proc, init: SegmentInit, t: number): Segment {
  // Object.assign, not spread: the frozen result is cheap for V8 (see immutable.ts).
  const seg: Segment = Object.assign({
    id: `s${s.nextSeg++}`, fact: false, pinned: false, trust: 'trusted' as Segment['trust'], verified: false, validity: 1, t, reads: [] as number[],
  }, init);
  // Frozen: a segment never changes in place (a change replaces it), so snapshots share it.
  p.context = appended(p.context, immutable(seg));
  p.contextTokens += seg.tokens;
  return seg;
}

/**
 * Segments of recall storage an agent's state keeps: the newest ones. Older ones leave the live
 * state (they stay in the trace, in the events that brought them into the window), so the state
 * of a long run stays bounded and conversation_search looks through this many at most.
 */
export const RECALL_KEEP = 256;

/**
 * Takes segments out of the window into recall storage; returns the tokens freed. Segments are
 * immutable (frozen when they enter the window), so snapshots share them instead of copying them.
 */
export function takeOut(p: Proc, ids: readonly string[]): { taken: Segment[]; freed: number } {
  const drop = new Set(ids);
  const taken = p.context.filter((x) => drop.has(x.id));
  p.context = Object.freeze(p.context.filter((x) => !drop.has(x.id))) as Segment[];
  const freed = taken.reduce((n, x) => n + x.tokens, 0);
  p.contextTokens -= freed;
  if (taken.length > 0) {
    const recall = p.recall.concat(taken);
    p.recall = Object.freeze(recall.length > RECALL_KEEP ? recall.slice(recall.length - RECALL_KEEP) : recall) as Segment[];
  }
  return { taken, freed };
}

/** Marks an A2A task as having a transition to record. */
export function queueTask(s: KernelState, id: string): void {
  if (!s.taskQueue.includes(id)) s.taskQueue.push(id);
}

/** The agent's action is done: it is ready for its next turn and goes back to a runqueue. */
/** A call made for the run, not for an agent's turn (a judge, a model summary): the run's spending only, no agent's or group's. */
export function chargeRun(s: KernelState, charge: SliceCharge | undefined): void {
  if (!charge) return;
  s.tokensIn += charge.tokensIn;
  s.tokensOut += charge.tokensOut;
  s.cost += charge.cost;
}

export function backToReady(p: Proc): void {
  p.state = 'ready';
  p.pending = null;
  p.needsEnqueue = true;
}

/** The class object and runqueue an agent is scheduled in. */
export function rqOf(s: KernelState, p: Proc): { cls: SchedClass; rq: unknown } {
  const cls = SCHED_CLASSES.classFor(p.class);
  return { cls, rq: s.runqueues[p.model]![cls.name] };
}

/** The group and its ancestors, nearest first. */
export function groupChain(s: KernelState, id: string | null): GroupState[] {
  const chain: GroupState[] = [];
  for (let g = id === null ? undefined : s.groups[id]; g && chain.length < 64; g = g.parent === null ? undefined : s.groups[g.parent]) chain.push(g);
  return chain;
}

/** Rolls a group's period forward when `now` has passed its end (usage restarts). */
export function roll(g: GroupState, now: number): void {
  if (g.periodMs === null || now < g.periodStart + g.periodMs) return;
  g.periodStart += Math.floor((now - g.periodStart) / g.periodMs) * g.periodMs;
  g.usedTokens = 0;
  g.usedCost = 0;
}

/** Charges one slice to the agent, its group chain and the run. */
export function charge(s: KernelState, p: Proc, c: SliceCharge, now: number): void {
  p.tokensIn += c.tokensIn;
  p.tokensOut += c.tokensOut;
  p.cost += c.cost;
  s.tokensIn += c.tokensIn;
  s.tokensOut += c.tokensOut;
  s.cost += c.cost;
  for (const g of groupChain(s, p.group)) {
    roll(g, now);
    g.usedTokens += c.tokensIn + c.tokensOut;
    g.usedCost += c.cost;
  }
}

/** The slot is given back: the agent holds no slot and has no slice in flight. */
export function leaveSlot(s: KernelState, p: Proc, model: string, slot: number): void {
  s.slots[model]![slot] = null;
  p.slot = -1;
  p.slotPhase = 'off';
  p.until = 0;
}

/**
 * The process an event names, to change it (announced to the state's tracker, see touched.ts);
 * an unknown agent is a corrupt trace.
 */
export function proc(s: KernelState, id: string | undefined): Proc {
  const p = id === undefined ? undefined : s.procs[id];
  if (!p) throw new Error(`event names agent "${String(id)}", which is not in the process table`);
  touchProc(s, p.id);
  return p;
}

/** A subsystem's share of the dispatch table: reducers for some event types. */
export type SubsystemReducers = Partial<ReducerTable>;
