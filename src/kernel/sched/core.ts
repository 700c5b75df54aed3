/**
 * The scheduler core: the decisions made over the classes of one model, in one place. The
 * kernel's run loop calls it on its state, and the test drivers (sched/testing/) call it on
 * their own runqueues, so the per-class scenario and conformance tests exercise the code that
 * runs. Pure: it reads runqueues through the classes' pure ops and never mutates them.
 *
 * - pick: a free slot goes to the first class in rank order that has a pickable agent;
 * - slice boundary: a running agent leaves when held outside its class (a spent budget), when
 *   its class throttles it, when a higher class has a pickable agent, or when its class's own
 *   rule (checkPreempt) says so; otherwise it runs another slice;
 * - slice length: what the class allows, capped, and never less than one token.
 */
import type { AgentId } from '../ids';
import type { SchedClass, SchedStats } from './schedClass';

/** `until` of a throttle that no period will lift. */
export const FOREVER = -1;

/** One model's runqueues as the core sees them. */
export interface SchedView {
  /** The classes in rank order (the registry's `ordered`). */
  classes: readonly SchedClass[];
  /** Runqueues by class name. */
  rqs: Readonly<Record<string, unknown>>;
  now: number;
  /** True for an agent held back outside its class (a spent budget group): never picked. */
  held?: (agent: AgentId) => boolean;
}

/** The class's pick, passing over agents that are held (and, past the first, throttled). */
export function pickable(view: SchedView, cls: SchedClass): AgentId | null {
  const rq = view.rqs[cls.name];
  const first = cls.pickNext(rq, view.now);
  if (first === null || !view.held?.(first)) return first;
  for (const a of cls.queued(rq, view.now)) if (!view.held(a) && !cls.throttled(rq, a, view.now)) return a;
  return null;
}

/** Who gets a free slot: the first class in rank order with a pickable agent, or null. */
export function pickForSlot(view: SchedView): { cls: SchedClass; agent: AgentId } | null {
  for (const cls of view.classes) {
    const agent = pickable(view, cls);
    if (agent !== null) return { cls, agent };
  }
  return null;
}

/** Why a running agent leaves its slot at a slice boundary. */
export type PreemptReason = 'budget' | 'throttled' | 'class' | 'slice';

/** What happens at a slice boundary: another slice, or preemption (and by whom, if anyone waits). */
export type BoundaryDecision =
  | { kind: 'continue' }
  | { kind: 'preempt'; reason: PreemptReason; by: AgentId | null; byClass: string | null };

/** The decision at the end of a slice of `agent`, running in `cls`. */
export function atSliceBoundary(view: SchedView, cls: SchedClass, agent: AgentId): BoundaryDecision {
  const rq = view.rqs[cls.name];
  if (view.held?.(agent)) return { kind: 'preempt', reason: 'budget', by: null, byClass: null };
  if (cls.throttled(rq, agent, view.now)) return { kind: 'preempt', reason: 'throttled', by: null, byClass: null };
  for (const higher of view.classes) {
    if (higher.rank >= cls.rank) break;
    const by = pickable(view, higher);
    if (by !== null) return { kind: 'preempt', reason: 'class', by, byClass: higher.name };
  }
  if (cls.checkPreempt(rq, agent, view.now)) return { kind: 'preempt', reason: 'slice', by: pickable(view, cls), byClass: cls.name };
  return { kind: 'continue' };
}

/** Tokens the agent may generate before the next boundary: its class's slice, at most `cap`, at least 1. */
export function sliceLength(cls: SchedClass, rq: unknown, agent: AgentId, cap = Number.POSITIVE_INFINITY): number {
  return Math.max(1, Math.min(cls.sliceFor(rq, agent), cap));
}

/** When the class lifts an agent's throttle: its own `throttledUntil` stat, else the class's next timer, else FOREVER. */
export function throttleLiftsAt(cls: SchedClass, rq: unknown, agent: AgentId, now: number): number {
  const own = cls.stats(rq, agent, now).throttledUntil;
  const t = own !== undefined && Number.isFinite(own) ? own : cls.nextTimer(rq, now);
  return Number.isFinite(t) ? t : FOREVER;
}

/** A class's numbers as events carry them: JSON-exact, so non-finite ones (an unbounded slice, no timer) are left out. */
export function finiteStats(stats: SchedStats): SchedStats {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (Number.isFinite(v)) out[k] = v;
  return out;
}
