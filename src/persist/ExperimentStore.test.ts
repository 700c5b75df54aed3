import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { runKey, type KernelEvent, type RunRecord } from '../kernel';
import { EXPERIMENT_EXPORT_KIND, ExperimentStore, parseExperimentExport } from './ExperimentStore';
import { ProjectStore } from './ProjectStore';
import { StudioDb } from './StudioDb';

const open: Dexie[] = [];
function freshDb(name = `experiments-${crypto.randomUUID()}`): StudioDb {
  const db = new StudioDb(name);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const rec = (variant: string, seed: number, pass: boolean): RunRecord => ({ experiment: 'h1', variant, seed, input: null, stopReason: 'goals-met', traceHash: `t${seed}`, values: { pass } });

describe('ExperimentStore', () => {
  it('keeps experiments and their runs across a reopen, one record per run key', async () => {
    const db = freshDb();
    let t = 10;
    const store = new ExperimentStore(db, () => t);
    const a = await store.create('p1', 'memo vs none', { version: 1 });
    t = 20;
    await store.create('p2', 'elsewhere', {});
    await store.putRecords(a.id, [rec('a', 1, true), rec('b', 1, false)]);
    await store.putRecords(a.id, [rec('a', 1, true), rec('a', 2, false)]);
    await store.update(a.id, { status: 'running', hash: 'h1', total: 6 });

    db.close();
    const again = new ExperimentStore(freshDb(db.name));
    const list = await again.list('p1');
    expect(list.map((e) => [e.name, e.status, e.total, e.hash])).toEqual([['memo vs none', 'running', 6, 'h1']]);
    const records = await again.records(a.id);
    expect(records.map((r) => `${r.variant}${r.seed}`).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('deletes an experiment with its runs, and every experiment of a deleted project', async () => {
    const store = new ExperimentStore(freshDb());
    const a = await store.create('p1', 'one', {});
    const b = await store.create('p1', 'two', {});
    const c = await store.create('p2', 'three', {});
    await store.putRecords(a.id, [rec('a', 1, true)]);
    await store.putRecords(c.id, [rec('a', 1, true)]);
    await store.delete(a.id);
    expect(await store.records(a.id)).toEqual([]);
    expect((await store.list('p1')).map((e) => e.id)).toEqual([b.id]);
    await store.deleteProject('p1');
    expect(await store.list('p1')).toEqual([]);
    expect(await store.records(c.id)).toHaveLength(1);
  });

  it('keeps a real-CPU run\'s trace beside its record, apart from the records, and deletes it with the experiment', async () => {
    const store = new ExperimentStore(freshDb());
    const a = await store.create('p1', 'on an endpoint', {});
    const events = [{ seq: 0, type: 'run.started', text: 'x'.repeat(300) }, { seq: 1, type: 'run.stopped', reason: 'goals-met' }] as unknown as KernelEvent[];
    const kept = { doc: { name: 'h' }, harness: 'h', seed: 2, specHash: 's', stopReason: 'goals-unmet' as const, head: 1, events };
    await store.putRecords(a.id, [rec('a', 2, true)]);
    await store.putTrace(a.id, runKey(rec('a', 2, true)), kept);
    expect(await store.trace(a.id, runKey(rec('a', 2, true)))).toEqual(kept);
    expect(await store.trace(a.id, runKey(rec('a', 3, true)))).toBeUndefined();
    // The records (what the tables, the resume and the export read) are only the records.
    expect((await store.records(a.id)).map((r) => r.seed)).toEqual([2]);
    expect((await store.exportOne(a.id)).records).toHaveLength(1);
    // A changed definition forgets the traces with the records; so does a delete.
    await store.clearRecords(a.id);
    expect(await store.trace(a.id, runKey(rec('a', 2, true)))).toBeUndefined();
    await store.putTrace(a.id, runKey(rec('a', 2, true)), kept);
    await store.delete(a.id);
    expect(await store.trace(a.id, runKey(rec('a', 2, true)))).toBeUndefined();
    // A run that finishes after its experiment was deleted keeps nothing.
    await store.putTrace(a.id, runKey(rec('a', 2, true)), kept);
    expect(await store.trace(a.id, runKey(rec('a', 2, true)))).toBeUndefined();
  });

  it('exports an experiment with its results as one file and imports it into another project', async () => {
    const store = new ExperimentStore(freshDb());
    const a = await store.create('p1', 'memo vs none', { version: 1, name: 'x' });
    await store.putRecords(a.id, [rec('a', 1, true), rec('b', 1, false)]);
    await store.update(a.id, { status: 'running', hash: 'h1', total: 4 });
    const file = JSON.parse(JSON.stringify(await store.exportOne(a.id))) as unknown;
    // A running experiment exports as one to resume, not as one some tab still drives.
    expect(file).toMatchObject({ kind: EXPERIMENT_EXPORT_KIND, name: 'memo vs none', status: 'cancelled', total: 4, hash: 'h1' });
    const b = await store.importOne('p2', file);
    expect(b).toMatchObject({ projectId: 'p2', name: 'memo vs none', status: 'cancelled', hash: 'h1', total: 4, file: { version: 1, name: 'x' } });
    expect((await store.records(b.id)).length).toBe(2);
  });

  it('says where an imported file is wrong', async () => {
    expect(parseExperimentExport([])).toMatch(/expected a JSON object/);
    expect(parseExperimentExport({ kind: 'x' })).toMatch(/^kind: expected/);
    const good = { kind: EXPERIMENT_EXPORT_KIND, version: 1, name: 'n', file: {}, hash: null, status: 'done', total: 1, records: [rec('a', 1, true)] };
    expect(typeof parseExperimentExport(good)).toBe('object');
    expect(parseExperimentExport({ ...good, records: [rec('a', 1, true), { ...rec('a', 2, true), seed: 1.5 }] })).toBe('records[1]: has no integer seed');
    await expect(new ExperimentStore(freshDb()).importOne('p', { ...good, file: 3 })).rejects.toThrow(/file: expected/);
  });

  it('opens a database made before experiments existed and keeps its projects', async () => {
    const name = `experiments-upgrade-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(3).stores({ projects: 'id, updatedAt', versions: '[projectId+rev]', runs: 'id, projectId, [projectId+createdAt]', eventBlocks: '[runId+block]', snapshots: '[runId+seq]', settings: 'key', archiveChunks: '[store+seq], &[store+id]', archiveParts: '[store+segment+part]', archiveStats: 'store', endpoints: 'id, &name' });
    await old.table('projects').add({ id: 'p1', name: 'kept', doc: {}, rev: 1, createdAt: 1, updatedAt: 1 });
    old.close();
    const db = freshDb(name);
    expect((await new ProjectStore(db).list()).map((p) => p.name)).toEqual(['kept']);
    const store = new ExperimentStore(db);
    await store.create('p1', 'new', {});
    expect(await store.list('p1')).toHaveLength(1);
  });
});
