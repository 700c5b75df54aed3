/**
 * Runs, their events (in blocks) and snapshots. A run is written by one worker at a time: the
 * one named in its lease. Every commit checks the lease inside the transaction that writes, so
 * a worker that lost its run (to another tab, or to a delete) can never write over it.
 */
import Dexie from 'dexie';
import type { KernelEvent } from '../kernel';
import { blockOf, EVENT_BLOCK_SIZE, eventsOfBlock } from './eventBlocks';
import { isHeldByOther } from './runLease';
import type { EventBlockRow, RunRow, SnapshotRow, StudioDb } from './StudioDb';
import { withStorage } from './storageError';

/** What one commit writes: the run's row as it is now, the blocks and snapshots it adds, and the snapshots it drops (by seq). */
export interface RunCommit {
  run: RunRow;
  blocks: readonly EventBlockRow[];
  snapshots: readonly SnapshotRow[];
  dropSnapshots?: readonly number[];
}

/** Who may commit: `create` for a new run, otherwise the owner that must hold the stored lease. */
export type CommitAs = { create: true } | { owner: string };

/** The outcome of a claim: the run as claimed, or why not. */
export type ClaimOutcome =
  | { ok: true; run: RunRow }
  | { ok: false; reason: 'missing' | 'stopped' | 'held'; run?: RunRow };

const runRange = (runId: string): [[string, unknown], [string, unknown]] => [[runId, Dexie.minKey], [runId, Dexie.maxKey]];

/**
 * Decoded full blocks kept for the next reads (a scrubber's state and the log's window read the
 * same blocks, and dragging reads neighbours): 64 blocks, 16k events. Only full blocks are
 * kept: their events never change again (compression replaces their form, not their events).
 */
const BLOCK_CACHE = 64;

/** Runs, their event blocks and snapshots in the studio database. */
export class RunStore {
  /** Decoded full blocks by `runId block`, least recently used first. */
  private readonly decoded = new Map<string, readonly KernelEvent[]>();
  /** Heads of stopped runs read so far (see headOf). */
  private readonly stoppedHeads = new Map<string, number>();

  constructor(private readonly db: StudioDb) {}

  private cached(runId: string, block: number): readonly KernelEvent[] | undefined {
    const key = `${runId} ${block}`;
    const events = this.decoded.get(key);
    if (events) {
      this.decoded.delete(key);
      this.decoded.set(key, events);
    }
    return events;
  }

  private keep(runId: string, block: number, events: readonly KernelEvent[]): void {
    if (events.length !== EVENT_BLOCK_SIZE) return;
    this.decoded.set(`${runId} ${block}`, events);
    if (this.decoded.size > BLOCK_CACHE) this.decoded.delete(this.decoded.keys().next().value!);
  }

  get(runId: string): Promise<RunRow | undefined> {
    return withStorage('read the run', () => this.db.runs.get(runId));
  }

  /**
   * The committed head of a run (undefined when there is none). A stopped run's row never
   * changes again, so its head is remembered: reading a row reads its whole document, and a
   * scrubbed run is asked for its head on every move.
   */
  async headOf(runId: string): Promise<number | undefined> {
    const known = this.stoppedHeads.get(runId);
    if (known !== undefined) return known;
    const row = await this.get(runId);
    if (row?.status === 'stopped') this.stoppedHeads.set(runId, row.head);
    return row?.head;
  }

  /** The runs of a project, newest first. */
  list(projectId: string): Promise<RunRow[]> {
    return withStorage('list the runs', () =>
      this.db.runs.where('[projectId+createdAt]').between([projectId, Dexie.minKey], [projectId, Dexie.maxKey]).reverse().toArray(),
    );
  }

  /**
   * Writes a batch in one transaction: the blocks, the snapshots and the run row (its head,
   * status and lease). Returns false, writing nothing, when `as` no longer owns the run.
   */
  commit(batch: RunCommit, as: CommitAs): Promise<boolean> {
    const { db } = this;
    return withStorage('save the run', () =>
      db.transaction('rw', db.runs, db.eventBlocks, db.snapshots, async () => {
        let labels: Pick<RunRow, 'name' | 'pinned'> = {};
        if (!('create' in as)) {
          const stored = await db.runs.get(batch.run.id);
          if (!stored || stored.owner !== as.owner) return false;
          // The person's name and pin live in the row (label()); the driving worker's record does not carry them.
          labels = { ...(stored.name !== undefined ? { name: stored.name } : {}), ...(stored.pinned !== undefined ? { pinned: stored.pinned } : {}) };
        }
        await db.runs.put({ ...batch.run, ...labels });
        if (batch.blocks.length > 0) await db.eventBlocks.bulkPut(batch.blocks as EventBlockRow[]);
        if (batch.snapshots.length > 0) await db.snapshots.bulkPut(batch.snapshots as SnapshotRow[]);
        if (batch.dropSnapshots && batch.dropSnapshots.length > 0) await db.snapshots.bulkDelete(batch.dropSnapshots.map((seq): [string, number] => [batch.run.id, seq]));
        return true;
      }),
    );
  }

  /**
   * Names and pins a run (null / false clears): kept in its row, never in its events. Returns the
   * row as changed, or undefined when there is no such run.
   */
  label(runId: string, label: { name?: string | null; pinned?: boolean }): Promise<RunRow | undefined> {
    const { db } = this;
    return withStorage('label the run', () =>
      db.transaction('rw', db.runs, async () => {
        const row = await db.runs.get(runId);
        if (!row) return undefined;
        const next: RunRow = { ...row };
        if (label.name !== undefined) {
          const name = (label.name ?? '').trim();
          if (name === '') delete next.name;
          else next.name = name;
        }
        if (label.pinned !== undefined) {
          if (label.pinned) next.pinned = true;
          else delete next.pinned;
        }
        await db.runs.put(next);
        return next;
      }),
    );
  }

  /**
   * Replaces stored event blocks with other rows of the same events (their compressed form, see
   * eventBlocks.ts). Returns false, writing nothing, when `owner` no longer holds the run.
   */
  replaceBlocks(runId: string, owner: string, rows: readonly EventBlockRow[]): Promise<boolean> {
    const { db } = this;
    return withStorage('save the run', () =>
      db.transaction('rw', db.runs, db.eventBlocks, async () => {
        const stored = await db.runs.get(runId);
        if (!stored || stored.owner !== owner) return false;
        if (rows.length > 0) await db.eventBlocks.bulkPut(rows as EventBlockRow[]);
        return true;
      }),
    );
  }

  /**
   * Takes an unfinished run (running, paused or waiting) for `owner` if no other owner holds an unexpired lease
   * (an interrupted run, or one this owner already holds). `alive`, when known, names the
   * owners still running: a lease held by a gone owner does not count. Atomic: of two tabs claiming
   * the same run, one wins.
   */
  claim(runId: string, owner: string, now: number, leaseMs: number, alive: ReadonlySet<string> | null = null): Promise<ClaimOutcome> {
    const { db } = this;
    return withStorage('take over the run', () =>
      db.transaction('rw', db.runs, async (): Promise<ClaimOutcome> => {
        const run = await db.runs.get(runId);
        if (!run) return { ok: false, reason: 'missing' };
        if (run.status === 'stopped') return { ok: false, reason: 'stopped', run };
        if (isHeldByOther(run, owner, now, alive)) return { ok: false, reason: 'held', run };
        // A run waiting on a person still waits; any other comes back paused.
        const claimed: RunRow = { ...run, status: run.status === 'waiting' ? 'waiting' : 'paused', owner, leaseUntil: now + leaseMs };
        await db.runs.put(claimed);
        return { ok: true, run: claimed };
      }),
    );
  }

  /** Extends the leases `owner` holds on `runIds` to `until`. Returns the ids it no longer holds. */
  renew(owner: string, runIds: readonly string[], until: number): Promise<string[]> {
    const { db } = this;
    return withStorage('renew the run leases', () =>
      db.transaction('rw', db.runs, async () => {
        const rows = await db.runs.bulkGet(runIds as string[]);
        const lost: string[] = [];
        const kept: RunRow[] = [];
        rows.forEach((row, i) => {
          if (row && row.owner === owner) kept.push({ ...row, leaseUntil: until });
          else lost.push(runIds[i]!);
        });
        if (kept.length > 0) await db.runs.bulkPut(kept);
        return lost;
      }),
    );
  }

  /** Events `from..to` (inclusive) in seq order, read block by block. */
  loadEvents(runId: string, from: number, to: number): Promise<KernelEvent[]> {
    const lo = Math.max(0, from);
    if (to < lo) return Promise.resolve([]);
    return withStorage('read the run events', async () => {
      const first = blockOf(lo);
      const last = blockOf(to);
      const byBlock = new Map<number, readonly KernelEvent[]>();
      for (let b = first; b <= last; b++) {
        const hit = this.cached(runId, b);
        if (hit) byBlock.set(b, hit);
      }
      // Read only the blocks from the first to the last one not kept.
      let lo2 = first;
      let hi2 = last;
      while (lo2 <= hi2 && byBlock.has(lo2)) lo2++;
      while (hi2 >= lo2 && byBlock.has(hi2)) hi2--;
      if (lo2 <= hi2) {
        const rows = await this.db.eventBlocks.where('[runId+block]').between([runId, lo2], [runId, hi2], true, true).toArray();
        const fresh = rows.filter((r) => !byBlock.has(r.block));
        const decoded = await Promise.all(fresh.map(eventsOfBlock));
        fresh.forEach((r, k) => {
          byBlock.set(r.block, decoded[k]!);
          this.keep(runId, r.block, decoded[k]!);
        });
      }
      const out: KernelEvent[] = [];
      [...byBlock.keys()].sort((a, b) => a - b).forEach((block) => {
        const events = byBlock.get(block)!;
        const base = block * EVENT_BLOCK_SIZE;
        const start = Math.max(0, lo - base);
        const end = Math.min(events.length, to - base + 1);
        for (let i = start; i < end; i++) out.push(events[i]!);
      });
      return out;
    });
  }

  /** The latest snapshot at or before `seq`, if any. */
  snapshotAtOrBefore(runId: string, seq: number): Promise<SnapshotRow | undefined> {
    return withStorage('read the run snapshots', () =>
      this.db.snapshots.where('[runId+seq]').between([runId, Dexie.minKey], [runId, seq], true, true).last(),
    );
  }

  /** Deletes a run with its events and snapshots. */
  delete(runId: string): Promise<void> {
    const { db } = this;
    for (const key of [...this.decoded.keys()]) if (key.startsWith(`${runId} `)) this.decoded.delete(key);
    this.stoppedHeads.delete(runId);
    return withStorage('delete the run', () =>
      db.transaction('rw', db.runs, db.eventBlocks, db.snapshots, async () => {
        await db.eventBlocks.where('[runId+block]').between(...runRange(runId)).delete();
        await db.snapshots.where('[runId+seq]').between(...runRange(runId)).delete();
        await db.runs.delete(runId);
      }),
    );
  }
}
