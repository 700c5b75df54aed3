import { afterEach, describe, expect, it } from 'vitest';
import { asRunId, type KernelEvent } from '../kernel';
import { EVENT_BLOCK_SIZE, compressedBlocks, eventsOfBlock, toEventBlocks } from './eventBlocks';
import { RunStore } from './RunStore';
import { StudioDb, type RunRow } from './StudioDb';

const open: StudioDb[] = [];
function freshDb(name = `runs-${crypto.randomUUID()}`): StudioDb {
  const db = new StudioDb(name);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const RUN = 'run-1';
function events(n: number, runId = RUN): KernelEvent[] {
  return Array.from({ length: n }, (_, seq): KernelEvent =>
    seq === 0
      ? { seq, t: 0, run: asRunId(runId), type: 'run.started', seed: 1, harness: 'h', specHash: 'x', agents: ['a'], models: { m: { slots: 1, tokensPerSecond: 50, quality: 3, priceIn: 0, priceOut: 0 } }, stores: {}, groups: [], sched: { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 500 } }
      : { seq, t: seq * 10, run: asRunId(runId), agent: 'a', type: 'sched.enqueued', class: 'fifo', model: 'm', why: 'wakeup', queue: seq % 3, stats: {} },
  );
}
function row(over: Partial<RunRow> = {}): RunRow {
  return { id: RUN, projectId: 'p', harness: 'h', seed: 1, status: 'running', createdAt: 1, updatedAt: 1, head: -1, specHash: 'x', doc: {}, owner: 'me', leaseUntil: 10_000, ...over };
}

describe('event blocks', () => {
  it('cover exactly the blocks touched by an append, each from its start', () => {
    const all = events(600);
    const rows = toEventBlocks(RUN, all, 250, 520);
    expect(rows.map((r) => [r.block, r.events!.length, r.events![0]?.seq, r.events!.at(-1)?.seq])).toEqual([
      [0, 256, 0, 255],
      [1, 256, 256, 511],
      [2, 9, 512, 520],
    ]);
    expect(toEventBlocks(RUN, all, 5, 4)).toEqual([]);
  });
});

describe('compressed event blocks', () => {
  it('a full block compresses to a fraction of its JSON and decodes to the same events; plain rows read as they are', async () => {
    const all = events(300);
    const [row] = await compressedBlocks(RUN, all, 0, 0);
    expect(row!.events).toBeUndefined();
    expect(row!.gz!.byteLength).toBeLessThan(JSON.stringify(all.slice(0, 256)).length / 4);
    expect(await eventsOfBlock(row!)).toEqual(all.slice(0, 256));
    expect(await eventsOfBlock({ runId: RUN, block: 1, events: all.slice(256) })).toEqual(all.slice(256));
    await expect(compressedBlocks(RUN, all, 1, 1)).rejects.toThrow('not full');
  });

  it('loads a run whose blocks are partly compressed, partly plain (stored before compression)', async () => {
    const db = freshDb();
    const store = new RunStore(db);
    const all = events(600);
    await store.commit({ run: row({ head: 599 }), blocks: toEventBlocks(RUN, all, 0, 599), snapshots: [] }, { create: true });
    expect(await store.replaceBlocks(RUN, 'me', await compressedBlocks(RUN, all, 1, 1))).toBe(true);
    expect(await store.replaceBlocks(RUN, 'someone-else', await compressedBlocks(RUN, all, 0, 0))).toBe(false);
    expect((await db.eventBlocks.toArray()).map((b) => b.gz !== undefined)).toEqual([false, true, false]);
    expect(await store.loadEvents(RUN, 0, 599)).toEqual(all);
    expect((await store.loadEvents(RUN, 250, 260)).map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 250 + i));
  });
});

describe('RunStore', () => {
  it('stores 1,000 events in 4 blocks and loads them back in order, also after reopening', async () => {
    const db = freshDb();
    const store = new RunStore(db);
    const all = events(1000);
    expect(await store.commit({ run: row(), blocks: [], snapshots: [] }, { create: true })).toBe(true);
    // appended the way the worker does: in uneven flushes that rewrite the partial last block
    let from = 0;
    for (const to of [99, 300, 301, 777, 999]) {
      expect(await store.commit({ run: row({ head: to }), blocks: toEventBlocks(RUN, all, from, to), snapshots: [] }, { owner: 'me' })).toBe(true);
      from = to + 1;
    }
    expect(await db.eventBlocks.count()).toBe(4);
    expect((await db.eventBlocks.toArray()).map((b) => b.events!.length)).toEqual([256, 256, 256, 1000 - 3 * EVENT_BLOCK_SIZE]);

    db.close();
    const reopened = new RunStore(freshDb(db.name));
    const loaded = await reopened.loadEvents(RUN, 0, 999);
    expect(loaded.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect(loaded).toEqual(all);
    expect((await reopened.loadEvents(RUN, 250, 260)).map((e) => e.seq)).toEqual([250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260]);
    expect(await reopened.loadEvents(RUN, 990, 5000)).toHaveLength(10);
    expect(await reopened.get(RUN)).toMatchObject({ head: 999, status: 'running' });
  });

  it('writes nothing for a worker that no longer owns the run', async () => {
    const store = new RunStore(freshDb());
    await store.commit({ run: row({ owner: 'tab-a' }), blocks: [], snapshots: [] }, { create: true });
    const ok = await store.commit({ run: row({ owner: 'tab-b', head: 9 }), blocks: toEventBlocks(RUN, events(10), 0, 9), snapshots: [] }, { owner: 'tab-b' });
    expect(ok).toBe(false);
    expect(await store.loadEvents(RUN, 0, 9)).toEqual([]);
    expect((await store.get(RUN))?.owner).toBe('tab-a');
    // a deleted run cannot be brought back by a late flush either
    await store.delete(RUN);
    expect(await store.commit({ run: row({ owner: 'tab-a' }), blocks: [], snapshots: [] }, { owner: 'tab-a' })).toBe(false);
    expect(await store.get(RUN)).toBeUndefined();
  });

  it('lets a run be claimed only when its lease has expired or is already ours', async () => {
    const store = new RunStore(freshDb());
    await store.commit({ run: row({ owner: 'tab-a', leaseUntil: 5000 }), blocks: [], snapshots: [] }, { create: true });
    expect(await store.claim(RUN, 'tab-b', 4999, 6000)).toMatchObject({ ok: false, reason: 'held' });
    expect(await store.claim(RUN, 'tab-b', 5000, 6000)).toMatchObject({ ok: true, run: { owner: 'tab-b', leaseUntil: 11_000, status: 'paused' } });
    expect(await store.claim(RUN, 'tab-a', 6000, 6000)).toMatchObject({ ok: false, reason: 'held' });
    expect(await store.claim('missing', 'tab-a', 0, 1)).toEqual({ ok: false, reason: 'missing' });
    expect(await store.renew('tab-a', [RUN], 99_999)).toEqual([RUN]);
    expect(await store.renew('tab-b', [RUN], 99_999)).toEqual([]);
    expect((await store.get(RUN))?.leaseUntil).toBe(99_999);
  });

  it('finds the latest snapshot at or before a seq and deletes a run with everything it owns', async () => {
    const db = freshDb();
    const store = new RunStore(db);
    const state = (seq: number) => ({ seq }) as never;
    await store.commit({ run: row({ head: 999 }), blocks: toEventBlocks(RUN, events(1000), 0, 999), snapshots: [0, 500].map((seq) => ({ runId: RUN, seq, state: state(seq) })) }, { create: true });
    await store.commit({ run: { ...row({ id: 'other' }) }, blocks: toEventBlocks('other', events(10, 'other'), 0, 9), snapshots: [] }, { create: true });
    expect((await store.snapshotAtOrBefore(RUN, 499))?.seq).toBe(0);
    expect((await store.snapshotAtOrBefore(RUN, 500))?.seq).toBe(500);
    expect((await store.snapshotAtOrBefore(RUN, 999))?.seq).toBe(500);
    await store.delete(RUN);
    expect(await store.get(RUN)).toBeUndefined();
    expect((await db.eventBlocks.toArray()).map((b) => b.runId)).toEqual(['other']);
    expect(await db.snapshots.count()).toBe(0);
  });
});
