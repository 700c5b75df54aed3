import { afterEach, describe, expect, it } from 'vitest';
import { traceHash } from '../kernel';
import { EVENT_BLOCK_SIZE, RunStore, StudioDb, eventsOfBlock } from '../persist';
import { injectKillDuringBlockWrite } from '../persist/testing/injectDiskFaults';
import { connect, freshDb, referenceRun, type Connection } from './testing/testChannel';
import { longDoc } from './testing/testDocs';

const open: Array<Connection | StudioDb> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close().catch(() => undefined); // the killed worker's close fails to write; that is fine
    else x.close();
  }
});

describe('a reload while a run is being saved', () => {
  it('keeps every event committed before the worker died mid-block, with no torn block, and the run replays to the same trace', async () => {
    const db = freshDb();
    open.push(db);
    const kill = injectKillDuringBlockWrite(db);
    // Small flushes, so the run's blocks are written (and rewritten while partial) many times.
    const tab1 = connect(db, { owner: 'tab-1', flushEvents: 100, timing: { chunkEvents: 100 } });
    open.push(tab1);
    const started = await tab1.remote.startRun('p', longDoc(300), 3);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    const reference = await referenceRun(longDoc(300), 3);
    expect(reference.events.length).toBeGreaterThan(3 * EVENT_BLOCK_SIZE);

    // Let a few blocks land, then kill the worker at its next block write.
    const stepped = await tab1.remote.step(id, 'turn', []);
    kill.armed = true;
    await tab1.remote.play(id, []).catch(() => undefined);
    expect(kill.killed).toBe(true);
    // No close, no flush, no lease handed back: the worker is simply gone.

    const reloaded = new StudioDb(db.name);
    open.push(reloaded);
    const stored = await new RunStore(reloaded).get(id);
    if (!stored) throw new Error('the run row is gone');
    const head = stored.head;
    expect(head).toBeGreaterThanOrEqual(stepped.at(-1)!.seq);
    expect(head).toBeLessThan(reference.events.length - 1); // the kill cut the run short

    // Every block is whole up to the stored head and nothing lies past it.
    const blocks = await reloaded.eventBlocks.where('[runId+block]').between([id, -Infinity], [id, Infinity]).toArray();
    expect(blocks.map((b) => b.block)).toEqual(Array.from({ length: Math.floor(head / EVENT_BLOCK_SIZE) + 1 }, (_, i) => i));
    const decoded = await Promise.all(blocks.map(eventsOfBlock));
    expect(decoded.map((b) => b.length)).toEqual(blocks.map((b) => Math.min(EVENT_BLOCK_SIZE, head + 1 - b.block * EVENT_BLOCK_SIZE)));
    const events = decoded.flat();
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head + 1 }, (_, i) => i));
    expect(traceHash(events)).toBe(traceHash(reference.events.slice(0, head + 1)));

    // The reloaded studio sees it interrupted, resumes it from its committed events and finishes the same run.
    const tab2 = connect(reloaded, { owner: 'tab-2', liveOwners: async () => new Set(['tab-2']) });
    open.push(tab2);
    expect(await tab2.remote.getRun(id)).toMatchObject({ status: 'interrupted', head });
    expect(await tab2.remote.resume(id)).toMatchObject({ status: 'paused', head });
    const done = await tab2.remote.play(id, []);
    expect(done).toMatchObject({ status: 'stopped', stopReason: 'completed' });
    expect(traceHash(await tab2.remote.loadEvents(id, 0, done.head))).toBe(reference.hash);
  });
});
