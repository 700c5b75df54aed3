/**
 * Where a run's unmet goals failed, from its trace: the events replayed through the reducer (no
 * CPU, no scheduler), each state shown to the term watch that holds the rule
 * (term/goalFailure.ts). Only runs with an unmet goal pay for the replay.
 */
import type { HarnessSpec } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { applyEvent, stateFromStart } from '../state/reduce';
import { GoalFailureWatch, type GoalFailure } from '../term/goalFailure';

/** The failures of the goals the trace never met, earliest first; empty when every goal was met or the trace is empty. */
export function goalFailures(spec: HarnessSpec, events: readonly KernelEvent[]): GoalFailure[] {
  const first = events[0];
  if (first === undefined || first.type !== 'run.started') return [];
  const met = new Set<string>();
  for (const e of events) if (e.type === 'goal.met') met.add(e.goal);
  const unmet = new Set(spec.goals.filter((g) => !met.has(g.id)).map((g) => g.id));
  if (unmet.size === 0) return [];
  const state = stateFromStart(first as EventOf<'run.started'>);
  const watch = new GoalFailureWatch(spec, unmet, state);
  for (let i = 1; i < events.length; i++) {
    applyEvent(state, events[i]!);
    watch.observe(state);
  }
  return watch.failures();
}

/** The earliest failure of a run's unmet goals; null when every goal was met. */
export function firstGoalFailure(spec: HarnessSpec, events: readonly KernelEvent[]): GoalFailure | null {
  return goalFailures(spec, events)[0] ?? null;
}
