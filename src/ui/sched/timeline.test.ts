import { describe, expect, it } from 'vitest';
import { TraceBuilder } from './fixtures.test-data';
import { LANE, Timeline, timelineFor } from './timeline';

/** Bars as readable tuples: [row label, agent, start, end, endKind]. */
function bars(tl: Timeline): [string, string, number, number, string | null][] {
  const b = tl.bars;
  return b.row.map((row, i) => [tl.rows[row]!.label, tl.agents[b.agent[i]!]!, b.start[i]!, b.end[i]!, b.endKind[i]!]);
}

describe('scheduler timeline', () => {
  it('has one row per model slot, from the run start (and from old traces that stored a slot count)', () => {
    const tl = new Timeline().advance(new TraceBuilder().started({ big: 1, small: 2 }, ['a', 'b']).events, 0);
    expect(tl.rows.map((r) => r.label)).toEqual(['big[0]', 'small[0]', 'small[1]']);
    expect(tl.agents).toEqual(['a', 'b']);

    const legacy = new TraceBuilder().started({}, ['a']).events;
    (legacy[0] as { models: unknown }).models = { old: 2 };
    expect(new Timeline().advance(legacy, 0).rows.map((r) => r.label)).toEqual(['old[0]', 'old[1]']);
  });

  it('draws a bar from the pick to the completed inference', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']).at(10).picked('a', 'm', 0).inferStarted('a', 'm', 0, 90).at(90).completed('a', 'm', 0);
    const tl = new Timeline().advance(tr.events, 3);
    expect(bars(tl)).toEqual([['m[0]', 'a', 10, 90, 'completed']]);
    expect(tl.bars.startSeq[0]).toBe(1);
    expect(tl.bars.endSeq[0]).toBe(3);
    expect(tl.bars.planned[0]).toBe(90);
  });

  it('ends a bar at a preemption, with a marker on that slot', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a', 'b'])
      .at(5).picked('a', 'm', 0).inferStarted('a', 'm', 0, 100)
      .at(40).preempted('a', 'm', 0, 'b')
      .picked('b', 'm', 0);
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    expect(bars(tl)).toEqual([
      ['m[0]', 'a', 5, 40, 'preempted'],
      ['m[0]', 'b', 40, NaN, null],
    ]);
    expect(tl.markers).toHaveLength(1);
    expect(tl.markers[0]).toMatchObject({ kind: 'preempt', seq: 3, row: 0, agent: 'a' });
    expect(tl.markers[0]!.text).toContain('by b');
  });

  it('shows a real generation preempted mid-stream and resumed as two bars, with the abort and the resume (by prefix or restart) marked', () => {
    const partial = { turn: 0, part: 0, text: 'Paris is', calls: [], tokensOut: 9, response: {} };
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a', 'b'])
      .at(5).picked('a', 'm', 0)
      .push({ type: 'infer.started', agent: 'a', model: 'm', slot: 0, turn: 0, tokensIn: 10, total: null, done: 0, slice: 8, until: 20 })
      .at(20).push({ type: 'sched.preempted', agent: 'a', class: 'rt', model: 'm', slot: 0, reason: 'slice', by: 'b', byClass: 'rt', done: 8, remaining: null, slice: { tokensIn: 0, tokensOut: 0, cost: 0 }, stats: {}, partial })
      .picked('b', 'm', 0).completed('b', 'm', 0)
      .at(30).picked('a', 'm', 0)
      .push({ type: 'infer.started', agent: 'a', model: 'm', slot: 0, turn: 0, tokensIn: 13, total: null, done: 0, slice: 8, until: 40, part: 1, resumedBy: 'prefix', prefixTokens: 3 });
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    expect(bars(tl)).toEqual([
      ['m[0]', 'a', 5, 20, 'preempted'],
      ['m[0]', 'b', 20, 20, 'completed'],
      ['m[0]', 'a', 30, NaN, null],
    ]);
    expect(tl.markers.map((m) => [m.kind, m.agent, m.row])).toEqual([['preempt', 'a', 0], ['resume', 'a', 0]]);
    expect(tl.markers[0]!.text).toContain('partial of 9 tok kept');
    expect(tl.markers[1]!.text).toBe('a resumed, part 1: continues its partial answer (3 tok prefix) · 13 tok re-read');
  });

  it('closes the previous holder when another agent takes the slot without a completion', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a', 'b']).at(1).picked('a', 'm', 0).at(7).picked('b', 'm', 0);
    const tl = new Timeline().advance(tr.events, 2);
    expect(bars(tl)[0]).toEqual(['m[0]', 'a', 1, 7, 'left']);
  });

  it('puts budget throttles and refused admissions in the lane, a running agent’s throttle on its slot', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a', 'b'])
      .at(3).picked('a', 'm', 0)
      .push({ type: 'sched.throttled', agent: 'a', class: 'deadline', model: 'm', reason: 'runtime spent', until: 50, numbers: {} })
      .push({ type: 'sched.throttled', group: 'team', reason: 'tokens spent', until: 80, numbers: { used: 10 } })
      .push({ type: 'sched.refused', agent: 'b', class: 'deadline', model: 'm', utilization: 1.2, bound: 0.95, reason: 'over bound' });
    const tl = timelineFor(tr.events, 4);
    expect(tl.markers.map((m) => [m.kind, m.row])).toEqual([
      ['throttle', 0],
      ['throttle', LANE],
      ['refuse', LANE],
    ]);
    expect(tl.markers[1]!.text).toContain('group team');
    expect(tl.throttleAt('a', 4)).toEqual({ until: 50, reason: 'runtime spent', class: 'deadline', model: 'm' });
    expect(tl.throttleAt('a', 1)).toBeNull();
  });

  it('lifts a class throttle at the replenishment of that class on that model', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a'])
      .push({ type: 'sched.throttled', agent: 'a', class: 'rt', model: 'm', reason: 'rt share spent', until: -1, numbers: {} })
      .push({ type: 'sched.replenished', class: 'rt', model: 'other', numbers: {} })
      .push({ type: 'sched.replenished', class: 'rt', model: 'm', numbers: {} });
    const tl = new Timeline().advance(tr.events, 3);
    expect(tl.throttleAt('a', 2)?.until).toBe(-1);
    expect(tl.throttleAt('a', 3)).toBeNull();
    expect(tl.markers[0]!.text).toContain('until the run ends');
  });

  it('keeps each agent’s latest numbers, looked up at any cursor', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a'])
      .enqueued('a', 'm', { vruntime: 0, lag: 0 })
      .picked('a', 'm', 0, { vruntime: 0, lag: 0, vdeadline: 64 })
      .preempted('a', 'm', 0, null, { vruntime: 64, lag: -3 });
    const tl = new Timeline().advance(tr.events, 3);
    expect(tl.statsAt('a', 0)).toBeNull();
    expect(tl.statsAt('a', 2)).toEqual({ seq: 2, value: { vruntime: 0, lag: 0, vdeadline: 64 } });
    expect(tl.statsAt('a', 99)?.value.lag).toBe(-3);
  });

  it('reads only new events when advanced, with the same result as one pass', () => {
    const tr = new TraceBuilder().started({ m: 2 }, ['a', 'b']);
    for (let i = 0; i < 50; i++) {
      const agent = i % 2 === 0 ? 'a' : 'b';
      tr.at(i * 10).picked(agent, 'm', i % 2).inferStarted(agent, 'm', i % 2, i * 10 + 15).at(i * 10 + 15).completed(agent, 'm', i % 2);
    }
    const whole = new Timeline().advance(tr.events, tr.events.length - 1);
    const stepwise = new Timeline();
    for (let h = 0; h < tr.events.length; h += 7) stepwise.advance(tr.events, h);
    stepwise.advance(tr.events, tr.events.length - 1);
    expect(bars(stepwise)).toEqual(bars(whole));
    expect(whole.bars.row).toHaveLength(50);
    expect(whole.t1).toBe(505);
  });

  it('is cached per trace: the same events array gives the same timeline', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']);
    expect(timelineFor(tr.events, 0)).toBe(timelineFor(tr.events, 0));
    expect(timelineFor([...tr.events], 0)).not.toBe(timelineFor(tr.events, 0));
  });

  it('closes bars still open when the run stops', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a']).at(2).picked('a', 'm', 0).at(9).push({ type: 'run.stopped', reason: 'max-time', detail: '', goals: {} });
    expect(bars(new Timeline().advance(tr.events, 2))).toEqual([['m[0]', 'a', 2, 9, 'stopped']]);
  });

  it('knows since when an agent holds a slot at a cursor', () => {
    const tr = new TraceBuilder().started({ m: 1 }, ['a', 'b']).at(4).picked('a', 'm', 0).at(20).completed('a', 'm', 0).at(30).picked('b', 'm', 0);
    const tl = new Timeline().advance(tr.events, 3);
    expect(tl.heldSince('m', 0, 'a', 1)).toBe(4);
    expect(tl.heldSince('m', 0, 'b', 3)).toBe(30);
    expect(tl.heldSince('m', 0, 'b', 1)).toBeNull();
  });
});
