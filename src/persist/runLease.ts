/**
 * Who holds a stored run: the one rule both the claim (RunStore.claim) and the worker's view of
 * a stored run (worker/storedRunMeta.ts) apply, so "live in another tab" and "interrupted" can
 * never disagree.
 */
import type { RunRow, RunStatus } from './StudioDb';

/**
 * Whether a run with this stored status is driven by some worker: every status but `stopped`
 * (the run is over) and `interrupted`. A run `waiting` on a person is as live as a paused one:
 * its tab holds it until the person answers, and loses it as any other run when the tab goes.
 */
export function isUnfinished(status: RunStatus): boolean {
  return status === 'running' || status === 'paused' || status === 'waiting';
}

/**
 * Whether the stored lease binds a worker other than `self`: an owner with time left on its
 * lease that is, as far as is known, alive. `alive` (from Web Locks) names the living owners, or
 * is null when unknown; then the lease alone decides.
 */
export function isHeldByOther(row: Pick<RunRow, 'owner' | 'leaseUntil'>, self: string, now: number, alive: ReadonlySet<string> | null = null): boolean {
  const { owner, leaseUntil } = row;
  if (owner === undefined || owner === self) return false;
  if ((leaseUntil ?? 0) <= now) return false;
  return alive === null || alive.has(owner);
}

/** Whether an unfinished run is held by nobody alive but `self`: its tab closed, crashed or reloaded. */
export function isInterrupted(row: Pick<RunRow, 'status' | 'owner' | 'leaseUntil'>, self: string, now: number, alive: ReadonlySet<string> | null = null): boolean {
  return isUnfinished(row.status) && !isHeldByOther(row, self, now, alive);
}
