/**
 * The allocator's accounting: per class, counters updated in O(1) on every alloc and free (no
 * scan of live objects, ever), like /proc/slabinfo's active_objs and num_objs. The ledger is
 * plain JSON in the kernel state, so snapshots, seeks and forks carry it.
 */
import { SLAB_CLASS_NAMES, type SlabClassName } from './slabClass';

/** One class's counters. */
export interface SlabStats {
  /** Objects live now, and their estimated bytes. */
  live: number;
  bytes: number;
  /** The most objects and the most bytes live at once so far (high-water marks). */
  peak: number;
  peakBytes: number;
  /** Objects allocated and freed since the run began (live = allocs − frees). */
  allocs: number;
  frees: number;
}

/** Every class's counters, by name. */
export type SlabLedger = Record<SlabClassName, SlabStats>;

/** A ledger with every class at zero. */
export function newLedger(): SlabLedger {
  const out = {} as SlabLedger;
  for (const name of SLAB_CLASS_NAMES) out[name] = { live: 0, bytes: 0, peak: 0, peakBytes: 0, allocs: 0, frees: 0 };
  return out;
}

/** Accounts `n` objects of `cls` (`bytes` in all) as allocated. O(1). */
export function slabAlloc(l: SlabLedger, cls: SlabClassName, n: number, bytes: number): void {
  if (n <= 0) return;
  const c = l[cls];
  c.live += n;
  c.bytes += bytes;
  c.allocs += n;
  if (c.live > c.peak) c.peak = c.live;
  if (c.bytes > c.peakBytes) c.peakBytes = c.bytes;
}

/** Accounts `n` objects of `cls` (`bytes` in all) as freed. O(1). */
export function slabFree(l: SlabLedger, cls: SlabClassName, n: number, bytes: number): void {
  if (n <= 0) return;
  const c = l[cls];
  c.live -= n;
  c.bytes -= bytes;
  c.frees += n;
}
