/**
 * The test drivers' stand-in for the kernel's `sched.replenished` events: every class timer
 * due at `now` fires (replenish) until the class's next timer lies in the future.
 */
import type { SchedClass } from '../schedClass';

/** Fires every due timer of one runqueue; a class whose timer never moves past `now` is a bug. */
export function fireDueTimers<Q>(cls: SchedClass<Q>, rq: Q, now: number): void {
  for (let guard = 0; cls.nextTimer(rq, now) <= now; guard++) {
    if (guard > 1000) throw new Error(`${cls.name}: nextTimer stays at or before now (${now}) after replenish`);
    cls.replenish(rq, now);
  }
}
