import { describe, expect, it } from 'vitest';
import { checkDeadline, CLASS_VIEWS, classView, niceToCpuWeight, niceToWeight, shownNumbers } from './classViews';

describe('scheduling class views', () => {
  it('are listed once each, in the kernel’s rank order', () => {
    const names = CLASS_VIEWS.map((c) => c.name);
    expect(names).toEqual(['deadline', 'rt', 'fifo', 'fair', 'priority', 'idle']);
    expect(new Set(names).size).toBe(names.length);
    expect([...CLASS_VIEWS].sort((a, b) => a.rank - b.rank)).toEqual(CLASS_VIEWS);
  });

  it('show a class’s own numbers, and all of them for a class the UI does not know', () => {
    expect(shownNumbers(classView('fair'), { vdeadline: 3, vruntime: 1, lag: 2, extra: 9 })).toEqual([['vruntime', 1], ['lag', 2], ['vdeadline', 3]]);
    expect(shownNumbers(classView('lottery'), { tickets: 5 })).toEqual([['tickets', 5]]);
    expect(shownNumbers(classView('fair'), null)).toEqual([]);
  });

  it('map nice to the Linux weight table', () => {
    expect(niceToWeight(0)).toBe(1024);
    expect(niceToWeight(-20)).toBe(88761);
    expect(niceToWeight(19)).toBe(15);
    expect(niceToWeight(40)).toBe(15);
  });

  it('map nice to the cgroup weight the document stores (100 = nice 0)', () => {
    expect(niceToCpuWeight(0)).toBe(100);
    expect(niceToCpuWeight(-20)).toBe(8668);
    expect(niceToCpuWeight(19)).toBe(1);
  });
});

describe('deadline parameters', () => {
  it('hold when runtime (at the model speed) ≤ deadline ≤ period', () => {
    const ok = checkDeadline({ runtime: 50, deadline: 1000, period: 2000 }, 100);
    expect(ok).toEqual({ runtimeMs: 500, utilization: 0.25, problems: [] });
  });

  it('say what breaks the rule', () => {
    expect(checkDeadline({ runtime: 200, deadline: 1000, period: 800 }, 100).problems).toEqual([
      'runtime 200 tokens takes 2000 ms at 100 tok/s, more than the deadline 1000 ms',
      'deadline 1000 ms is after the period 800 ms',
    ]);
    expect(checkDeadline({ runtime: 10 }, 50).problems).toEqual(['set deadline, period: a deadline agent needs all three']);
  });
});
