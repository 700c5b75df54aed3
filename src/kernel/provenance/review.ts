/**
 * A person's review of a change (HumanInput `review`): checked against the trace when submitted.
 * The verdict `approved` keeps the change as it is; rolling it back is the audit table's rollback.
 */
import type { KernelEvent } from '../trace/events';
import { changeOf } from './changes';

/** Why the change at `seq` cannot be approved now, or null. Scans the events after it (a review is rare). */
export function reviewProblem(log: readonly KernelEvent[], seq: number): string | null {
  const e = Number.isInteger(seq) && seq >= 0 && seq < log.length ? log[seq] : undefined;
  if (!e || !changeOf(e)) return `no change was made at #${seq}`;
  let approved: number | null = null;
  for (let i = seq + 1; i < log.length; i++) {
    const later = log[i]!;
    if (later.type === 'audit.rolledback' && later.target === seq) return `#${seq} was rolled back at #${later.seq}`;
    if (later.type === 'change.reviewed' && later.target === seq) approved ??= later.seq;
  }
  return approved === null ? null : `#${seq} was already approved at #${approved}`;
}
