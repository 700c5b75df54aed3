/**
 * Persists one live run as it grows: new events in blocks, new snapshots and the run's row
 * (head, status, lease) in one transaction per flush. Flushes are serialised; each one writes
 * everything not yet committed, so a slow disk means bigger batches, not a queue of them.
 * Behind the writes, each flush replaces up to COMPRESS_PER_FLUSH full blocks with their
 * compressed form (persist/eventBlocks.ts): the write path stays as fast, the disk holds a tenth.
 */
import type { Kernel } from '../kernel';
import { EVENT_BLOCK_SIZE, StorageError, compressedBlocks, toEventBlocks, toStorageError, type RunRecord, type RunStore, type SnapshotRow } from '../persist';

/** Full blocks one flush compresses at most (a run at full speed fills a few per flush). */
const COMPRESS_PER_FLUSH = 16;

/** Where and as whom a RunWriter writes, and whom it tells about trouble. */
export interface RunWriterOptions {
  store: RunStore;
  owner: string;
  /** Wall clock, for the lease. */
  now: () => number;
  leaseMs: number;
  /** Flush when this many ms passed since the last flush began... */
  flushMs: number;
  /** ...or this many events wait to be written. */
  flushEvents: number;
  /** The run's row as it should be stored now (head and lease are filled in here). */
  record: () => RunRecord;
  /** The stored run is no longer ours (taken over by another tab, or deleted). */
  onLost: () => void;
  /** A write failed; the events stay in memory and the next flush retries them. */
  onError: (err: StorageError) => void;
}

/** Persists one live run's new events, snapshots and row, one serialised flush at a time. */
export class RunWriter {
  /** seq of the last event committed to storage. */
  committedHead: number;
  /** The last write's failure, cleared by the next successful one. */
  error: StorageError | null = null;
  private snapSeq: number;
  private created: boolean;
  private chain: Promise<boolean> = Promise.resolve(true);
  private pending = 0;
  /** The status last committed: a flush with no new events and no status change writes nothing. */
  private committedStatus: string | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  /** Seqs of the snapshots this writer stored that are still stored (the kernel may drop some later). */
  private storedSnaps: number[] = [];
  /** Blocks before this one are compressed (or were stored by an earlier session, and stay as they are). */
  private compressedUpTo: number;

  /**
   * @param committed for a stored run: its committed head and latest stored snapshot seq;
   *   omitted for a new run, whose first flush creates its row.
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly opts: RunWriterOptions,
    committed?: { head: number; snapshotSeq: number },
  ) {
    this.committedHead = committed?.head ?? -1;
    this.snapSeq = committed?.snapshotSeq ?? -1;
    this.created = committed !== undefined;
    this.compressedUpTo = committed ? Math.floor((committed.head + 1) / EVENT_BLOCK_SIZE) : 0;
  }

  /** Events produced but not committed yet. */
  get backlog(): number {
    return this.kernel.head - this.committedHead;
  }

  /** Starts a flush if none is running and enough time or events have gathered. */
  maybeFlush(): void {
    if (this.pending > 0) return;
    if (this.backlog >= this.opts.flushEvents || performance.now() - this.lastFlush >= this.opts.flushMs) void this.flush();
  }

  /** True while a flush is running or queued. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Waits for the running flush, if any. */
  idle(): Promise<boolean> {
    return this.chain;
  }

  /** Commits everything produced so far (and the row's current status). True when it all landed. */
  flush(): Promise<boolean> {
    this.pending++;
    const next = this.chain.then(() => this.commit()).finally(() => this.pending--);
    this.chain = next;
    return next;
  }

  private async commit(): Promise<boolean> {
    this.lastFlush = performance.now();
    const { store, owner, now, leaseMs } = this.opts;
    const record = this.opts.record();
    const from = this.committedHead + 1;
    const to = this.kernel.head;
    const status = `${record.status}:${record.stopReason ?? ''}`;
    if (from > to && this.created && status === this.committedStatus && this.error === null) return this.compressBehind(record.id);
    const snapshots: SnapshotRow[] = [];
    const kept = new Set<number>();
    for (const s of this.kernel.snapshots()) {
      kept.add(s.seq);
      if (s.seq > this.snapSeq && s.seq <= to) snapshots.push({ runId: record.id, seq: s.seq, state: s.state });
    }
    // The kernel thins its snapshots as the run grows (evenly spaced, bounded in number): so does the disk.
    const dropSnapshots = this.storedSnaps.filter((seq) => !kept.has(seq));
    try {
      const blocks = await toEventBlocks(record.id, this.kernel.events, from, to);
      const ok = await store.commit(
        { run: { ...record, head: to, owner, leaseUntil: now() + leaseMs }, blocks, snapshots, dropSnapshots },
        this.created ? { owner } : { create: true },
      );
      if (!ok) {
        this.opts.onLost();
        return false;
      }
      this.created = true;
      this.committedHead = to;
      this.committedStatus = status;
      if (snapshots.length > 0) this.snapSeq = snapshots[snapshots.length - 1]!.seq;
      this.storedSnaps = [...this.storedSnaps.filter((seq) => kept.has(seq)), ...snapshots.map((r) => r.seq)];
      this.error = null;
      return await this.compressBehind(record.id);
    } catch (err) {
      const failure = toStorageError(err, 'save the run');
      const repeated = this.error?.message === failure.message;
      this.error = failure;
      if (!repeated) this.opts.onError(failure);
      return false;
    }
  }

  /**
   * Replaces up to COMPRESS_PER_FLUSH committed full blocks with their compressed form. A failure
   * leaves them plain (still readable) and is retried next flush; returns false only when the run
   * is no longer ours.
   */
  private async compressBehind(runId: string): Promise<boolean> {
    const full = Math.floor((this.committedHead + 1) / EVENT_BLOCK_SIZE);
    if (full <= this.compressedUpTo) return true;
    const last = Math.min(full, this.compressedUpTo + COMPRESS_PER_FLUSH) - 1;
    try {
      const rows = await compressedBlocks(runId, this.kernel.events, this.compressedUpTo, last);
      if (!(await this.opts.store.replaceBlocks(runId, this.opts.owner, rows))) {
        this.opts.onLost();
        return false;
      }
      this.compressedUpTo = last + 1;
    } catch {
      // Plain blocks read as well: the next flush tries again.
    }
    return true;
  }
}
