import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priority } from './priority';
import type { SchedEntity, SchedParams } from './schedClass';
import type { SchedSpec } from './testing/conformanceDriver';
import { simulate, type SimAgent } from './testing/slotSimulator';

const params = (over: Partial<SchedParams> = {}): SchedParams => ({
  sliceTokens: 10, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 100, slots: 1, tokensPerMs: 1, ...over,
});
const prio = (p: number): SchedSpec => ({ class: 'priority', rtPolicy: 'rr', nice: 0, priority: p });
const se = (agent: string, p: number, t: number, why: SchedEntity['why'] = 'new'): SchedEntity => ({ agent, t, sched: prio(p), why });

describe('priority with aging', () => {
  it('picks the highest priority, the earliest enqueued on ties', () => {
    const rq = priority.init(params({ agingStepMs: 0 }));
    priority.enqueue(rq, se('a', 3, 0), 0);
    priority.enqueue(rq, se('b', 7, 1), 1);
    priority.enqueue(rq, se('c', 7, 2), 2);
    expect(priority.queued(rq, 5)).toEqual(['b', 'c', 'a']);
    expect(priority.pickNext(rq, 5)).toBe('b');
  });

  it('raises the effective priority by one per agingStepMs of waiting, and resets it when picked', () => {
    const rq = priority.init(params({ agingStepMs: 100 }));
    priority.enqueue(rq, se('old', 2, 0), 0);
    priority.enqueue(rq, se('new', 4, 250), 250);
    expect(priority.stats(rq, 'old', 250)).toEqual({ priority: 2, effective: 4, waitedMs: 250 });
    expect(priority.pickNext(rq, 250)).toBe('old'); // tie at 4: earliest enqueued
    expect(priority.stats(rq, 'new', 349)).toMatchObject({ effective: 4 });
    expect(priority.stats(rq, 'new', 350)).toMatchObject({ effective: 5 });
    expect(priority.stats(rq, 'old', 350)).toMatchObject({ effective: 5 });
    expect(priority.pickNext(rq, 350)).toBe('old'); // 5 and 5: still the earliest
    expect(priority.pickNext(rq, 399)).toBe('old');
    priority.dequeue(rq, 'old', 350);
    expect(priority.stats(rq, 'old', 350)).toEqual({ priority: 2, effective: 2, waitedMs: 0 });
  });

  it('preempts a runner when a queued agent’s effective priority passes its own', () => {
    const rq = priority.init(params({ agingStepMs: 100 }));
    priority.enqueue(rq, se('run', 5, 0), 0);
    priority.enqueue(rq, se('low', 1, 0), 0);
    priority.dequeue(rq, 'run', 0);
    expect(priority.checkPreempt(rq, 'run', 499)).toBe(false);
    expect(priority.checkPreempt(rq, 'run', 500)).toBe(true); // 1 + 5 = 6 > 5
  });

  /** One low agent and a stream of higher ones that alone would keep the slot busy (load > 1). */
  const scenario = (pLow: number, pHigh: number, nHigh: number): SimAgent[] => [
    { id: 'low', cls: 'priority', sched: prio(pLow), work: 30, start: 5, jobs: 1 },
    ...Array.from({ length: nHigh }, (_, i) => ({ id: `h${i}`, cls: 'priority', sched: prio(pHigh + (i % 2)), work: 40, periodMs: 30 * nHigh, start: i })),
  ];

  it('bounds the wait of a low priority under a stream of higher arrivals: (Δ + 2)·step + (n + 1) slices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 6, max: 20 }), fc.integer({ min: 10, max: 200 }), fc.integer({ min: 1, max: 4 }), (pLow, pHigh, step, nHigh) => {
        const p = params({ agingStepMs: step });
        const r = simulate([priority], p, scenario(pLow, pHigh, nHigh), 200_000);
        const low = r.jobs.find((j) => j.agent === 'low');
        expect(low).toBeDefined();
        const delta = pHigh + 1 - pLow;
        const sliceMs = p.sliceTokens / p.tokensPerMs;
        expect(low!.firstRun - low!.release).toBeLessThanOrEqual((delta + 2) * step + (nHigh + 1) * sliceMs);
      }),
      { numRuns: 80 },
    );
  }, 60_000); // 80 simulations of 200 s each: ~2 s alone, it timed out at the default 5 s on a loaded machine

  it('starves the low priority when agingStepMs = 0', () => {
    const r = simulate([priority], params({ agingStepMs: 0 }), scenario(0, 10, 2), 100_000);
    expect(r.service.low ?? 0).toBe(0);
    expect(r.pending.low).toBe(5);
  });
});
