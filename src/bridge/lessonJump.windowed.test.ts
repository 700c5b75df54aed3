/**
 * A lesson's jump on a run too long for the page to hold whole (more than WHOLE_MAX = 20,000
 * events, store/runSliceWindow.ts): the page holds a window of it, so the jump asks the worker,
 * which scans the stored trace page by page with the breakpoint matcher (StudioApi.findPause).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, parseHarness } from '../kernel';
import { connect, freshDb, type Connection } from '../worker/testing/testChannel';
import { firstJumpSeq, jumpBreakpoint, LESSON_SEED } from './lessonJump';

/** store/runSliceWindow.ts: WHOLE_MAX (held whole up to) and WINDOW_SPAN (events held around the cursor). */
const WHOLE_MAX = 20_000;
const WINDOW_SPAN = 2_000;

const open: Array<Connection | ReturnType<typeof freshDb>> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

/** Three sim agents thinking for thousands of turns; a0 searches only at its first and last turns. */
function longDoc(steps: number): unknown {
  const agents = ['a0', 'a1', 'a2'].map((id) => ({
    id, name: id, model: 'sim', systemPrompt: `You are ${id}.`,
    behaviour: [
      ...Array.from({ length: steps }, (_, i) => (id === 'a0' && (i === 0 || i === steps - 1) ? { op: 'call', tool: 'web_search', args: { query: `topic ${i}` } } : { op: 'think', text: `step ${i} of ${id}` })),
      { op: 'finish', text: 'done' },
    ],
    capabilities: [{ target: 'web_search', access: 'use' }], memory: { window: 1024 },
  }));
  return {
    version: 1, name: 'Long run',
    models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 8192, slots: 3, tokensPerSecond: 80 }],
    tools: [{ id: 'web_search', name: 'web.search', description: 'Search.', args: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }, sideEffect: 'read', tier: 'shared', impl: { kind: 'search', store: 'corpus', topK: 1, latencyMs: 300 } }],
    stores: [{ id: 'corpus', name: 'Corpus', kind: 'knowledge', documents: [{ text: 'topic one two three', tags: [] }] }],
    agents,
    limits: { maxSteps: 1_000_000, maxEvents: 1_000_000 },
  };
}

describe('a lesson jump on a windowed run', () => {
  it('lands on the first matching event of the stored trace, outside the window the page holds', async () => {
    const parsed = parseHarness(longDoc(1700));
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
    const kernel = Kernel.create(parsed.spec, { runId: 'long', seed: LESSON_SEED });
    await kernel.runUntil({ maxEvents: 200_000 });
    const events = kernel.events;
    const head = events.length - 1;
    expect(head + 1).toBeGreaterThan(WHOLE_MAX); // the page holds it as a window

    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    // Stored only (never live here), as a long run opened later is.
    const stored = await c.remote.importRun('p', { harness: 'Long run', seed: LESSON_SEED, head, specHash: 'x', doc: null, events: [...events] });

    const jump = { type: 'tool.called' as const, agent: 'a0' };
    const first = firstJumpSeq(events, jump)!;
    expect(events[first]).toMatchObject({ type: 'tool.called', agent: 'a0' });
    // The page holds the events around the cursor, at the head when a run is opened: there the
    // held-events search lands on a0's last search, not its first.
    const held = events.slice(head + 1 - WINDOW_SPAN);
    const inHeld = firstJumpSeq(held, jump);
    expect(inHeld).not.toBeNull();
    expect(inHeld).toBeGreaterThan(head + 1 - WINDOW_SPAN);
    expect(first).toBeLessThan(head + 1 - WINDOW_SPAN);

    expect(await c.remote.findPause(stored.id, [jumpBreakpoint(jump)])).toBe(first);
    // A jump with no event in the run says so.
    expect(await c.remote.findPause(stored.id, [jumpBreakpoint({ type: 'tool.called', agent: 'nobody' })])).toBeNull();
  }, 120_000);

  it('refuses a goal breakpoint: a recorded trace does not carry the state it turns on', async () => {
    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    const started = await c.remote.startRun('p', longDoc(2), LESSON_SEED);
    if (!started.ok) throw new Error(JSON.stringify(started.issues));
    const done = await c.remote.play(started.run.id, []);
    await expect(c.remote.findPause(done.id, [{ id: 'g', kind: 'goal-true', value: '*', enabled: true }])).rejects.toThrow(/Breakpoint g \(goal-true\) needs the state/);
  });
});
