/**
 * Where a goal failed: the event of a run at which a goal it never met became what it is at the
 * stop. A goal once met stays met (`goal.met`), so a goal unmet at the stop was false at every
 * event; what changed is why. Its failure is the last event that changed its explanation
 * (goals.ts `explain`): from there to the stop the check said the same thing — e.g. the
 * `artifact.written` that wrote the wrong date, the `goal.judged` whose model said fail, the
 * last message sent when the right one never was. When no event changed it (the artifact was
 * never written) the goal failed when the run ended without it: the stop (`run.stopped`, or the
 * last event of a run cut short). Read from the trace alone, so every machine finds the same seq.
 */
import type { HarnessSpec } from '../spec';
import type { KernelState } from '../state/state';
import { explain } from './goals';

/** One unmet goal's failure. */
export interface GoalFailure {
  /** The goal's id. */
  goal: string;
  /** seq of the event where it failed. */
  seq: number;
  /** Why it is unmet, as its explanation says at the stop. */
  why: string;
}

/**
 * Finds where the goals a run never met failed, shown the run's states one after another (the
 * state after each event, in seq order, from the one after `run.started`). The replay that makes
 * the states is the caller's (experiment/goalFailures.ts): this file holds only the rule.
 */
export class GoalFailureWatch {
  private readonly goals: HarnessSpec['goals'];
  private readonly why: string[];
  private readonly changedAt: number[];
  private last = -1;

  /**
   * @param spec the document the run ran
   * @param unmet ids of the goals the run never met (no `goal.met`)
   * @param start the state right after `run.started`
   */
  constructor(private readonly spec: HarnessSpec, unmet: ReadonlySet<string>, start: Readonly<KernelState>) {
    this.goals = spec.goals.filter((g) => unmet.has(g.id));
    this.why = this.goals.map((g) => explain(g.when, start, spec.limits, g.id));
    this.changedAt = this.goals.map(() => -1);
    this.last = start.seq;
  }

  /** The state right after the event `s.seq`. */
  observe(s: Readonly<KernelState>): void {
    this.last = s.seq;
    for (let k = 0; k < this.goals.length; k++) {
      const g = this.goals[k]!;
      const now = explain(g.when, s, this.spec.limits, g.id);
      if (now !== this.why[k]) {
        this.why[k] = now;
        this.changedAt[k] = s.seq;
      }
    }
  }

  /** The failures, earliest first (document order among equal seqs); the last state observed is the stop. */
  failures(): GoalFailure[] {
    return this.goals
      .map((g, k) => ({ goal: g.id, seq: this.changedAt[k]! >= 0 ? this.changedAt[k]! : this.last, why: this.why[k]!, order: k }))
      .sort((a, b) => a.seq - b.seq || a.order - b.order)
      .map(({ goal, seq, why }) => ({ goal, seq, why }));
  }
}
