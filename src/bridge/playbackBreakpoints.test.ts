import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../kernel';
import { pausesAt } from './playbackBreakpoints';

const sent = { seq: 4, t: 10, type: 'msg.sent', agent: 'a', msgId: 'm1', from: 'a', to: 'b', channel: 'c', text: 'hi', facts: [], tokens: 1, deliverAt: 10 } as unknown as KernelEvent;
const picked = { seq: 5, t: 10, type: 'sched.picked', agent: 'b' } as unknown as KernelEvent;

describe('pausesAt (playback stops where a live run would pause)', () => {
  it('pauses on an event an enabled breakpoint matches, and only there', () => {
    const pauses = pausesAt([{ id: '1', kind: 'event', value: 'msg.sent', enabled: true }]);
    expect(pauses(sent)).toBe(true);
    expect(pauses(picked)).toBe(false);
  });

  it('never pauses on a disabled breakpoint, or with none', () => {
    expect(pausesAt([{ id: '1', kind: 'event', value: 'msg.sent', enabled: false }])(sent)).toBe(false);
    expect(pausesAt([])(sent)).toBe(false);
  });
});

describe('pausesAt with the run\'s states (goal breakpoints in playback of a recorded run)', () => {
  it('stops at the event that made the goal hold, read from the projection the page holds', async () => {
    const { readFileSync } = await import('node:fs');
    const { Kernel, Projection, evaluateGoal, loadEncodingsFor, parseHarness } = await import('../kernel');
    const parsed = parseHarness(JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')));
    if (!parsed.ok) throw new Error('research-team does not parse');
    await loadEncodingsFor(parsed.spec);
    const k = Kernel.create(parsed.spec, { runId: 'play', seed: 1 });
    await k.runUntil({ maxEvents: 20_000 });
    const projection = new Projection();
    projection.append(k.events);
    const goal = parsed.spec.goals[0]!;
    const bps = [{ id: 'g', kind: 'goal-true' as const, value: goal.id, enabled: true }];
    // Playback from event 0: the state asked for is the one after the event being checked.
    let asked = 0;
    const pauses = pausesAt(bps, { spec: parsed.spec, state: () => projection.stateAt(asked)! });
    let stop = -1;
    for (let seq = 1; seq < k.events.length && stop < 0; seq++) {
      asked = seq;
      if (pauses(k.events[seq]!)) stop = seq;
    }
    expect(stop).toBeGreaterThan(0);
    expect(evaluateGoal(goal.when, projection.stateAt(stop)!, parsed.spec.limits, goal.id)).toBe(true);
    expect(evaluateGoal(goal.when, projection.stateAt(stop - 1)!, parsed.spec.limits, goal.id)).toBe(false);
    // Without the states a goal breakpoint cannot be told, and playback never stopped on one.
    const blind = pausesAt(bps);
    expect(k.events.some((e) => blind(e))).toBe(false);
  });
});
