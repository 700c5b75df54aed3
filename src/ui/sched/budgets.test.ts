import { describe, expect, it } from 'vitest';
import { deriveGauges, deriveTotals, meter } from './budgets';
import { kernelState, proc } from './fixtures.test-data';

const group = (id: string, parent: string | null, over: object = {}) => ({
  id, parent, tokens: 1000, cost: null, periodMs: null, weight: 100, usedTokens: 0, usedCost: 0, periodStart: 0, throttledUntil: null, ...over,
});

describe('budget gauges', () => {
  it('grades use against the quota', () => {
    expect(meter(50, 100)).toEqual({ used: 50, quota: 100, ratio: 0.5, level: 'ok' });
    expect(meter(85, 100).level).toBe('high');
    expect(meter(120, 100)).toMatchObject({ ratio: 1.2, level: 'full' });
    expect(meter(5, undefined)).toEqual({ used: 5, quota: null, ratio: null, level: 'ok' });
  });

  it('orders groups as a tree, parents first, with members and period left', () => {
    const state = kernelState({
      now: 1500,
      groups: {
        leaf: group('leaf', 'team', { usedTokens: 900, periodMs: 1000, periodStart: 1000 }),
        root: group('root', null, { cost: 2, usedCost: 0.5 }),
        team: group('team', 'root', { throttledUntil: 2000 }),
        orphan: group('orphan', 'gone'),
      },
      procs: { w: proc('w', { group: 'leaf' }), x: proc('x', { group: 'leaf' }) },
    });
    const gauges = deriveGauges(state, new Map([['root', 'Harness']]));
    expect(gauges.map((g) => [g.id, g.depth])).toEqual([['root', 0], ['team', 1], ['leaf', 2], ['orphan', 0]]);
    expect(gauges[0]).toMatchObject({ name: 'Harness', cost: { used: 0.5, quota: 2, ratio: 0.25 }, periodLeftMs: null });
    expect(gauges[1]).toMatchObject({ throttled: true, throttledUntil: 2000 });
    expect(gauges[2]).toMatchObject({ members: ['w', 'x'], periodLeftMs: 500, tokens: { level: 'high' } });
  });

  it('survives a parent cycle', () => {
    const state = kernelState({ groups: { a: group('a', 'b'), b: group('b', 'a') } });
    expect(deriveGauges(state).map((g) => g.id).sort()).toEqual(['a', 'b']);
  });

  it('totals the harness against the document limits', () => {
    const t = deriveTotals(kernelState({ tokensIn: 300, tokensOut: 200, cost: 0.01 }), { maxTokens: 1000 });
    expect(t.tokens).toMatchObject({ used: 500, quota: 1000, ratio: 0.5 });
    expect(t.cost.quota).toBeNull();
  });
});
