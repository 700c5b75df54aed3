/**
 * Deadline misses as the kernel records them: a deadline-class agent's turn that completes after
 * the absolute deadline it was picked with (the `deadline` stat of its `sched.picked`). The watch
 * is fed every committed event, in order, and rebuilt from the log on load, so a restored or
 * forked kernel finds the same misses; the run loop emits `sched.missed` for each, right after
 * the `infer.completed` that was late. (SCHED_DEADLINE reports an overrun to the task itself,
 * Documentation/scheduler/sched-deadline.rst §5.2; here the fact goes into the trace.)
 */
import type { EventOf, KernelEvent, KernelEventBody } from '../trace/events';

/** A late completion waiting to be recorded. */
export type DeadlineMiss = Extract<KernelEventBody, { type: 'sched.missed' }> & { cause: number };

export class DeadlineMissWatch {
  /** Per agent: the class, model and absolute deadline of its turn in progress, from its pick. */
  private readonly due = new Map<string, { class: string; model: string; deadline: number }>();
  /** Misses found and not yet recorded, oldest first. */
  private readonly pending: DeadlineMiss[] = [];

  /** Feeds one committed event. */
  apply(e: KernelEvent): void {
    switch (e.type) {
      case 'sched.picked': {
        const d = e.stats['deadline'];
        if (e.class === 'deadline' && typeof d === 'number' && Number.isFinite(d)) this.due.set(e.agent, { class: e.class, model: e.model, deadline: d });
        else this.due.delete(e.agent);
        return;
      }
      case 'infer.completed':
        return this.completed(e);
      case 'sched.missed':
        if (this.pending[0]?.cause === e.cause) this.pending.shift();
        return;
      default:
        return;
    }
  }

  /** The oldest miss still to record, or undefined. */
  next(): DeadlineMiss | undefined {
    return this.pending[0];
  }

  private completed(e: EventOf<'infer.completed'>): void {
    const due = this.due.get(e.agent);
    if (due === undefined) return;
    this.due.delete(e.agent);
    if (e.t <= due.deadline) return;
    this.pending.push({ type: 'sched.missed', agent: e.agent, class: due.class, model: due.model, turn: e.turn, deadline: due.deadline, completedAt: e.t, lateMs: e.t - due.deadline, cause: e.seq });
  }
}
