import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import { Kernel, parseHarness, type KernelEvent } from '../kernel';
import type { EventBatch, RunMeta } from '../bridge/api';
import { createDocumentSlice } from './documentSlice';
import { createCanvasViewSlice } from './canvasViewSlice';
import { createRunSlice } from './runSlice';
import type { StudioState } from './index';

const makeStore = () => create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));

let trace: KernelEvent[] = [];
let kernel: Kernel;

beforeAll(async () => {
  const parsed = parseHarness(JSON.parse(readFileSync(new URL('../../public/examples/research-team.json', import.meta.url), 'utf8')));
  if (!parsed.ok) throw new Error('example invalid');
  kernel = Kernel.create(parsed.spec, { runId: 'r1', seed: 1 });
  await kernel.runUntil();
  trace = [...kernel.events];
});

const meta = (over: Partial<RunMeta> = {}): RunMeta => ({
  id: 'r1', projectId: 'p', harness: 'h', seed: 1, status: 'paused', createdAt: 1, updatedAt: 1, head: -1, specHash: 'x', doc: null, ...over,
});

const batch = (from: number, to: number, over: Partial<EventBatch> = {}): EventBatch => ({
  runId: 'r1', events: trace.slice(from, to + 1), head: to, status: 'running', ...over,
});

describe('the run slice', () => {
  it('mirrors the generations streaming now: kept between batches that do not change them, replaced by those that do, gone on stop or another run', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    const g = { agent: 'planner', turn: 0, model: 'm', text: 'Hel', chars: 3, tokens: 1 };
    store.getState().applyBatch(batch(0, 4, { live: [g] }));
    expect(store.getState().live).toEqual([g]);
    store.getState().applyBatch(batch(5, 6));
    expect(store.getState().live).toEqual([g]);
    store.getState().applyBatch(batch(7, 7, { live: [{ ...g, text: 'Hello', chars: 5, tokens: 2 }] }));
    expect(store.getState().live[0]?.tokens).toBe(2);
    store.getState().applyBatch({ ...batch(8, 8, { live: [] }), runId: 'other' });
    expect(store.getState().live).toHaveLength(1);
    store.getState().applyBatch(batch(8, 8, { status: 'stopped' }));
    expect(store.getState().live).toEqual([]);
    store.getState().applyBatch(batch(9, 9, { live: [g] }));
    store.getState().selectRun(meta({ id: 'r2' }));
    expect(store.getState().live).toEqual([]);
  });

  it('follows the head while live and shows the kernel state at the cursor', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    expect(store.getState().applyBatch(batch(0, 9))).toBe('ok');
    expect(store.getState()).toMatchObject({ head: 9, cursor: 9, follow: true, status: 'running' });
    store.getState().applyBatch(batch(10, trace.length - 1, { status: 'stopped' }));
    const s = store.getState();
    expect(s.head).toBe(trace.length - 1);
    expect(s.cursor).toBe(s.head);
    // The projection at the head is the kernel's own final state.
    expect(s.cursorState).toEqual(kernel.state);
    expect(s.agents).toEqual(['planner', 'researcher', 'writer']);
    expect(s.tools).toContain('web_search');
  });

  it('keeps the cursor where the user put it while events keep arriving', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    store.getState().applyBatch(batch(0, 19));
    store.getState().setCursor(5);
    expect(store.getState()).toMatchObject({ cursor: 5, follow: false });
    expect(store.getState().cursorState).toEqual(kernel.stateAt(5));
    store.getState().applyBatch(batch(20, 29));
    expect(store.getState()).toMatchObject({ cursor: 5, head: 29 });
    store.getState().setCursor(29);
    expect(store.getState().follow).toBe(true);
    store.getState().applyBatch(batch(30, 39));
    expect(store.getState().cursor).toBe(39);
  });

  it('appends in place, skips duplicates and reports gaps instead of filling them', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    const events = store.getState().events;
    store.getState().appendEvents(trace.slice(0, 10));
    expect(store.getState().appendEvents(trace.slice(5, 15))).toBe('ok');
    expect(store.getState().events).toBe(events);
    expect(events.map((e) => e.seq)).toEqual([...Array(15).keys()]);
    expect(store.getState().appendEvents(trace.slice(20, 25))).toBe('gap');
    expect(store.getState().head).toBe(14);
  });

  it('ignores batches of another run but updates its listing', () => {
    const store = makeStore();
    store.getState().setRuns([meta(), meta({ id: 'r2', createdAt: 2 })]);
    store.getState().selectRun(meta());
    expect(store.getState().applyBatch({ ...batch(0, 3), runId: 'r2', status: 'stopped' })).toBe('ignored');
    expect(store.getState().head).toBe(-1);
    expect(store.getState().runs.map((r) => [r.id, r.status, r.head])).toEqual([['r2', 'stopped', 3], ['r1', 'paused', -1]]);
  });

  it('records breakpoint hits and which one the run is paused at', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    const bp = { id: 'b', kind: 'tool' as const, value: 'web_search', enabled: true };
    const at = trace.findIndex((e) => e.type === 'tool.called');
    store.getState().applyBatch(batch(0, at, { status: 'paused', hit: { seq: at, breakpoint: bp } }));
    expect(store.getState().pausedAt).toEqual({ seq: at, breakpoint: bp });
    expect(store.getState().hits).toHaveLength(1);
    store.getState().applyBatch(batch(at + 1, at + 3));
    expect(store.getState().pausedAt).toBeNull();
  });

  it('filters by agent and type, incrementally as events arrive', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    store.getState().applyBatch(batch(0, 49));
    store.getState().setFilter({ agent: 'researcher' });
    const want = (n: number, f: (e: KernelEvent) => boolean) => trace.slice(0, n).filter(f).map((e) => e.seq);
    expect(store.getState().visible).toEqual(want(50, (e) => e.agent === 'researcher'));
    store.getState().setFilter({ type: 'infer.completed' });
    store.getState().applyBatch(batch(50, trace.length - 1));
    expect(store.getState().visible).toEqual(want(trace.length, (e) => e.agent === 'researcher' && e.type === 'infer.completed'));
    store.getState().setFilter({ agent: null, type: null });
    expect(store.getState().visible).toBeNull();
  });

  it('clamps the cursor to the trace and resets everything on a new selection', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    store.getState().appendEvents(trace.slice(0, 10));
    store.getState().setCursor(99);
    expect(store.getState().cursor).toBe(9);
    store.getState().setCursor(-4);
    expect(store.getState().cursor).toBe(0);
    store.getState().selectRun(meta({ id: 'r2' }));
    expect(store.getState()).toMatchObject({ runId: 'r2', head: -1, cursor: -1, cursorState: null, agents: [] });
    expect(store.getState().events).toHaveLength(0);
  });

  it('adds, toggles and removes breakpoints without duplicates', () => {
    const store = makeStore();
    const s = () => store.getState();
    s().addBreakpoint('tool', ' web_search ');
    s().addBreakpoint('tool', 'web_search');
    s().addBreakpoint('agent', '');
    expect(s().breakpoints).toMatchObject([{ kind: 'tool', value: 'web_search', enabled: true }]);
    const id = s().breakpoints[0]!.id;
    s().toggleBreakpoint(id);
    expect(s().breakpoints[0]!.enabled).toBe(false);
    s().removeBreakpoint(id);
    expect(s().breakpoints).toEqual([]);
  });

  it('adds conditional breakpoints and logpoints; "any" kinds take an empty value as *', () => {
    const store = makeStore();
    const s = () => store.getState();
    s().addBreakpoint('agent', 'writer', { condition: ' tokens > 500 ' });
    s().addBreakpoint('agent', 'writer', { condition: 'tokens > 500' });
    s().addBreakpoint('agent', 'writer', { log: '{agent} spent {tokens}' });
    s().addBreakpoint('decision', '');
    s().addBreakpoint('when', '');
    s().addBreakpoint('when', '', { condition: 'tokens > 9' });
    expect(s().breakpoints).toMatchObject([
      { kind: 'agent', value: 'writer', condition: 'tokens > 500' },
      { kind: 'agent', value: 'writer', log: '{agent} spent {tokens}' },
      { kind: 'decision', value: '*' },
      { kind: 'when', value: '', condition: 'tokens > 9' },
    ]);
  });

  it('keeps the lines logpoints printed, from batches of the selected run', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    store.getState().applyBatch(batch(0, 4, { logs: [{ seq: 0, breakpoint: 'b', text: 'hello' }] }));
    store.getState().applyBatch(batch(5, 6, { status: 'paused', logs: [{ seq: 6, breakpoint: 'b', text: 'again' }] }));
    expect(store.getState().logLines.map((l) => l.text)).toEqual(['hello', 'again']);
    store.getState().selectRun(meta());
    expect(store.getState().logLines).toEqual([]);
  });
});

describe('the state shown while a run streams', () => {
  it('is derived at most every 100 ms while following a running run, catches up on its own, and is exact once it stops', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const store = makeStore();
      store.getState().selectRun(meta());
      store.getState().applyBatch(batch(0, 9));
      expect(store.getState().cursorState?.seq).toBe(9);
      // The next frame's batch: the state stays the one it says it is (after event 9) for now.
      vi.advanceTimersByTime(16);
      store.getState().applyBatch(batch(10, 19));
      expect(store.getState().cursor).toBe(19);
      expect(store.getState().cursorState?.seq).toBe(9);
      expect(store.getState().cursorState).toEqual(kernel.stateAt(9));
      // No batch follows: it catches up within 100 ms.
      vi.advanceTimersByTime(100);
      expect(store.getState().cursorState).toEqual(kernel.stateAt(19));
      // A user's move and a stop are never deferred.
      store.getState().applyBatch(batch(20, 29));
      store.getState().setCursor(3);
      expect(store.getState().cursorState).toEqual(kernel.stateAt(3));
      store.getState().setCursor(29);
      store.getState().applyBatch(batch(30, 39, { status: 'stopped' }));
      expect(store.getState().cursorState).toEqual(kernel.stateAt(39));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a breakpoint hit while the user inspects the past', () => {
  it('brings the cursor to the event that matched', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    store.getState().applyBatch(batch(0, 19));
    store.getState().setCursor(3);
    const bp = { id: 'b', kind: 'event' as const, value: trace[25]!.type, enabled: true };
    store.getState().applyBatch(batch(20, 25, { status: 'paused', hit: { seq: 25, breakpoint: bp } }));
    expect(store.getState()).toMatchObject({ cursor: 25, follow: true, head: 25 });
    expect(store.getState().cursorState).toEqual(kernel.stateAt(25));
  });
});

describe('a batch whose head is ahead of its events', () => {
  it('reports the gap so the missing events are loaded', () => {
    const store = makeStore();
    store.getState().selectRun(meta());
    expect(store.getState().applyBatch(batch(0, 9, { head: 12 }))).toBe('gap');
    expect(store.getState().head).toBe(9);
    expect(store.getState().appendEvents(trace.slice(10, 13))).toBe('ok');
    expect(store.getState().head).toBe(12);
  });
});
