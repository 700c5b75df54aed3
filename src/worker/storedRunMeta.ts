/**
 * How a stored run looks to the UI when it is not live in this worker. A running or paused
 * run that nobody holds (no owner, this worker as owner, or an expired lease) was interrupted:
 * its tab closed or crashed. So was one whose owner is known to be gone (`alive`, from Web
 * Locks). One with another living owner's valid lease is live in another tab.
 */
import type { RunMeta } from '../bridge/api';
import type { RunRow } from '../persist';

/** The row without its lease fields, with `interrupted` where that is the truth. */
export function storedRunMeta(row: RunRow, self: string, now: number, alive: ReadonlySet<string> | null = null): RunMeta {
  const { owner, leaseUntil, ...record } = row;
  const active = record.status === 'running' || record.status === 'paused';
  const unheld = owner === undefined || owner === self || (leaseUntil ?? 0) <= now || (alive !== null && !alive.has(owner));
  return active && unheld ? { ...record, status: 'interrupted' } : record;
}
