/**
 * The snapshots of one run (kernel or view projection): copies of the state at evenly spaced
 * seqs, at most MAX_SNAPSHOTS of them. When a new one would pass the bound, the spacing doubles
 * and every second one goes, so at any run length a seek replays fewer than `every` events from
 * the nearest snapshot, and memory holds at most MAX_SNAPSHOTS states (which share their frozen
 * parts, see cloneState).
 */
import type { BlockCodec } from '../trace/eventLog';
import { RecallStreams, type PackedProc } from './recallStreams';
import type { KernelState } from './state';

/** Snapshots one run keeps at most (a 1,000,000-event run: one every 2,000 events at the default spacing of 500). */
export const MAX_SNAPSHOTS = 512;

/**
 * Snapshots a packed log keeps at most (see packWith): one costs a few kilobytes there, so a
 * 1,000,000-event run keeps one every 1,000 events and a seek replays half as far.
 */
export const MAX_PACKED_SNAPSHOTS = 1024;

/**
 * One kept state: the state right after event `seq`. In a packed log (`packWith`) agents' recall
 * and windows are kept apart: `packed` says where, and `state` is then not whole (read it with
 * `SnapshotLog.stateOf` or seek with state/seek.ts).
 */
export interface Snapshot {
  seq: number;
  state: KernelState;
  packed?: ReadonlyMap<string, PackedProc>;
}

/** Evenly spaced snapshots with a bounded count (see the module comment). */
export class SnapshotLog {
  /** In seq order. */
  readonly list: Snapshot[] = [];
  private spacing: number;
  /** Agents' recall and windows kept apart (state/recallStreams.ts), when a codec was given. */
  private streams: RecallStreams | null = null;
  private codec: BlockCodec | null = null;
  /** Where the last snapshot added keeps each agent's recall and window (the next one may share its records). */
  private lastPacked: ReadonlyMap<string, PackedProc> | undefined;

  private max: number;

  constructor(every: number, max = MAX_SNAPSHOTS) {
    this.spacing = Math.max(1, every);
    this.max = max;
  }

  /**
   * Keeps agents' recall once per agent, encoded in chunks through `codec`, and each snapshot's
   * windows encoded through it (state/recallStreams.ts), instead of as objects in every snapshot:
   * a long run's snapshots then cost a few kilobytes each.
   * Chosen before the first snapshot; `max` is the bound on their number from then on.
   */
  packWith(codec: BlockCodec, max = MAX_PACKED_SNAPSHOTS): void {
    if (this.list.length > 0) throw new Error('snapshot packing is chosen before the first snapshot');
    this.max = max;
    this.codec = codec;
    this.streams = new RecallStreams(codec);
  }

  /** The state of a snapshot of this log as a fresh copy its caller may change (`copy` copies a state: cloneState). */
  stateOf(snap: Snapshot, copy: (s: KernelState) => KernelState): KernelState {
    const s = copy(snap.state);
    return snap.packed && this.streams ? this.streams.unpack(s, snap.packed) : s;
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
    if (this.streams) {
      const packed = this.streams.pack(state, this.lastPacked);
      this.lastPacked = packed;
      this.list.push({ seq, state, packed });
    } else this.list.push({ seq, state });
    if (this.list.length <= this.max) return;
    this.spacing *= 2;
    let kept = 0;
    for (const snap of this.list) if (snap.seq % this.spacing === 0) this.list[kept++] = snap;
    this.list.length = kept;
  }

  clear(): void {
    this.list.length = 0;
    this.lastPacked = undefined;
    if (this.codec) this.streams = new RecallStreams(this.codec);
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
