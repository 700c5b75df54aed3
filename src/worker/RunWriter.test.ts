import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kernel, parseHarness } from '../kernel';
import { RunStore, type RunRecord } from '../persist';
import { RunWriter } from './RunWriter';
import { freshDb } from './testing/testChannel';
import { longDoc } from './testing/testDocs';

const dbs: Array<{ close(): void }> = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});

function setup(snapshotEvery?: number) {
  const db = freshDb();
  dbs.push(db);
  const store = new RunStore(db);
  const commit = vi.spyOn(store, 'commit');
  const parsed = parseHarness(longDoc(300));
  if (!parsed.ok) throw new Error('invalid');
  const kernel = Kernel.create(parsed.spec, { runId: 'r', seed: 1, ...(snapshotEvery ? { snapshotEvery } : {}) });
  let record: RunRecord = { id: 'r', projectId: 'p', harness: 'h', seed: 1, status: 'paused', createdAt: 1, updatedAt: 1, head: -1, specHash: 'x', doc: {} };
  const writer = new RunWriter(kernel, {
    store, owner: 'me', now: () => 1000, leaseMs: 6000, flushMs: 250, flushEvents: 256,
    record: () => record, onLost: () => undefined, onError: () => undefined,
  });
  return { db, store, commit, kernel, writer, setStatus: (status: RunRecord['status']) => (record = { ...record, status }) };
}

describe('RunWriter', () => {
  it('creates the run, then writes only what changed: new events, snapshots or a new status', async () => {
    const { store, commit, kernel, writer, setStatus } = setup();
    expect(await writer.flush()).toBe(true);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]![1]).toEqual({ create: true });
    expect(await writer.flush()).toBe(true);
    expect(commit).toHaveBeenCalledTimes(1); // nothing new: no transaction at all

    await kernel.runUntil({ maxEvents: 1200 });
    setStatus('running');
    await writer.flush();
    expect(commit).toHaveBeenCalledTimes(2);
    expect(commit.mock.calls[1]![1]).toEqual({ owner: 'me' });
    expect(commit.mock.calls[1]![0].snapshots.map((s) => s.seq)).toEqual([500, 1000]); // seq 0 went with the creation
    expect(await store.get('r')).toMatchObject({ head: kernel.head, status: 'running', owner: 'me', leaseUntil: 7000 });

    setStatus('paused');
    await writer.flush();
    expect(commit).toHaveBeenCalledTimes(3);
    expect(commit.mock.calls[2]![0].blocks).toEqual([]);
    expect((await store.loadEvents('r', 0, 10_000)).length).toBe(kernel.events.length);
  });

  it('flushes on its own once a block of events or enough time has gathered, one flush at a time', async () => {
    const { commit, kernel, writer } = setup();
    await writer.flush();
    await kernel.runUntil({ maxEvents: 100 });
    writer.maybeFlush(); // under 256 events and under 250 ms since the last flush
    expect(commit).toHaveBeenCalledTimes(1);
    await kernel.runUntil({ maxEvents: 200 });
    writer.maybeFlush();
    writer.maybeFlush(); // one is running already
    expect(writer.busy).toBe(true);
    await writer.idle();
    expect(commit).toHaveBeenCalledTimes(2);
    expect(writer.backlog).toBe(0);
  });

  it('replaces full blocks with their compressed form behind the writes; the run loads the same', async () => {
    const { db, store, kernel, writer } = setup();
    await writer.flush();
    await kernel.runUntil({ maxEvents: 1300 });
    await writer.flush();
    await writer.flush(); // nothing new: it still compresses what is left
    const rows = await db.eventBlocks.toArray();
    const full = Math.floor(kernel.events.length / 256);
    expect(rows.map((r) => r.gz !== undefined)).toEqual(rows.map((r) => r.block < full));
    expect(await store.loadEvents('r', 0, 10_000)).toEqual(kernel.events);
  });

  it('stores the snapshots the kernel keeps: when it thins them as the run grows, the stored ones are thinned too', async () => {
    const { db, kernel, writer } = setup(2);
    await writer.flush();
    for (let i = 0; i < 6; i++) {
      await kernel.runUntil({ maxEvents: 250 });
      await writer.flush();
    }
    const kept = kernel.snapshots().map((s) => s.seq);
    // Thinned at least once (512 snapshots at most, 2 events apart at first).
    expect(kernel.head).toBeGreaterThan(2 * 512);
    expect(kept[1]! - kept[0]!).toBeGreaterThan(2);
    const stored = (await db.snapshots.toArray()).map((r) => r.seq);
    expect(stored).toEqual(kept.filter((seq) => seq <= kernel.head));
  });
});
