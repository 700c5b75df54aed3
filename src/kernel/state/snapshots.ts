/**
 * The snapshots of one run (kernel or view projection): copies of the state at evenly spaced
 * seqs, at most MAX_SNAPSHOTS of them. When a new one would pass the bound, the spacing doubles
 * and every second one goes, so at any run length a seek replays fewer than `every` events from
 * the nearest snapshot, and memory holds at most MAX_SNAPSHOTS states (which share their frozen
 * parts, see cloneState).
 */
import type { KernelState } from './state';

/** Snapshots one run keeps at most (a 1,000,000-event run: one every 2,000 events at the default spacing of 500). */
export const MAX_SNAPSHOTS = 512;

/** One kept state: the state right after event `seq`. */
export interface Snapshot {
  seq: number;
  state: KernelState;
}

/** Evenly spaced snapshots with a bounded count (see the module comment). */
export class SnapshotLog {
  /** In seq order. */
  readonly list: Snapshot[] = [];
  private spacing: number;

  constructor(every: number, private readonly max = MAX_SNAPSHOTS) {
    this.spacing = Math.max(1, every);
  }

  /** The current spacing in events (doubles as the run outgrows the bound). */
  get every(): number {
    return this.spacing;
  }

  /** True when the state after `seq` is to be kept. */
  due(seq: number): boolean {
    return seq % this.spacing === 0 && (this.list.length === 0 || this.list[this.list.length - 1]!.seq < seq);
  }

  /** Keeps `state` (already a copy the caller gives up) as the state after `seq`. */
  add(seq: number, state: KernelState): void {
    this.list.push({ seq, state });
    if (this.list.length <= this.max) return;
    this.spacing *= 2;
    let kept = 0;
    for (const snap of this.list) if (snap.seq % this.spacing === 0) this.list[kept++] = snap;
    this.list.length = kept;
  }

  clear(): void {
    this.list.length = 0;
  }
}

/** The last snapshot at or before `seq` (binary search; `snaps` in seq order), or undefined. */
export function nearestSnapshot<T extends { seq: number }>(snaps: readonly T[], seq: number): T | undefined {
  let lo = 0;
  let hi = snaps.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const snap = snaps[mid]!;
    if (snap.seq <= seq) {
      found = snap;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
