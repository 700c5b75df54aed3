import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import type { KernelEvent, KernelState } from '../kernel';
import type { EventBatch, RunMeta } from '../bridge/api';
import { createDocumentSlice } from './documentSlice';
import { createCanvasViewSlice } from './canvasViewSlice';
import { createRunSlice } from './runSlice';
import { heldArray, TAIL_KEEP, WHOLE_MAX, windowAround } from './runSliceWindow';
import type { StudioState } from './index';

const makeStore = () => create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));

/** Stand-in events: the windowed slice reads only seq, agent and type (the page never projects them). */
const ev = (seq: number): KernelEvent => ({ seq, t: seq, type: 'sched.picked', agent: `a${seq % 3}` }) as unknown as KernelEvent;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));
const meta = (over: Partial<RunMeta> = {}): RunMeta => ({
  id: 'r1', projectId: 'p', harness: 'h', seed: 1, status: 'stopped', createdAt: 1, updatedAt: 1, head: -1, specHash: 'x', doc: null, ...over,
});
const batch = (from: number, to: number, over: Partial<EventBatch> = {}): EventBatch => ({ runId: 'r1', events: range(from, to), head: to, status: 'running', ...over });
const stateAfter = (seq: number) => ({ seq }) as unknown as KernelState;

/** The seqs held, checked to be a contiguous run indexed by seq. */
function heldSeqs(events: readonly KernelEvent[]): [number, number] | null {
  const idx = Object.keys(events).map(Number);
  if (idx.length === 0) return null;
  idx.forEach((i, k) => {
    expect(events[i]!.seq).toBe(i);
    if (k > 0) expect(i).toBe(idx[k - 1]! + 1);
  });
  return [idx[0]!, idx[idx.length - 1]!];
}

describe('the windowed run slice', () => {
  it('selects a run longer than WHOLE_MAX without holding its events: head and cursor from its metadata', () => {
    const store = makeStore();
    const head = 999_999;
    store.getState().selectRun(meta({ head }));
    const s = store.getState();
    expect(s).toMatchObject({ windowed: true, head, cursor: head, follow: true, cursorState: null });
    expect(s.events.length).toBe(0);
    // A run that fits stays whole.
    store.getState().selectRun(meta({ id: 'r2', head: WHOLE_MAX - 1 }));
    expect(store.getState()).toMatchObject({ windowed: false, head: -1 });
  });

  it('holds one window at a time, indexed by seq, and takes the worker state for the cursor only', () => {
    const store = makeStore();
    store.getState().selectRun(meta({ head: 999_999 }));
    store.getState().holdWindow(range(500_000, 501_999));
    let s = store.getState();
    expect(heldSeqs(s.events)).toEqual([500_000, 501_999]);
    expect(s.heldFrom).toBe(500_000);
    expect(s.events[499_999]).toBeUndefined();
    expect(s.agents).toEqual(['a2', 'a0', 'a1']);

    store.getState().setCursor(500_100);
    expect(store.getState()).toMatchObject({ cursor: 500_100, follow: false, cursorState: null });
    // An answer for a cursor since left is dropped; the cursor's own is shown.
    store.getState().takeState(stateAfter(7));
    expect(store.getState().cursorState).toBeNull();
    store.getState().takeState(stateAfter(500_100));
    expect(store.getState().cursorState?.seq).toBe(500_100);

    // Moving the window replaces it (nothing of the old one is kept but the cursor's event, still shown).
    store.getState().holdWindow(range(10, 2009));
    s = store.getState();
    expect(heldSeqs(s.events)).toEqual([10, 2009]);
    expect(s.heldFrom).toBe(10);
    expect(s.cursorEvent?.seq).toBe(500_100);
    store.getState().setCursor(20);
    expect(store.getState().cursorEvent).toBeNull();
    // The cursor clamps to the run's head, not to what is held.
    store.getState().setCursor(2_000_000);
    expect(store.getState().cursor).toBe(999_999);
  });

  it('streams a windowed run in place while following, cut back to the newest TAIL_KEEP, and never reports a gap', () => {
    const store = makeStore();
    store.getState().selectRun(meta({ head: 29_999, status: 'paused' }));
    // The first batch starts the window; later ones continue it in place.
    expect(store.getState().applyBatch(batch(30_000, 30_099))).toBe('ok');
    const first = store.getState().events;
    expect(heldSeqs(first)).toEqual([30_000, 30_099]);
    store.getState().applyBatch(batch(30_100, 30_199));
    expect(store.getState().events).toBe(first);
    expect(store.getState()).toMatchObject({ head: 30_199, cursor: 30_199 });
    // Events the batch lacks are not a gap: the head is the batch's.
    expect(store.getState().applyBatch(batch(30_300, 30_310, { head: 30_400 }))).toBe('ok');
    expect(store.getState()).toMatchObject({ head: 30_400, cursor: 30_400 });
    expect(heldSeqs(store.getState().events)).toEqual([30_000, 30_199]);

    // A long stream keeps at most 2 × TAIL_KEEP held.
    const s0 = makeStore();
    s0.getState().selectRun(meta({ head: 29_999, status: 'paused' }));
    let most = 0;
    for (let from = 30_000; from < 30_000 + 5 * TAIL_KEEP; from += 500) {
      s0.getState().applyBatch(batch(from, from + 499));
      const s = s0.getState();
      most = Math.max(most, s.events.length - s.heldFrom);
      expect(s.events[s.head]?.seq).toBe(s.head);
    }
    expect(most).toBeLessThanOrEqual(2 * TAIL_KEEP);
    expect(s0.getState().events.length - s0.getState().heldFrom).toBeGreaterThanOrEqual(TAIL_KEEP);

    // Not following: the held window stays as it is, the head moves on.
    s0.getState().setCursor(31_000);
    const held = s0.getState().events;
    s0.getState().applyBatch(batch(50_000, 50_099));
    expect(s0.getState().events).toBe(held);
    expect(s0.getState()).toMatchObject({ head: 50_099, cursor: 31_000 });
  });

  it('turns a whole run windowed when it grows past WHOLE_MAX: the newest events stay held, the rest let go', () => {
    const store = makeStore();
    store.getState().selectRun(meta({ status: 'paused' }));
    for (let from = 0; from < WHOLE_MAX + 1000; from += 1000) store.getState().applyBatch(batch(from, from + 999));
    const s = store.getState();
    expect(s.windowed).toBe(true);
    expect(s.head).toBe(WHOLE_MAX + 999);
    const [lo, hi] = heldSeqs(s.events)!;
    expect(hi).toBe(s.head);
    expect(hi - lo + 1).toBeLessThanOrEqual(2 * TAIL_KEEP);
    expect(s.heldFrom).toBe(lo);
  });

  it('filters the held events by agent', () => {
    const store = makeStore();
    store.getState().selectRun(meta({ head: 99_999 }));
    store.getState().holdWindow(range(40_000, 40_029));
    store.getState().setFilter({ agent: 'a1' });
    expect(store.getState().visible).toEqual(range(40_000, 40_029).filter((e) => e.agent === 'a1').map((e) => e.seq));
  });
});

describe('window arithmetic', () => {
  it('holds an array indexed by seq, holes before its first event, stopping where events stop following on', () => {
    const a = heldArray([ev(5), ev(6), ev(8)]);
    expect(a.length).toBe(7);
    expect(a[4]).toBeUndefined();
    expect(a[6]!.seq).toBe(6);
    expect(heldArray([])).toEqual([]);
  });

  it('centres a span on the range asked for, inside the run', () => {
    expect(windowAround(500, 500, 10_000, 100)).toEqual({ from: 450, to: 549 });
    expect(windowAround(3, 3, 10_000, 100)).toEqual({ from: 0, to: 99 });
    expect(windowAround(9_990, 9_999, 9_999, 100)).toEqual({ from: 9_900, to: 9_999 });
    expect(windowAround(0, 10, 5, 100)).toEqual({ from: 0, to: 5 });
    // A range wider than the span is kept whole.
    expect(windowAround(100, 400, 10_000, 100)).toEqual({ from: 100, to: 400 });
  });
});
