/** A trace file in and out: a run exported as JSONL and stored again is the same run, hash for hash. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readTraceFile, toJsonl, type KernelEvent } from '../kernel';
import type { StudioDb } from '../persist';
import { connect, freshDb, type Connection } from './testing/testChannel';

const open: Array<Connection | StudioDb> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const doc = JSON.parse(readFileSync(new URL('../../public/examples/research-team.json', import.meta.url), 'utf8')) as unknown;

describe('trace files', () => {
  it('stores an exported trace as a stopped run with the same trace hash and events', async () => {
    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    const { remote } = c;
    const started = await remote.startRun('p1', doc, 2);
    if (!started.ok) throw new Error('did not start');
    const done = await remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');
    const hash = await remote.runTraceHash(done.id);
    const events: KernelEvent[] = await remote.loadEvents(done.id, 0, done.head);

    const read = readTraceFile(toJsonl(events));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.trace.traceHash).toBe(hash);
    const { traceHash: _hash, parent: _parent, ...trace } = read.trace;
    const imported = await remote.importRun('p2', { ...trace, doc: null });
    expect(imported).toMatchObject({ projectId: 'p2', status: 'stopped', seed: 2, head: done.head, harness: 'Research team', stopReason: 'completed', specHash: done.specHash });
    expect(imported.id).not.toBe(done.id);
    expect(await remote.runTraceHash(imported.id)).toBe(hash);
    expect(await remote.loadEvents(imported.id, 0, imported.head)).toEqual(events);
    expect((await remote.listRuns('p2')).map((r) => r.id)).toEqual([imported.id]);
  });
});
