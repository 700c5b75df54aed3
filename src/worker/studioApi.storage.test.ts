import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Comlink from 'comlink';
import { traceHash } from '../kernel';
import type { Notice } from './api';
import { RunStore, StudioDb, VERSION_CHANGE_MESSAGE } from '../persist';
import { injectDiskFaults, type DiskSwitch } from '../persist/testing/injectDiskFaults';
import { connect, exampleDoc, freshDb, referenceRun, type Connection } from './testing/testChannel';
import { longDoc } from './testing/testDocs';

const open: Array<Connection | StudioDb> = [];
function start(db: StudioDb, opts?: Parameters<typeof connect>[1]): Connection {
  const c = connect(db, opts);
  open.push(c);
  return c;
}
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close();
    else x.close();
  }
});

/** A database whose writes fail as on a full disk while `disk.full` is set. */
function dbWithDisk(): { db: StudioDb; disk: DiskSwitch } {
  const db = freshDb();
  const disk = injectDiskFaults(db);
  open.push(db);
  return { db, disk };
}

async function noticesOf(c: Connection): Promise<Notice[]> {
  const notices: Notice[] = [];
  await c.remote.onNotice(Comlink.proxy((n: Notice) => void notices.push(n)));
  return notices;
}

describe('storage through the worker API', () => {
  it('a full disk fails a save with a clear message and a notice, and keeps the stored revision', async () => {
    const { db, disk } = dbWithDisk();
    const c = start(db);
    const notices = await noticesOf(c);
    const p = await c.remote.createProject('P', exampleDoc());
    disk.full = true;
    const saved = await c.remote.saveProject(p.id, { changed: true }, 1);
    expect(saved).toMatchObject({ ok: false, kind: 'error', message: expect.stringMatching(/^Storage is full: could not save the project\. Delete old runs/) });
    await vi.waitFor(() => expect(notices).toEqual([{ level: 'error', message: (saved as { message: string }).message }]));
    disk.full = false;
    expect(await c.remote.getProject(p.id)).toMatchObject({ rev: 1, doc: exampleDoc() });
    expect(await c.remote.saveProject(p.id, { changed: true }, 1)).toMatchObject({ ok: true, rev: 2 });
  });

  it('a full disk pauses a playing run without losing it; playing again after space is freed finishes it', async () => {
    const { db, disk } = dbWithDisk();
    const c = start(db, { timing: { chunkEvents: 100 } });
    const notices = await noticesOf(c);
    const started = await c.remote.startRun('p', longDoc(300), 8);
    if (!started.ok) throw new Error('start failed');
    disk.full = true;
    const stuck = await c.remote.play(started.run.id, []);
    expect(stuck.status).toBe('paused');
    expect(stuck.head).toBe(started.run.head); // nothing more was committed
    await vi.waitFor(() => expect(notices[0]?.message).toMatch(/^Storage is full: could not save the run/));
    expect(notices).toHaveLength(1); // one notice, not one per failed flush
    await expect(c.remote.play(started.run.id, [])).rejects.toThrow(/Storage is full/);

    disk.full = false;
    const done = await c.remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');
    const stored = await new RunStore(db).loadEvents(done.id, 0, done.head);
    expect(traceHash(stored)).toBe((await referenceRun(longDoc(300), 8)).hash);
  });

  it('retries the unsaved end of a run that stopped while the disk was full', async () => {
    const { db, disk } = dbWithDisk();
    const c = start(db, { renewMs: 20 });
    const notices = await noticesOf(c);
    const started = await c.remote.startRun('p', exampleDoc(), 2);
    if (!started.ok) throw new Error('start failed');
    disk.full = true;
    const done = await c.remote.play(started.run.id, []);
    expect(done).toMatchObject({ status: 'stopped', head: started.run.head });
    const reference = await referenceRun(exampleDoc(), 2);
    expect(await c.remote.loadEvents(done.id, 0, 1000)).toHaveLength(reference.events.length); // still held in memory
    // One notice for the run's events, one for its archival memory (the run searched on from memory).
    await vi.waitFor(() => expect(notices.length).toBeGreaterThanOrEqual(2));
    expect(notices.map((n) => n.message).join('\n')).toMatch(/archive/);
    disk.full = false;
    await vi.waitFor(async () => expect(await new RunStore(db).get(done.id)).toMatchObject({ status: 'stopped', head: reference.events.length - 1 }));
    expect(traceHash(await new RunStore(db).loadEvents(done.id, 0, 1000))).toBe(reference.hash);
  });

  it('delivers connection notices raised before anyone listened, and after', async () => {
    const db = freshDb();
    open.push(db);
    const c = start(db);
    await c.remote.listProjects(); // opens the connection
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(db.name, 1000);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const notices = await noticesOf(c);
    await vi.waitFor(() => expect(notices).toEqual([{ level: 'error', message: VERSION_CHANGE_MESSAGE }]));
    await expect(c.remote.listProjects()).rejects.toThrow(VERSION_CHANGE_MESSAGE);
    raw.close();
  });

  it('keeps settings in their own table and deletes a project with its live and stored runs', async () => {
    const db = freshDb();
    open.push(db);
    const c = start(db);
    await c.remote.setSetting('provider:openai', { apiKey: 'sk-test', baseUrl: 'https://example.invalid' });
    expect(await c.remote.getSetting('provider:openai')).toEqual({ apiKey: 'sk-test', baseUrl: 'https://example.invalid' });
    expect(await c.remote.getSetting('missing')).toBeUndefined();
    await c.remote.setSetting('provider:openai', undefined);
    expect(await c.remote.getSetting('provider:openai')).toBeUndefined();

    const p = await c.remote.createProject('P', exampleDoc());
    const keep = await c.remote.createProject('Q', exampleDoc());
    const live = await c.remote.startRun(p.id, longDoc(10), 1);
    const stopped = await c.remote.startRun(p.id, exampleDoc(), 1);
    const other = await c.remote.startRun(keep.id, exampleDoc(), 1);
    if (!live.ok || !stopped.ok || !other.ok) throw new Error('start failed');
    await c.remote.play(stopped.run.id, []);
    await c.remote.deleteProject(p.id);
    expect(await c.remote.getProject(p.id)).toBeUndefined();
    expect(await c.remote.listRuns(p.id)).toEqual([]);
    expect(await c.remote.getRun(live.run.id)).toBeUndefined();
    expect((await db.eventBlocks.toArray()).every((b) => b.runId === other.run.id)).toBe(true);
    expect(await c.remote.listRuns(keep.id)).toHaveLength(1);
    expect(JSON.stringify(await db.runs.toArray())).not.toContain('sk-test');
  });
});
