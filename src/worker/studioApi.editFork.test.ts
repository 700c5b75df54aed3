import { afterEach, describe, expect, it } from 'vitest';
import type { EventOf, KernelEvent } from '../kernel';
import type { StudioDb } from '../persist';
import { connect, exampleDoc, freshDb, type Connection } from './testing/testChannel';

const open: Array<Connection | StudioDb> = [];
function start(db: StudioDb): Connection {
  const c = connect(db);
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

const returnedOf = (events: readonly KernelEvent[]) => events.find((e): e is EventOf<'tool.returned'> => e.type === 'tool.returned' && e.agent === 'researcher')!;

describe('edit state, fork, compare, name and pin through the worker', () => {
  it('forks with an edited tool result, compares the fork with its parent, and refuses a bad edit with its reason', async () => {
    const c = start(db());
    const started = await c.remote.startRun('p', exampleDoc(), 1);
    if (!started.ok) throw new Error('start failed');
    const parent = await c.remote.play(started.run.id, []);
    const events = await c.remote.loadEvents(parent.id, 0, parent.head);
    const r = returnedOf(events);
    const forked = await c.remote.fork(parent.id, r.seq, undefined, [{ kind: 'tool-result.edit', callId: r.callId, text: 'EDITED FINDING' }]);
    if (!forked.ok) throw new Error('fork failed');
    expect((await c.remote.loadEvents(forked.run.id, r.seq + 2, r.seq + 2))[0]).toMatchObject({ type: 'human.edited', agent: 'researcher', edit: { kind: 'tool-result.edited', text: 'EDITED FINDING' } });
    const done = await c.remote.play(forked.run.id, []);
    const diff = await c.remote.compareRuns(parent.id, done.id);
    expect(diff.divergence?.seq).toBe(r.seq + 1);
    expect(diff.agents.find((a) => a.agent === 'researcher')!.differences.join('\n')).toContain('EDITED FINDING');
    expect((await c.remote.compareRuns(parent.id, parent.id)).divergence).toBeNull();

    await expect(c.remote.fork(parent.id, r.seq - 1, undefined, [{ kind: 'tool-result.edit', callId: r.callId, text: 'x' }]))
      .rejects.toThrow(`Cannot fork run ${parent.id} at event ${r.seq - 1} with these edits: edit 1 of 1: call ${r.callId} (web_search) has not returned at event ${r.seq - 1}`);
    expect((await c.remote.listRuns('p')).map((x) => x.id).sort()).toEqual([parent.id, done.id].sort());
  });

  it('names and pins a run, keeps both across a reload and later commits, and clears them', async () => {
    const store = db();
    const c = start(store);
    const started = await c.remote.startRun('p', exampleDoc(), 3);
    if (!started.ok) throw new Error('start failed');
    expect(await c.remote.labelRun(started.run.id, { name: '  baseline  ', pinned: true })).toMatchObject({ id: started.run.id });
    // The run is still live here: its next commits keep the label.
    await c.remote.play(started.run.id, []);
    const reloaded = start(store);
    expect((await reloaded.remote.listRuns('p'))[0]).toMatchObject({ id: started.run.id, name: 'baseline', pinned: true });
    await reloaded.remote.labelRun(started.run.id, { name: '', pinned: false });
    const row = (await reloaded.remote.listRuns('p'))[0]!;
    expect(row.name).toBeUndefined();
    expect(row.pinned).toBeUndefined();
    await expect(reloaded.remote.labelRun('nope', { name: 'x' })).rejects.toThrow('There is no stored run nope');
  });
});
