import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fair } from './fair';
import { rt, type RtQueue } from './rt';
import type { SchedEntity, SchedParams } from './schedClass';
import type { SchedSpec } from './testing/conformanceDriver';
import { simulate, type SimAgent } from './testing/slotSimulator';

const params = (over: Partial<SchedParams> = {}): SchedParams => ({
  sliceTokens: 16, rtPeriodMs: 100, rtRuntimeShare: 1, dlBound: 0.95, agingStepMs: 0, slots: 1, tokensPerMs: 1, ...over,
});
const sched = (priority: number, over: Partial<SchedSpec> = {}): SchedSpec => ({ class: 'rt', rtPolicy: 'rr', nice: 0, priority, ...over });
const se = (agent: string, s: SchedSpec, why: SchedEntity['why'] = 'new'): SchedEntity => ({ agent, t: 0, sched: s, why });

/** Picks, runs `tokens`, then lets the class decide at the boundary, as the kernel does. */
function turn(rq: RtQueue, tokens: number, specs: Record<string, SchedSpec>, now = 0): string {
  const a = rt.pickNext(rq, now)!;
  rt.dequeue(rq, a, now);
  rt.account(rq, a, tokens, now);
  if (rt.checkPreempt(rq, a, now) || rt.throttled(rq, a, now)) rt.enqueue(rq, se(a, specs[a]!, 'preempted'), now);
  else {
    rt.sleep(rq, a, now);
    rt.enqueue(rq, se(a, specs[a]!, 'wakeup'), now);
  }
  return a;
}

describe('rt priorities and policies', () => {
  it('picks the highest priority, first come first served within one', () => {
    const rq = rt.init(params());
    for (const [a, p] of [['a', 5], ['b', 9], ['c', 5], ['d', 9], ['e', 0]] as const) rt.enqueue(rq, se(a, sched(p)), 0);
    expect(rt.queued(rq, 0)).toEqual(['b', 'd', 'a', 'c', 'e']);
    expect(rt.pickNext(rq, 0)).toBe('b');
  });

  it('preempts only for a higher priority, and the preempted agent keeps its place at the head', () => {
    const rq = rt.init(params());
    rt.enqueue(rq, se('a', sched(5, { rtPolicy: 'fifo' })), 0);
    rt.enqueue(rq, se('b', sched(5)), 0);
    rt.dequeue(rq, 'a', 0);
    rt.account(rq, 'a', 1000, 0);
    expect(rt.checkPreempt(rq, 'a', 0)).toBe(false);
    rt.enqueue(rq, se('h', sched(6)), 0);
    expect(rt.checkPreempt(rq, 'a', 0)).toBe(true);
    rt.enqueue(rq, se('a', sched(5, { rtPolicy: 'fifo' }), 'preempted'), 0);
    expect(rt.queued(rq, 0)).toEqual(['h', 'a', 'b']);
  });

  it('rotates rr agents of equal priority every rrSlice tokens', () => {
    const specs = { a: sched(3, { rrSlice: 10 }), b: sched(3, { rrSlice: 10 }), c: sched(3, { rrSlice: 10 }) };
    const rq = rt.init(params());
    for (const [a, s] of Object.entries(specs)) rt.enqueue(rq, se(a, s), 0);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const a = rt.pickNext(rq, 0)!;
      order.push(a);
      rt.dequeue(rq, a, 0);
      expect(rt.sliceFor(rq, a)).toBe(10);
      rt.account(rq, a, 4, 0);
      expect(rt.checkPreempt(rq, a, 0)).toBe(false);
      expect(rt.sliceFor(rq, a)).toBe(6);
      rt.account(rq, a, 6, 0);
      expect(rt.checkPreempt(rq, a, 0)).toBe(true);
      rt.enqueue(rq, se(a, specs[a as keyof typeof specs], 'preempted'), 0);
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('does not rotate a lone rr agent or a fifo one', () => {
    const rq = rt.init(params());
    rt.enqueue(rq, se('solo', sched(3, { rrSlice: 10 })), 0);
    rt.dequeue(rq, 'solo', 0);
    rt.account(rq, 'solo', 25, 0);
    rt.enqueue(rq, se('late', sched(3)), 0);
    expect(rt.checkPreempt(rq, 'solo', 0)).toBe(false);
    const specs = { f: sched(3, { rtPolicy: 'fifo' }), g: sched(3, { rtPolicy: 'fifo' }) };
    const rq2 = rt.init(params());
    for (const [a, s] of Object.entries(specs)) rt.enqueue(rq2, se(a, s), 0);
    expect([turn(rq2, 500, specs), turn(rq2, 500, specs)]).toEqual(['f', 'g']);
  });
});

describe('rt throttling', () => {
  it('stops picking when the window budget is spent and resumes when the window rolls over', () => {
    const rq = rt.init(params({ rtRuntimeShare: 0.5, rtPeriodMs: 100, tokensPerMs: 1 }));
    rt.enqueue(rq, se('a', sched(1)), 0);
    rt.dequeue(rq, 'a', 0);
    expect(rt.sliceFor(rq, 'a')).toBe(16);
    rt.account(rq, 'a', 40, 40);
    expect(rt.sliceFor(rq, 'a')).toBe(10);
    rt.account(rq, 'a', 10, 50);
    expect(rt.throttled(rq, 'a', 50)).toBe(true);
    expect(rt.stats(rq, 'a', 50)).toMatchObject({ used: 50, budget: 50, windowEnd: 100 });
    rt.enqueue(rq, se('a', sched(1), 'preempted'), 50);
    expect(rt.pickNext(rq, 50)).toBeNull();
    expect(rt.nextTimer(rq, 50)).toBe(100);
    rt.replenish(rq, 100);
    expect(rt.pickNext(rq, 100)).toBe('a');
    expect(rt.stats(rq, 'a', 100)).toMatchObject({ used: 0, windowEnd: 200 });
  });

  const runaway = (policy: 'fifo' | 'rr'): SimAgent => ({ id: 'runaway', cls: 'rt', sched: sched(50, { rtPolicy: policy }), work: Number.POSITIVE_INFINITY });
  const fairWork = (n: number): SimAgent[] =>
    Array.from({ length: n }, (_, i) => ({ id: `f${i}`, cls: 'fair', sched: { class: 'fair', rtPolicy: 'rr', nice: 0, priority: 0 } as SchedSpec, work: Number.POSITIVE_INFINITY }));

  it('leaves fair work at least (1 − rtRuntimeShare) of capacity despite a runaway rt agent', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fifo' as const, 'rr' as const),
        fc.integer({ min: 0, max: 95 }).map((p) => p / 100),
        fc.integer({ min: 20, max: 1000 }),
        fc.constantFrom(0.25, 1, 4),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 64 }),
        (policy, share, period, tokensPerMs, slots, sliceTokens) => {
          const p = params({ rtRuntimeShare: share, rtPeriodMs: period, tokensPerMs, slots, sliceTokens });
          const windows = 30;
          const horizon = windows * period;
          const r = simulate([rt, fair], p, [runaway(policy), ...fairWork(slots + 1)], horizon);
          const capacity = horizon * tokensPerMs * slots;
          const fairTokens = Object.entries(r.service).filter(([id]) => id !== 'runaway').reduce((s, [, x]) => s + x, 0);
          // Slices are whole tokens and several slots may start rt slices against the same
          // remaining budget: a window may overrun by up to one slice per slot, no more. A window's
          // capacity need not be whole (673 ms × 0.25 tokens/ms = 168.25): up to one token per
          // window is lost to whole-token slices.
          const slack = windows * (slots * sliceTokens + 1);
          expect(fairTokens).toBeGreaterThanOrEqual((1 - share) * capacity - slack);
          // …and throttling is not stricter than asked: rt gets its share (or the one slot a single
          // agent can use) when fair would take everything.
          const rtCanUse = Math.min(share * capacity, horizon * tokensPerMs);
          expect(r.service.runaway ?? 0).toBeGreaterThanOrEqual(rtCanUse - slack);
        },
      ),
      // The counterexample that found the whole-token rounding (fair got 727 of a 727.125 bound).
      { numRuns: 100, examples: [['fifo', 0.85, 673, 0.25, 1, 1]] },
    );
  }, 60_000); // ~3 s alone: many 30-window simulations; it timed out at the default 5 s on a loaded machine

  it('on one slot with whole-token budgets, fair gets exactly the rest of every window', () => {
    const p = params({ rtRuntimeShare: 0.95, rtPeriodMs: 1000, tokensPerMs: 1, sliceTokens: 10 });
    const r = simulate([rt, fair], p, [runaway('fifo'), ...fairWork(2)], 50_000);
    expect(r.service.runaway).toBe(50 * 950);
    expect((r.service.f0 ?? 0) + (r.service.f1 ?? 0)).toBeGreaterThanOrEqual(50 * 50 - 10);
  });

  it('throttles nothing at share 1 and everything at share 0', () => {
    const all = simulate([rt, fair], params({ rtRuntimeShare: 1 }), [runaway('rr'), ...fairWork(1)], 10_000);
    expect(all.service.f0 ?? 0).toBe(0);
    const none = simulate([rt, fair], params({ rtRuntimeShare: 0 }), [runaway('rr'), ...fairWork(1)], 10_000);
    expect(none.service.runaway ?? 0).toBe(0);
  });
});
