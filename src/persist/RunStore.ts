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

/** Runs, their event blocks and snapshots in the studio database. */
export class RunStore {
  constructor(private readonly db: StudioDb) {}

  get(runId: string): Promise<RunRow | undefined> {
    return withStorage('read the run', () => this.db.runs.get(runId));
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
        if (!('create' in as)) {
          const stored = await db.runs.get(batch.run.id);
          if (!stored || stored.owner !== as.owner) return false;
        }
        await db.runs.put(batch.run);
        if (batch.blocks.length > 0) await db.eventBlocks.bulkPut(batch.blocks as EventBlockRow[]);
        if (batch.snapshots.length > 0) await db.snapshots.bulkPut(batch.snapshots as SnapshotRow[]);
        if (batch.dropSnapshots && batch.dropSnapshots.length > 0) await db.snapshots.bulkDelete(batch.dropSnapshots.map((seq): [string, number] => [batch.run.id, seq]));
        return true;
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
      const blocks = await this.db.eventBlocks.where('[runId+block]').between([runId, blockOf(lo)], [runId, blockOf(to)], true, true).toArray();
      const out: KernelEvent[] = [];
      const decoded = await Promise.all(blocks.map(eventsOfBlock));
      blocks.forEach((b, k) => {
        const events = decoded[k]!;
        const base = b.block * EVENT_BLOCK_SIZE;
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
    return withStorage('delete the run', () =>
      db.transaction('rw', db.runs, db.eventBlocks, db.snapshots, async () => {
        await db.eventBlocks.where('[runId+block]').between(...runRange(runId)).delete();
        await db.snapshots.where('[runId+seq]').between(...runRange(runId)).delete();
        await db.runs.delete(runId);
      }),
    );
  }
}
