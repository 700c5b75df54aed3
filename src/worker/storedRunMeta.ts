/**
 * How a stored run looks to the UI when it is not live in this worker. An unfinished run
 * (running, paused, or waiting on a person) that nobody alive holds was interrupted: its tab
 * closed, crashed or reloaded (persist/runLease.ts has the rule). One with another living
 * owner's valid lease is live in another tab.
 */
import type { RunMeta } from './api';
import { isInterrupted, type RunRow } from '../persist';

/** The row without its lease fields, with `interrupted` where that is the truth. */
export function storedRunMeta(row: RunRow, self: string, now: number, alive: ReadonlySet<string> | null = null): RunMeta {
  const { owner: _owner, leaseUntil: _lease, ...record } = row;
  return isInterrupted(row, self, now, alive) ? { ...record, status: 'interrupted' } : record;
}
