import { describe, expect, it } from 'vitest';
import { kernelState, proc, TraceBuilder } from './fixtures.test-data';
import { deriveRunqueues } from './runqueues';
import { Timeline } from './timeline';

describe('runqueues at the cursor', () => {
  it('lists slot holders and waiting agents class by class, in pick order', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['run', 'late', 'early', 'behind', 'dl', 'bg'])
      .enqueued('late', 'm', { vruntime: 10, lag: 2, vdeadline: 90 })
      .enqueued('early', 'm', { vruntime: 12, lag: 1, vdeadline: 40 })
      .enqueued('behind', 'm', { vruntime: 30, lag: -5, vdeadline: 20 })
      .enqueued('dl', 'm', { runtimeLeft: 50, deadline: 300 }, 'deadline')
      .enqueued('bg', 'm', {}, 'idle')
      .at(100).picked('run', 'm', 0, { vruntime: 8, lag: 0, vdeadline: 72 });
    const tl = new Timeline().advance(tr.events, tr.events.length - 1);
    const state = kernelState({
      now: 130,
      slots: { m: ['run'] },
      procs: {
        run: proc('run', { state: 'running', slot: 0 }),
        late: proc('late'),
        early: proc('early'),
        behind: proc('behind'),
        dl: proc('dl', { class: 'deadline' }),
        bg: proc('bg', { class: 'idle' }),
      },
    });
    const [m] = deriveRunqueues(state, tl, tr.events.length - 1);
    expect(m!.slots[0]!.holder).toMatchObject({ agent: 'run', ms: 30, numbers: [['vruntime', 8], ['lag', 0], ['vdeadline', 72]] });
    expect(m!.classes.map((c) => [c.class, c.waiting.map((w) => w.agent)])).toEqual([
      ['deadline', ['dl']],
      ['fair', ['early', 'late', 'behind']], // eligible by earliest virtual deadline, then the one with negative lag
      ['idle', ['bg']],
    ]);
    expect(m!.classes[0]!.waiting[0]!.numbers).toEqual([['runtimeLeft', 50], ['deadline', 300]]);
    expect(m!.waitingCount).toBe(5);
  });

  it('marks agents held back by a spent budget group or by their class', () => {
    const tr = new TraceBuilder()
      .started({ m: 1 }, ['a', 'b'])
      .push({ type: 'sched.throttled', agent: 'b', class: 'deadline', model: 'm', reason: 'runtime spent', until: 500, numbers: {} });
    const tl = new Timeline().advance(tr.events, 1);
    const group = { id: 'team', parent: null, tokens: 100, cost: null, periodMs: 1000, weight: 100, usedTokens: 100, usedCost: 0, periodStart: 0, throttledUntil: 1000 };
    const child = { ...group, id: 'sub', parent: 'team', usedTokens: 0, throttledUntil: null };
    const state = kernelState({
      now: 200,
      slots: { m: [null] },
      groups: { team: group, sub: child },
      procs: { a: proc('a', { group: 'sub' }), b: proc('b', { class: 'deadline' }) },
    });
    const [m] = deriveRunqueues(state, tl, 1);
    const lines = m!.classes.flatMap((c) => c.waiting);
    expect(lines.find((l) => l.agent === 'a')!.throttled).toMatch(/group team/);
    expect(lines.find((l) => l.agent === 'b')!.throttled).toMatch(/runtime spent/);
    expect(m!.slots).toEqual([{ slot: 0, holder: null }]);
  });
});
