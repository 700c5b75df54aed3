import { afterEach, describe, expect, it, vi } from 'vitest';
import { traceHash, type KernelEvent } from '../kernel';
import type { Breakpoint } from './api';
import { RunStore, type StudioDb } from '../persist';
import { connect, exampleDoc, freshDb, referenceRun, withoutRun, type Connection } from './testing/testChannel';
import { longDoc } from './testing/testDocs';

const open: Array<Connection | StudioDb> = [];
function start(db: StudioDb, opts?: Parameters<typeof connect>[1]): Connection {
  const c = connect(db, opts);
  open.push(c);
  return c;
}
function db(): StudioDb {
  const d = freshDb();
  open.push(d);
  return d;
}
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close();
    else x.close();
  }
});

const bp = (kind: Breakpoint['kind'], value: string, enabled = true): Breakpoint => ({ id: `${kind}:${value}`, kind, value, enabled });
const seqs = (events: readonly KernelEvent[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the worker protocol over a MessageChannel', () => {
  it('starts a run paused with its first events committed, or returns path-precise issues', async () => {
    const store = db();
    const { remote } = start(store);
    const project = await remote.createProject('Research team', exampleDoc());
    const started = await remote.startRun(project.id, exampleDoc(), 7);
    if (!started.ok) throw new Error('start failed');
    const run = started.run;
    expect(run).toMatchObject({ projectId: project.id, harness: 'Research team', seed: 7, status: 'paused', doc: exampleDoc() });
    expect(run.head).toBeGreaterThan(0);
    const stored = await new RunStore(store).loadEvents(run.id, 0, 1000);
    expect(seqs(stored)).toEqual(range(0, run.head));
    expect(stored[0]).toMatchObject({ type: 'run.started', seed: 7, run: run.id, specHash: run.specHash });
    expect(await remote.listRuns(project.id)).toEqual([run]);

    const broken = exampleDoc();
    (broken.agents as Array<Record<string, unknown>>)[1]!.model = 42;
    const refused = await remote.startRun(project.id, broken, 7);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.issues.map((i) => i.path)).toContain('agents[1].model');
    expect(await remote.listRuns(project.id)).toHaveLength(1);
  });

  it('refuses to start (or fork into) a run of a model it has no CPU for, saying which model and what is missing', async () => {
    const { remote } = start(db());
    const gpt = exampleDoc();
    (gpt.models as Array<Record<string, unknown>>)[0]!.provider = 'openai';
    const refused = await remote.startRun('p', gpt, 1);
    expect(refused).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'models[0].provider', message: expect.stringContaining('no openai endpoint is available') })] });
    expect(await remote.listRuns('p')).toEqual([]);
    const started = await remote.startRun('p', exampleDoc(), 1);
    if (!started.ok) throw new Error('start failed');
    expect((await remote.fork(started.run.id, 0, gpt)).ok).toBe(false);
  });

  it('plays the example to the end: batched to the sink, persisted, and the same trace as the kernel alone', async () => {
    const store = db();
    const c = start(store);
    const started = await c.remote.startRun('p', exampleDoc(), 3);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    await c.attach(id);
    const done = await c.remote.play(id, []);
    const reference = await referenceRun(exampleDoc(), 3);
    expect(done).toMatchObject({ status: 'stopped', stopReason: 'completed', head: reference.events.length - 1 });

    await vi.waitFor(() => expect(c.batches.at(-1)?.status).toBe('stopped'));
    const streamed = c.batches.flatMap((b) => b.events);
    expect(seqs(streamed)).toEqual(range(started.run.head + 1, done.head));
    expect(c.batches.length).toBeLessThan(streamed.length);
    expect(c.batches.at(-1)).toMatchObject({ runId: id, head: done.head, stopReason: 'completed' });

    const stored = await new RunStore(store).loadEvents(id, 0, 10_000);
    expect(traceHash(stored)).toBe(reference.hash);
    expect(withoutRun(stored)).toEqual(withoutRun(reference.events));
    expect(await new RunStore(store).get(id)).toMatchObject({ status: 'stopped', stopReason: 'completed', head: done.head });
    // playing a stopped run is a no-op
    expect((await c.remote.play(id, [])).head).toBe(done.head);
  });

  it('coalesces a long run into a few frames of batches, not one message per event or per chunk', async () => {
    const c = start(db(), { timing: { chunkEvents: 50 } });
    const started = await c.remote.startRun('p', longDoc(300), 1);
    if (!started.ok) throw new Error('start failed');
    await c.attach(started.run.id);
    const done = await c.remote.play(started.run.id, []);
    await vi.waitFor(() => expect(c.batches.at(-1)?.status).toBe('stopped'));
    const streamed = c.batches.flatMap((b) => b.events);
    expect(seqs(streamed)).toEqual(range(started.run.head + 1, done.head));
    expect(done.head).toBeGreaterThan(2000);
    const chunks = Math.ceil(streamed.length / 50);
    expect(c.batches.length).toBeLessThan(chunks);
    expect(c.batches.slice(0, -1).every((b) => b.status === 'running')).toBe(true);
  });

  it('stops at enabled breakpoints of each kind and reports the hit', async () => {
    const c = start(db());
    const started = await c.remote.startRun('p', longDoc(5), 1);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    await c.attach(id);

    const atTool = await c.remote.play(id, [bp('event', 'agent.finished', false), bp('tool', 'lookup')]);
    expect(atTool.status).toBe('paused');
    const [toolEvent] = await c.remote.loadEvents(id, atTool.head, atTool.head);
    expect(toolEvent).toMatchObject({ type: 'tool.called', tool: 'lookup' });
    await vi.waitFor(() => expect(c.batches.at(-1)?.hit).toEqual({ seq: atTool.head, breakpoint: bp('tool', 'lookup') }));
    expect(c.batches.at(-1)?.status).toBe('paused');

    const atB = await c.remote.play(id, [bp('agent', 'b')]);
    const [bEvent] = await c.remote.loadEvents(id, atB.head, atB.head);
    expect(bEvent?.agent).toBe('b');
    const skipped = await c.remote.loadEvents(id, atTool.head + 1, atB.head - 1);
    expect(skipped.some((e) => e.agent === 'b')).toBe(false);

    const atEvent = await c.remote.play(id, [bp('event', 'artifact.written')]);
    expect((await c.remote.loadEvents(id, atEvent.head, atEvent.head))[0]?.type).toBe('artifact.written');
    expect((await c.remote.play(id, [])).status).toBe('stopped');
  });

  it('steps one event, or one agent turn through the next infer.completed', async () => {
    const store = db();
    const c = start(store);
    const started = await c.remote.startRun('p', longDoc(5), 1);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    const one = await c.remote.step(id, 'event', []);
    expect(seqs(one)).toEqual([started.run.head + 1]);
    const turn = await c.remote.step(id, 'turn', []);
    expect(turn[0]?.seq).toBe(started.run.head + 2);
    expect(turn.at(-1)?.type).toBe('infer.completed');
    expect(turn.slice(0, -1).some((e) => e.type === 'infer.completed')).toBe(false);
    const meta = await c.remote.getRun(id);
    expect(meta).toMatchObject({ status: 'paused', head: turn.at(-1)!.seq });
    expect(seqs(await new RunStore(store).loadEvents(id, 0, 1e6))).toEqual(range(0, meta!.head));
    const reference = await referenceRun(longDoc(5), 1);
    expect(withoutRun([...one, ...turn])).toEqual(withoutRun(reference.events.slice(one[0]!.seq, meta!.head + 1)));
  });

  it('pauses a playing run between slices, and continuing gives the uninterrupted trace', async () => {
    const store = db();
    const c = start(store, { timing: { chunkEvents: 20 } });
    const started = await c.remote.startRun('p', longDoc(300), 9);
    if (!started.ok) throw new Error('start failed');
    const id = started.run.id;
    await c.attach(id);
    const playing = c.remote.play(id, []);
    await c.remote.pause(id); // reaches the worker while the loop yields between slices
    const paused = await playing;
    expect(paused.status).toBe('paused');
    expect(paused.head).toBeGreaterThan(started.run.head);
    expect(paused.head).toBeLessThan(2400);
    expect(await new RunStore(store).get(id)).toMatchObject({ status: 'paused', head: paused.head });
    const done = await c.remote.play(id, []);
    expect(done.status).toBe('stopped');
    const reference = await referenceRun(longDoc(300), 9);
    expect(traceHash(await c.remote.loadEvents(id, 0, done.head))).toBe(reference.hash);
  });

  it('forks at an event with the same or an edited document', async () => {
    const c = start(db());
    const started = await c.remote.startRun('p', exampleDoc(), 4);
    if (!started.ok) throw new Error('start failed');
    const parent = await c.remote.play(started.run.id, []);
    const parentEvents = await c.remote.loadEvents(parent.id, 0, parent.head);

    const same = await c.remote.fork(parent.id, 20);
    if (!same.ok) throw new Error('fork failed');
    expect(same.run).toMatchObject({ parent: { run: parent.id, seq: 20 }, projectId: 'p', seed: 4, status: 'paused', doc: exampleDoc() });
    const forkEvents = await c.remote.loadEvents(same.run.id, 0, same.run.head);
    expect(withoutRun(forkEvents.slice(0, 21))).toEqual(withoutRun(parentEvents.slice(0, 21)));
    expect(forkEvents.every((e) => e.run === same.run.id)).toBe(true);
    expect(forkEvents[21]).toMatchObject({ type: 'run.forked', parent: { run: parent.id, seq: 20 }, edited: false });
    const sameDone = await c.remote.play(same.run.id, []);
    expect(sameDone.stopReason).toBe('completed');

    const edited = exampleDoc();
    (edited.limits as Record<string, number>).maxSteps = 6;
    const changed = await c.remote.fork(parent.id, 20, edited);
    if (!changed.ok) throw new Error('fork failed');
    expect(changed.run.specHash).not.toBe(parent.specHash);
    expect((await c.remote.loadEvents(changed.run.id, 21, 21))[0]).toMatchObject({ type: 'run.forked', edited: true });
    // The person's change of the document is a human input of the fork, naming where it changed.
    expect((await c.remote.loadEvents(changed.run.id, 22, 22))[0]).toMatchObject({ type: 'human.edited', target: 'document limits.maxSteps', edit: { kind: 'document.edited', path: 'limits.maxSteps' } });
    expect((await c.remote.play(changed.run.id, [])).stopReason).toBe('max-steps');

    await expect(c.remote.fork(parent.id, parent.head + 1)).rejects.toThrow(/events 0\.\./);
    const bad = await c.remote.fork(parent.id, 5, { version: 1 });
    expect(bad.ok).toBe(false);
  });

  it('answers stateAt from the live kernel and, identically, from storage after a reload', async () => {
    const store = db();
    const c = start(store);
    const started = await c.remote.startRun('p', longDoc(300), 2);
    if (!started.ok) throw new Error('start failed');
    const done = await c.remote.play(started.run.id, []);
    expect(await new RunStore(store).snapshotAtOrBefore(done.id, done.head)).toMatchObject({ seq: 2000 });
    const reloaded = start(store);
    for (const seq of [0, 1, 499, 500, 501, 1234, done.head]) {
      const live = await c.remote.stateAt(done.id, seq);
      const stored = await reloaded.remote.stateAt(done.id, seq);
      expect(live?.seq).toBe(seq);
      expect(stored).toEqual(live);
    }
    expect(await reloaded.remote.stateAt(done.id, done.head + 1)).toBeUndefined();
    expect(await reloaded.remote.stateAt(done.id, -1)).toBeUndefined();
  });

  it('deletes a run with its events and snapshots', async () => {
    const store = db();
    const c = start(store);
    const started = await c.remote.startRun('p', longDoc(300), 2);
    if (!started.ok) throw new Error('start failed');
    await c.remote.play(started.run.id, []);
    await c.remote.deleteRun(started.run.id);
    expect(await c.remote.getRun(started.run.id)).toBeUndefined();
    expect(await c.remote.loadEvents(started.run.id, 0, 100)).toEqual([]);
    expect(await store.eventBlocks.count()).toBe(0);
    expect(await store.snapshots.count()).toBe(0);
  });
});
