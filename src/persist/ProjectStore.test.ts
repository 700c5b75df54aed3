import { afterEach, describe, expect, it } from 'vitest';
import { MAX_VERSIONS, ProjectStore } from './ProjectStore';
import { StudioDb } from './StudioDb';

const open: StudioDb[] = [];
function freshDb(name = `projects-${crypto.randomUUID()}`): StudioDb {
  const db = new StudioDb(name);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('ProjectStore', () => {
  it('creates, saves and lists projects, and they survive closing and reopening the database', async () => {
    const db = freshDb();
    let t = 1000;
    const store = new ProjectStore(db, () => t);
    const p = await store.create('Research team', { version: 1, name: 'a' });
    expect(p).toMatchObject({ name: 'Research team', rev: 1, createdAt: 1000, updatedAt: 1000 });
    t = 2000;
    expect(await store.save(p.id, { version: 1, name: 'b' }, 1)).toEqual({ ok: true, rev: 2, updatedAt: 2000 });
    t = 3000;
    await store.create('Other', {});

    db.close();
    const reopened = new ProjectStore(freshDb(db.name));
    const list = await reopened.list();
    expect(list.map((x) => x.name)).toEqual(['Other', 'Research team']);
    expect(list[0]).not.toHaveProperty('doc');
    expect(await reopened.get(p.id)).toMatchObject({ rev: 2, doc: { name: 'b' }, updatedAt: 2000 });
    expect((await reopened.versions(p.id)).map((v) => [v.rev, (v.doc as { name: string }).name])).toEqual([[2, 'b'], [1, 'a']]);
  });

  it('refuses a save based on an older revision and keeps the newer document', async () => {
    const db = freshDb();
    const tabA = new ProjectStore(db);
    const tabB = new ProjectStore(db);
    const p = await tabA.create('P', { v: 0 });
    expect((await tabA.save(p.id, { v: 'A' }, 1)).ok).toBe(true);
    const conflict = await tabB.save(p.id, { v: 'B' }, 1);
    expect(conflict).toMatchObject({ ok: false, kind: 'conflict', currentRev: 2 });
    expect(conflict.ok === false && conflict.message).toMatch(/revision 2/);
    expect(await tabA.get(p.id)).toMatchObject({ rev: 2, doc: { v: 'A' } });
    expect((await tabA.versions(p.id)).map((v) => v.rev)).toEqual([2, 1]);
  });

  it('lets only one of two concurrent saves from the same base revision win', async () => {
    const store = new ProjectStore(freshDb());
    const p = await store.create('P', {});
    const results = await Promise.all([store.save(p.id, { who: 1 }, 1), store.save(p.id, { who: 2 }, 1)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.kind === 'conflict')).toHaveLength(1);
    expect((await store.get(p.id))?.rev).toBe(2);
  });

  it('renames with a save, and reports a missing project as an error, not a conflict', async () => {
    const store = new ProjectStore(freshDb());
    const p = await store.create('Old', {});
    await store.save(p.id, {}, 1, 'New');
    expect((await store.get(p.id))?.name).toBe('New');
    expect(await store.save('nope', {}, 1)).toMatchObject({ ok: false, kind: 'error' });
  });

  it(`keeps the latest ${MAX_VERSIONS} versions of a document`, async () => {
    const store = new ProjectStore(freshDb());
    const p = await store.create('P', { n: 1 });
    for (let rev = 1; rev < MAX_VERSIONS + 5; rev++) await store.save(p.id, { n: rev + 1 }, rev);
    const versions = await store.versions(p.id);
    expect(versions).toHaveLength(MAX_VERSIONS);
    expect(versions[0]).toMatchObject({ rev: MAX_VERSIONS + 5, doc: { n: MAX_VERSIONS + 5 } });
    expect(versions.at(-1)?.rev).toBe(6);
  });

  it('deletes a project with its versions and its runs', async () => {
    const db = freshDb();
    const store = new ProjectStore(db);
    const p = await store.create('P', {});
    const keep = await store.create('Q', {});
    const run = { projectId: p.id, harness: 'h', seed: 1, status: 'stopped' as const, createdAt: 1, updatedAt: 1, head: 0, specHash: 'x', doc: {} };
    await db.runs.bulkPut([{ ...run, id: 'r1' }, { ...run, id: 'r2', projectId: keep.id }]);
    await db.eventBlocks.put({ runId: 'r1', block: 0, events: [] });
    await db.snapshots.put({ runId: 'r1', seq: 0, state: {} as never });
    await store.delete(p.id);
    expect(await store.get(p.id)).toBeUndefined();
    expect(await store.versions(p.id)).toEqual([]);
    expect(await db.runs.toCollection().primaryKeys()).toEqual(['r2']);
    expect(await db.eventBlocks.count()).toBe(0);
    expect(await db.snapshots.count()).toBe(0);
  });
});
