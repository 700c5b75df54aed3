import { afterEach, describe, expect, it, vi } from 'vitest';
import { traceHash, type KernelEvent } from '../kernel';
import type { Notice } from './api';
import { RunStore, StudioDb } from '../persist';
import { connect, freshDb, referenceRun, withoutRun, type Connection } from './testing/testChannel';
import { longDoc } from './testing/testDocs';

const open: Array<Connection | StudioDb> = [];
function start(db: StudioDb, opts?: Parameters<typeof connect>[1]): Connection {
  const c = connect(db, opts);
  open.push(c);
  return c;
}
/** A new connection to the same database, as a reloaded tab opens it. */
function reopen(db: StudioDb): StudioDb {
  const d = new StudioDb(db.name);
  open.push(d);
  return d;
}
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close();
    else x.close();
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = 1_700_000_000_000;

describe('interrupted runs', () => {
  it('are interrupted at once when their owner is known to be gone (Web Locks), lease or not', async () => {
    const db = freshDb();
    open.push(db);
    const tab1 = start(db, { owner: 'tab-1', now: () => T0 });
    const started = await tab1.remote.startRun('p', longDoc(50), 1);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    await tab1.remote.step(id, 'turn', []);
    await tab1.api.close();

    // One second later the lease still holds; a living tab-1 keeps it, a gone one does not.
    let alive = new Set(['tab-1', 'tab-2']);
    const tab2 = start(reopen(db), { owner: 'tab-2', now: () => T0 + 1000, liveOwners: async () => alive });
    expect((await tab2.remote.getRun(id))?.status).toBe('paused');
    await expect(tab2.remote.resume(id)).rejects.toThrow(/live in another Harness Studio tab/);
    alive = new Set(['tab-2']);
    expect((await tab2.remote.getRun(id))?.status).toBe('interrupted');
    expect(await tab2.remote.resume(id)).toMatchObject({ id, status: 'paused' });
  });

  it('are told apart from runs live in another tab, and resume to the uninterrupted trace', async () => {
    const before = freshDb();
    open.push(before);
    const tab1 = start(before, { owner: 'tab-1', now: () => T0 });
    const started = await tab1.remote.startRun('p', longDoc(300), 5);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    const paused = await tab1.remote.play(id, [{ id: 'b', kind: 'tool', value: 'lookup', enabled: true }]);
    expect(paused).toMatchObject({ status: 'paused' });
    expect(paused.head).toBeGreaterThan(1000); // past two snapshots
    const committed = await tab1.remote.loadEvents(id, 0, paused.head);
    await tab1.api.close(); // the tab goes away; its leases are left to expire

    // Reloaded one second later: the lease still holds, so the run counts as live elsewhere.
    const soon = start(reopen(before), { owner: 'tab-2', now: () => T0 + 1000 });
    expect((await soon.remote.listRuns('p'))[0]).toMatchObject({ id, status: 'paused' });
    await expect(soon.remote.resume(id)).rejects.toThrow(/live in another Harness Studio tab/);
    await expect(soon.remote.play(id, [])).rejects.toThrow(/live in another Harness Studio tab/);

    // Reloaded after the lease expired: interrupted, and it continues from its committed events.
    const later = start(reopen(before), { owner: 'tab-3', now: () => T0 + 7000 });
    expect(await later.remote.getRun(id)).toMatchObject({ status: 'interrupted', head: paused.head });
    const resumed = await later.remote.resume(id);
    expect(resumed).toMatchObject({ id, status: 'paused', head: paused.head });
    expect(await new RunStore(before).get(id)).toMatchObject({ owner: 'tab-3', leaseUntil: T0 + 7000 + 6000 });
    await later.attach(id);
    const done = await later.remote.play(id, []);
    expect(done).toMatchObject({ status: 'stopped', stopReason: 'completed' });

    const events = await later.remote.loadEvents(id, 0, done.head);
    expect(events.slice(0, committed.length)).toEqual(committed);
    const reference = await referenceRun(longDoc(300), 5);
    expect(traceHash(events)).toBe(reference.hash);
    expect(withoutRun(events)).toEqual(withoutRun(reference.events));
    await vi.waitFor(() => expect(later.batches.at(-1)?.status).toBe('stopped'));
    expect(later.batches.flatMap((b) => b.events.map((e: KernelEvent) => e.seq))[0]).toBe(paused.head + 1);
  });

  it('play resumes an interrupted run by itself; a stopped run is never interrupted', async () => {
    const db = freshDb();
    open.push(db);
    const tab1 = start(db, { owner: 'tab-1', now: () => T0 });
    const a = await tab1.remote.startRun('p', longDoc(10), 1);
    const b = await tab1.remote.startRun('p', longDoc(10), 2);
    if (!a.ok || !b.ok) throw new Error('start failed');
    await tab1.remote.play(b.run.id, []);
    await tab1.api.close();

    const tab2 = start(reopen(db), { owner: 'tab-2', now: () => T0 + 60_000 });
    const runs = await tab2.remote.listRuns('p');
    expect(Object.fromEntries(runs.map((r) => [r.id, r.status]))).toEqual({ [a.run.id]: 'interrupted', [b.run.id]: 'stopped' });
    expect(await tab2.remote.play(a.run.id, [])).toMatchObject({ status: 'stopped' });
    expect(await tab2.remote.resume(b.run.id)).toMatchObject({ status: 'stopped' });
  });

  it('keeps the leases of live runs renewed, so a paused run in an open tab is never taken', async () => {
    const db = freshDb();
    open.push(db);
    const tab1 = start(db, { owner: 'tab-1', leaseMs: 80, renewMs: 20 });
    const started = await tab1.remote.startRun('p', longDoc(10), 1);
    if (!started.ok) throw new Error('start failed');
    await sleep(250); // several lease lengths
    const tab2 = start(reopen(db), { owner: 'tab-2', leaseMs: 80, renewMs: 20 });
    expect(await tab2.remote.getRun(started.run.id)).toMatchObject({ status: 'paused' });
    await expect(tab2.remote.resume(started.run.id)).rejects.toThrow(/another Harness Studio tab/);

    await tab1.api.close(); // stops renewing
    await sleep(150);
    expect(await tab2.remote.getRun(started.run.id)).toMatchObject({ status: 'interrupted' });
  });

  it('a tab that lost its run to another one stops writing it and says so', async () => {
    const db = freshDb();
    open.push(db);
    let now = T0;
    const tab1 = start(db, { owner: 'tab-1', now: () => now, renewMs: 60_000 });
    const notices: Notice[] = [];
    await tab1.api.onNotice((n) => notices.push(n));
    const started = await tab1.remote.startRun('p', longDoc(50), 1);
    if (!started.ok) throw new Error('start failed');
    const first = await tab1.remote.step(started.run.id, 'turn', []);

    // tab1 sleeps past its lease; tab2 takes the run over and moves it on
    const tab2 = start(reopen(db), { owner: 'tab-2', now: () => T0 + 10_000 });
    await tab2.remote.resume(started.run.id);
    const moved = await tab2.remote.step(started.run.id, 'turn', []);
    now = T0 + 10_001;

    const answer = await tab1.remote.play(started.run.id, []);
    expect(notices.map((n) => n.message)).toEqual([expect.stringMatching(/now driven by another tab/)]);
    const row = await new RunStore(db).get(started.run.id);
    expect(row).toMatchObject({ owner: 'tab-2', status: 'paused', head: moved.at(-1)!.seq });
    expect(first.at(-1)!.seq).toBeLessThan(row!.head);
    expect(answer).toMatchObject({ status: 'paused', head: row!.head });
    expect(await tab1.remote.getRun(started.run.id)).toEqual(answer);
    await expect(tab1.remote.step(started.run.id, 'event', [])).rejects.toThrow(/live in another Harness Studio tab/);
  });
});
