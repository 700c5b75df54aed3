import { describe, expect, it } from 'vitest';
import { TraceBuilder } from './fixtures.test-data';
import { fullWindow, GEOMETRY, layoutGantt, type GanttGeometry } from './ganttLayout';
import { liveEnds } from './liveBars';
import { Timeline } from './timeline';

const geo = (width: number): GanttGeometry => ({ ...GEOMETRY, width, labelWidth: 100, padRight: 0 });
const gen = (agent: string, tokens: number) => ({ agent, turn: 0, model: 'm', text: '', chars: 0, tokens });

describe('a streaming generation on the Gantt', () => {
  // a picked m[0] at t 100 and is waiting on its model (no infer.started yet: the call streams).
  const tr = new TraceBuilder().started({ m: 1 }, ['a']).at(100).picked('a', 'm', 0);
  const tl = new Timeline().advance(tr.events, tr.events.length - 1);

  it('grows from the pick by the tokens streamed at the model rate, and the cursor stands at its end', () => {
    // 50 tokens/s: 10 tokens are 200 virtual ms, 25 are 500.
    const early = liveEnds(tl, tr.events, [gen('a', 10)]);
    const later = liveEnds(tl, tr.events, [gen('a', 25)]);
    expect([...early.values()]).toEqual([300]);
    expect([...later.values()]).toEqual([600]);
    const at = (ends: ReadonlyMap<number, number>) => layoutGantt(tl, 1, 100, geo(600), fullWindow(tl, ends), ends);
    const a = at(early);
    const b = at(later);
    const solid = (l: ReturnType<typeof at>) => l.rects.filter((r) => !r.ghost);
    // Same window for both (pinned by the later end): the bar is wider, and ends where the cursor is.
    const pinned = (ends: ReadonlyMap<number, number>) => layoutGantt(tl, 1, 100, geo(600), fullWindow(tl, later), ends);
    expect(solid(pinned(later))[0]!.w).toBeGreaterThan(solid(pinned(early))[0]!.w);
    for (const l of [a, b]) {
      const bar = solid(l)[0]!;
      expect(Math.round(bar.x + bar.w)).toBe(Math.round(l.cursorX!));
    }
  });

  it('draws nothing live for an agent that holds no slot, and without live generations the bar is as before', () => {
    expect(liveEnds(tl, tr.events, [gen('ghost', 40)]).size).toBe(0);
    const plain = layoutGantt(tl, 1, 100, geo(600));
    expect(plain.cursorX).toBe(layoutGantt(tl, 1, 100, geo(600), fullWindow(tl), new Map()).cursorX);
  });
});
