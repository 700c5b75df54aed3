import { describe, expect, it } from 'vitest';
import { TraceBuilder } from './fixtures.test-data';
import { GEOMETRY, hitTest, layoutGantt, MIN_BAR_PX, panWindow, timeTicks, xOf, zoomWindow, type GanttGeometry } from './ganttLayout';
import { Timeline } from './timeline';

const geo = (width: number): GanttGeometry => ({ ...GEOMETRY, width, labelWidth: 100, padRight: 0 });

/** a holds m[0] 0–100 (seq 1–2), b 100–200 (seq 3–4), then b is preempted on m[0] at 300 (seq 5–6). */
function twoBars() {
  const tr = new TraceBuilder()
    .started({ m: 1 }, ['a', 'b'])
    .at(0).picked('a', 'm', 0).at(100).completed('a', 'm', 0)
    .picked('b', 'm', 0).at(200).completed('b', 'm', 0)
    .at(250).picked('b', 'm', 0).at(300).preempted('b', 'm', 0);
  return { tr, tl: new Timeline().advance(tr.events, tr.events.length - 1) };
}

describe('gantt layout', () => {
  it('draws bars up to the cursor solid and later ones as ghosts', () => {
    const { tl } = twoBars();
    const at2 = layoutGantt(tl, 2, 100, geo(400));
    expect(at2.rects.map((r) => [tl.agents[r.agent], Math.round(r.x), Math.round(r.w), r.ghost])).toEqual([
      ['a', 100, 100, false],
      ['b', 200, 100, true],
      ['b', 350, 50, true],
    ]);
    expect(at2.cursorX).toBe(200);
    expect(at2.glyphs).toEqual([expect.objectContaining({ kind: 'preempt', seq: 6, ghost: true })]);
  });

  it('splits a bar open at the cursor into a solid part and a ghost', () => {
    const { tl } = twoBars();
    const at3 = layoutGantt(tl, 3, 100, geo(400)).rects.filter((r) => tl.agents[r.agent] === 'b');
    // b was picked at seq 3 (t 100): at the cursor it has held the slot for no time yet.
    expect(at3.map((r) => r.ghost)).toEqual([true, true]);
    const tr = new TraceBuilder().started({ m: 1 }, ['a']).at(0).picked('a', 'm', 0).inferStarted('a', 'm', 0, 300).at(100).push({ type: 'goal.met', goal: 'g', name: 'g' });
    const open = new Timeline().advance(tr.events, 3);
    const rects = layoutGantt(open, 3, 100, geo(400)).rects;
    expect(rects.map((r) => [Math.round(r.x), Math.round(r.w), r.ghost])).toEqual([
      [100, 100, false],
      [200, 200, true],
    ]);
  });

  it('aggregates thousands of narrow bars into pixel columns', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a', 'b', 'c']);
    for (let i = 0; i < 20_000; i++) {
      const agent = ['a', 'b', 'c'][i % 3]!;
      tr.at(i).picked(agent, 'm', 0).at(i + 0.6).completed(agent, 'm', 0);
    }
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    const layout = layoutGantt(tl, tr.events.length - 1, 20_000, geo(600));
    // 500 plot columns: at most one rect per column (fewer where runs merge), never one per bar.
    expect(layout.rects.length).toBeLessThanOrEqual(500);
    expect(layout.rects.length).toBeGreaterThan(0);
    expect(layout.rects.every((r) => r.w >= 1 && r.alpha > 0 && r.alpha <= 1)).toBe(true);
  });

  it('keeps wide bars as one rect each', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']);
    for (let i = 0; i < 10; i++) tr.at(i * 100).picked('a', 'm', 0).at(i * 100 + 50).completed('a', 'm', 0);
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    const layout = layoutGantt(tl, tr.events.length - 1, 950, geo(1100));
    expect(layout.rects).toHaveLength(10);
    expect(layout.rects.every((r) => r.w >= MIN_BAR_PX && r.alpha === 1)).toBe(true);
  });

  it('buckets markers that fall on the same few pixels', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']);
    for (let i = 0; i < 100; i++) tr.at(i).push({ type: 'sched.refused', agent: 'a', class: 'deadline', model: 'm', utilization: 1, bound: 0.9, reason: 'full' });
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    const layout = layoutGantt(tl, 1000, 100, geo(200));
    expect(layout.glyphs.length).toBeLessThanOrEqual(21);
    expect(layout.glyphs.reduce((n, g) => n + g.count, 0)).toBe(100);
  });
});

describe('gantt hit-testing', () => {
  const { tl } = twoBars();
  const layout = layoutGantt(tl, 6, 300, geo(400));
  const rowY = layout.rowsTop + GEOMETRY.rowHeight / 2;

  it('finds the bar under the pointer and answers its first event', () => {
    expect(hitTest(layout, tl, xOf(layout.geometry, layout.window, 50), rowY)).toEqual({ kind: 'bar', bar: 0, seq: 1 });
    expect(hitTest(layout, tl, xOf(layout.geometry, layout.window, 150), rowY)).toEqual({ kind: 'bar', bar: 1, seq: 3 });
  });

  it('prefers a marker over the bar beneath it', () => {
    expect(hitTest(layout, tl, xOf(layout.geometry, layout.window, 300) + 2, rowY)).toEqual({ kind: 'marker', marker: 0, seq: 6 });
  });

  it('misses gaps, the label gutter and space below the rows', () => {
    expect(hitTest(layout, tl, xOf(layout.geometry, layout.window, 225), rowY)).toBeNull();
    expect(hitTest(layout, tl, 20, rowY)).toBeNull();
    expect(hitTest(layout, tl, xOf(layout.geometry, layout.window, 50), layout.rowsTop + 5 * GEOMETRY.rowHeight)).toBeNull();
  });
});

describe('time axis', () => {
  it('picks round steps and labels them in seconds', () => {
    expect(timeTicks({ t0: 0, t1: 1000 }, 500).map((t) => t.label)).toEqual(['0.0s', '0.2s', '0.4s', '0.6s', '0.8s', '1.0s']);
    expect(timeTicks({ t0: 0, t1: 60_000 }, 300).map((t) => t.label)).toEqual(['0s', '20s', '40s', '60s']);
    expect(timeTicks({ t0: 5, t1: 5 }, 300)).toEqual([]);
  });
});

describe('zoom and pan', () => {
  const full = { t0: 0, t1: 1000 };

  it('zooms around the pointer’s time and never past the trace', () => {
    expect(zoomWindow(full, full, 250, 0.5)).toEqual({ t0: 125, t1: 625 });
    expect(zoomWindow({ t0: 125, t1: 625 }, full, 250, 4)).toEqual(full);
    expect(zoomWindow(full, full, 0, 1e-9)).toEqual({ t0: 0, t1: 1 });
  });

  it('pans within the trace', () => {
    expect(panWindow({ t0: 100, t1: 300 }, full, 50)).toEqual({ t0: 150, t1: 350 });
    expect(panWindow({ t0: 100, t1: 300 }, full, 5000)).toEqual({ t0: 800, t1: 1000 });
    expect(panWindow({ t0: 100, t1: 300 }, full, -5000)).toEqual({ t0: 0, t1: 200 });
  });

  it('lays out only what is in the window', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']);
    for (let i = 0; i < 10; i++) tr.at(i * 100).picked('a', 'm', 0).at(i * 100 + 50).completed('a', 'm', 0);
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    const layout = layoutGantt(tl, tr.events.length - 1, 950, geo(1100), { t0: 200, t1: 400 });
    expect(layout.rects.map((r) => [Math.round(r.x), Math.round(r.w)])).toEqual([[100, 250], [600, 250]]);
  });
});
