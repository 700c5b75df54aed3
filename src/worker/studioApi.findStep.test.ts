/**
 * Stepping a stored run the page holds only part of (a windowed run): the worker scans the
 * stored trace in pages for the stop of step over / into / out, equal to the whole-trace step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findStop, type KernelEvent, type StepRequest } from '../kernel';
import type { StudioDb } from '../persist';
import { connect, freshDb, type Connection } from './testing/testChannel';

const open: Array<Connection | StudioDb> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

/** Three sim agents thinking and searching for a few thousand events (more than one page of the scan). */
function longDoc(steps: number): unknown {
  const agents = ['a0', 'a1', 'a2'].map((id, a) => ({
    id, name: id, model: 'sim', systemPrompt: `You are ${id}.`,
    behaviour: [...Array.from({ length: steps }, (_, i) => ((i + a) % 3 === 0 ? { op: 'call', tool: 'web_search', args: { query: `topic ${i}` } } : { op: 'think', text: `step ${i} of ${id}` })), { op: 'finish', text: 'done' }],
    capabilities: [{ target: 'web_search', access: 'use' }], memory: { window: 1024 },
  }));
  return {
    version: 1, name: 'Long run',
    models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 8192, slots: 2, tokensPerSecond: 80 }],
    tools: [{ id: 'web_search', name: 'web.search', description: 'Search.', args: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, sideEffect: 'read', tier: 'shared', impl: { kind: 'search', store: 'corpus', topK: 1, latencyMs: 300 } }],
    stores: [{ id: 'corpus', name: 'Corpus', kind: 'knowledge', documents: [{ text: 'topic one two three', tags: [] }] }],
    agents,
    limits: { maxSteps: 1_000_000, maxEvents: 1_000_000 },
  };
}

describe('findStep on a stored run', () => {
  it('gives the whole-trace stop of every step kind from cursors across a run of thousands of events, read page by page', async () => {
    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    const started = await c.remote.startRun('p', longDoc(400), 1);
    if (!started.ok) throw new Error(JSON.stringify(started.issues));
    const done = await c.remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');
    const events: KernelEvent[] = await c.remote.loadEvents(done.id, 0, done.head);
    expect(events.length).toBeGreaterThan(5000); // more than one page (STEP_PAGE = 4096) of the scan
    // Imported: a run that is only stored (never live here), as a long run opened later is.
    const stored = await c.remote.importRun('p', { harness: done.harness, seed: done.seed, head: done.head, specHash: done.specHash, doc: null, events });
    const head = done.head;
    let checked = 0;
    for (let at = 3; at < head; at += Math.floor(head / 11)) {
      for (const kind of ['over', 'into', 'out'] as const) {
        for (const agent of [undefined, 'a2']) {
          const req: StepRequest = { kind, at, ...(agent ? { agent } : {}) };
          expect(await c.remote.findStep(stored.id, req), `${kind} from ${at}`).toBe(findStop(events, req, head));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    // A step with no stop before the run's end says so (the UI then goes to the end).
    expect(await c.remote.findStep(stored.id, { kind: 'over', at: head - 1, agent: 'a0' })).toBe(findStop(events, { kind: 'over', at: head - 1, agent: 'a0' }, head));
  }, 60_000);
});
