import { describe, expect, it } from 'vitest';
import { formatVt } from '../run/format';
import { Conversation } from './fixtures.test-data';
import { sequenceAt } from './sequence';
import { CHAR_PX, contentWidth, describeMessage, fullSpan, hitTestSequence, layoutSequence, messageRowText, SEQ_GEOMETRY, yOf, type SeqLayout } from './sequenceLayout';

const AGENTS = ['planner', 'coder'];
/** 52px axis + two 200px columns; plot from y 32 to 1032, so 1 ms is 1 px over a 0..1000 window. */
const G = { ...SEQ_GEOMETRY, width: 452, height: 1042 };
const WIN = { t0: 0, t1: 1000 };

function trace(): Conversation {
  return new Conversation()
    .started(AGENTS)
    .at(100).sent('planner', 'coder', 'write the parser please, with tests', { facts: ['a', 'b'], task: 't1', latency: 50 })
    .task('t1', 'planner', 'coder', null, 'TASK_STATE_SUBMITTED', 'm1')
    .at(150).delivered('m1', 'planner', 'coder')
    .retained('m1', 'planner', 'coder', ['a', 'b'], ['a'])
    .at(200).woke('m1', 'planner', 'coder')
    .task('t1', 'planner', 'coder', 'TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING', 'm1')
    .at(300).denied('coder', 'planner', 'no channel')
    .at(400).sent('coder', 'planner', 'done', { task: 't1', latency: 100 });
}

function layout(c = trace(), cursor = c.last, win = WIN): SeqLayout {
  const model = sequenceAt(c.events, cursor, AGENTS);
  return layoutSequence(model, cursor, c.events[cursor]!.t, G, win);
}

describe('layoutSequence', () => {
  it('places lifelines in even columns and time downward', () => {
    const l = layout();
    expect(l.lifelines.map((x) => [x.name, x.x])).toEqual([['planner', 152], ['coder', 352]]);
    expect(yOf(l, 0)).toBe(l.plotTop);
    expect(yOf(l, 1000)).toBe(l.plotBottom);
    expect(l.ticks.length).toBeGreaterThan(3);
  });

  it('draws a message from the sender at its send to the receiver at its delivery, with its read', () => {
    const l = layout();
    const a = l.arrows[0]!;
    expect(a).toMatchObject({ seq: 1, kind: 'delivered', points: [152, yOf(l, 100), 352, yOf(l, 150)], color: 0 });
    expect(a.read).toEqual({ x: 352, y: yOf(l, 200) });
  });

  it('draws a message still in flight up to when it is due, and a denied one as its own kind', () => {
    const l = layout();
    expect(l.arrows.find((a) => a.kind === 'denied')).toMatchObject({ seq: 7, color: -1, points: [352, yOf(l, 300), 152, yOf(l, 300)] });
    expect(l.arrows.find((a) => a.seq === 8)).toMatchObject({ kind: 'inflight', points: [352, yOf(l, 400), 152, yOf(l, 500)] });
  });

  it('labels an arrow with its text clipped to the space between the lifelines', () => {
    const label = layout().arrows[0]!.label!;
    expect(label.text.length).toBe(Math.floor((200 - 16) / CHAR_PX));
    expect(label.text.endsWith('…')).toBe(true);
    expect(layout().arrows.find((a) => a.kind === 'denied')!.label!.text).toBe('denied: no channel');
  });

  it('badges retention at the receiver, marked lost when a fact did not arrive', () => {
    expect(layout().arrows[0]!.badge).toMatchObject({ text: '1/2 facts', lost: true });
    expect(layout().arrows.find((a) => a.seq === 8)!.badge).toBeNull();
  });

  it('bands task states beside the server, the last one up to the cursor', () => {
    const l = layout();
    expect(l.bands.map((b) => [b.state, b.x, b.y, b.y + b.h])).toEqual([
      ['TASK_STATE_SUBMITTED', 355, yOf(l, 100), yOf(l, 200)],
      ['TASK_STATE_WORKING', 355, yOf(l, 200), yOf(l, 400)],
    ]);
  });

  it('ends a terminal state with a short band', () => {
    const c = trace().at(600).task('t1', 'planner', 'coder', 'TASK_STATE_WORKING', 'TASK_STATE_COMPLETED');
    const done = layout(c).bands.find((b) => b.state === 'TASK_STATE_COMPLETED')!;
    expect(done.h).toBe(4);
  });

  it('draws the cursor at its event time, and marks the message the cursor event belongs to', () => {
    const c = trace();
    const l = layout(c, 5); // m1's agent.woke
    expect(l.cursorY).toBe(yOf(l, 200));
    expect(l.arrows.filter((a) => a.active).map((a) => a.seq)).toEqual([1]);
  });

  it('leaves out what falls outside the window', () => {
    expect(layout(trace(), trace().last, { t0: 350, t1: 1000 }).arrows.map((a) => a.seq)).toEqual([8]);
    expect(layout(trace(), trace().last, { t0: 600, t1: 1000 }).cursorY).toBeNull();
  });

  it('loops a message to oneself', () => {
    const c = new Conversation().started(AGENTS).at(10).sent('coder', 'coder', 'note').at(20).delivered('m1', 'coder', 'coder');
    const [a] = layout(c).arrows;
    expect(a!.points).toHaveLength(8);
  });
});

describe('hitTestSequence', () => {
  it('finds the arrow under the pointer, then a band, else nothing', () => {
    const l = layout();
    expect(hitTestSequence(l, 252, yOf(l, 125) + 2)).toEqual({ kind: 'message', message: 0, seq: 1 });
    const band = l.bands[1]!;
    expect(hitTestSequence(l, band.x + 2, yOf(l, 250))).toEqual({ kind: 'band', band: 1, seq: band.seq });
    expect(hitTestSequence(l, 100, yOf(l, 900))).toBeNull();
  });

  it('selects an arrow by its label too', () => {
    const l = layout();
    const label = l.arrows[0]!.label!;
    expect(hitTestSequence(l, label.x + 1, label.y + 1)?.seq).toBe(1);
  });
});

describe('geometry helpers', () => {
  it('widens the canvas when columns would be narrower than the minimum', () => {
    expect(contentWidth(2, 800)).toBe(800);
    expect(contentWidth(10, 800)).toBe(SEQ_GEOMETRY.axisWidth + 10 * SEQ_GEOMETRY.minColumn);
  });

  it('spans the whole trace, deliveries still due included', () => {
    const c = trace();
    const full = fullSpan(c.events, sequenceAt(c.events, c.last, AGENTS));
    expect(full.t0).toBe(0);
    expect(full.t1).toBeCloseTo(500 * 1.03);
  });
});

describe('message text', () => {
  it('says what became of a message', () => {
    const c = trace();
    const [m1, denied, m2] = sequenceAt(c.events, c.last, AGENTS).messages;
    expect(describeMessage(m1!, formatVt)).toBe('planner → coder · 0.100s · delivered 0.150s · read 0.200s · 1/2 facts (lost: b) · write the parser please, with tests');
    expect(describeMessage(denied!, formatVt)).toBe('coder → planner · 0.300s · denied: no channel');
    expect(describeMessage(m2!, formatVt)).toContain('in flight, due 0.500s');
    expect(messageRowText(m1!, 'working')).toEqual({ route: 'planner → coder', text: 'write the parser please, with tests', task: 'task t1 (working)', retention: '1/2 facts, lost: b' });
  });
});
