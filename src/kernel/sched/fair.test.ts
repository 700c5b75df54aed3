import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fair, fairWeight, type FairQueue } from './fair';
import type { SchedClass, SchedEntity, SchedParams } from './schedClass';
import { QUEUED } from './entityIndex';
import { jsonClone, runOps, type SchedOp, type SchedSpec } from './testing/conformanceDriver';
import { simulate } from './testing/slotSimulator';

const params = (over: Partial<SchedParams> = {}): SchedParams => ({
  sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 0, slots: 1, tokensPerMs: 1, ...over,
});
const sched = (over: Partial<SchedSpec> = {}): SchedSpec => ({ class: 'fair', rtPolicy: 'rr', nice: 0, priority: 0, ...over });
const se = (agent: string, s: SchedSpec, why: SchedEntity['why'] = 'new', t = 0): SchedEntity => ({ agent, t, sched: s, why });

/** The kernel's per-slice cycle: pick, dequeue, run `tokens`, put back. */
function slice(rq: FairQueue, tokens: number, now = 0): string {
  const a = fair.pickNext(rq, now)!;
  fair.dequeue(rq, a, now);
  fair.account(rq, a, tokens, now);
  fair.enqueue(rq, se(a, sched(), 'preempted', now), now);
  return a;
}

describe('fair weights', () => {
  it('map nice through sched_prio_to_weight and cgroup weight through round(w·1024/100)', () => {
    expect(fairWeight({ nice: 0 })).toBe(1024);
    expect(fairWeight({ nice: -20 })).toBe(88761);
    expect(fairWeight({ nice: 19 })).toBe(15);
    expect(fairWeight({ nice: 5 })).toBe(335);
    expect(fairWeight({ nice: 0, weight: 100 })).toBe(1024);
    expect(fairWeight({ nice: 0, weight: 1 })).toBe(10);
    expect(fairWeight({ nice: 0, weight: 10_000 })).toBe(102_400);
    expect(fairWeight({ nice: 7, weight: 150 })).toBe(1536);
  });
});

describe('fair placement and picking (EEVDF)', () => {
  it('places a newcomer at V with half a slice of deadline (PLACE_DEADLINE_INITIAL)', () => {
    const rq = fair.init(params());
    fair.enqueue(rq, se('a', sched()), 0);
    slice(rq, 640);
    fair.enqueue(rq, se('b', sched({ nice: 5 })), 0);
    const a = fair.stats(rq, 'a', 0);
    const b = fair.stats(rq, 'b', 0);
    expect(b.vruntime).toBe(a.V);
    expect(b.lag).toBe(0);
    // Fixed point: vruntimes are whole multiples of 2^-14 (tokens·1024/w).
    expect(b.vdeadline! - b.vruntime!).toBeCloseTo((64 * 1024) / 335 / 2, 4);
  });

  it('skips an ineligible agent even when its deadline is earlier', () => {
    const rq = fair.init(params());
    fair.enqueue(rq, se('heavy', sched()), 0);
    fair.enqueue(rq, se('light', sched({ weight: 1 })), 0);
    expect(slice(rq, 64)).toBe('heavy');
    const heavy = fair.stats(rq, 'heavy', 0);
    const light = fair.stats(rq, 'light', 0);
    expect(heavy.vdeadline).toBeLessThan(light.vdeadline!);
    expect(heavy.lag).toBeLessThan(0);
    expect(fair.pickNext(rq, 0)).toBe('light');
    expect(fair.queued(rq, 0)).toEqual(['light', 'heavy']);
  });

  it('among eligible agents picks the earliest deadline, not the lowest vruntime (EEVDF, not CFS)', () => {
    const rq = fair.init(params());
    fair.enqueue(rq, se('light', sched({ nice: 5 })), 0);
    fair.enqueue(rq, se('x', sched()), 0);
    expect(slice(rq, 64)).toBe('x');
    fair.enqueue(rq, se('heavy', sched({ nice: -10 })), 0);
    const light = fair.stats(rq, 'light', 0);
    const heavy = fair.stats(rq, 'heavy', 0);
    expect(light.lag).toBeGreaterThan(0);
    expect(heavy.lag).toBeGreaterThanOrEqual(0);
    expect(light.vruntime).toBeLessThan(heavy.vruntime!);
    expect(heavy.vdeadline).toBeLessThan(light.vdeadline!);
    expect(fair.pickNext(rq, 0)).toBe('heavy');
  });

  it('keeps a sleeper’s lag, clamped to ±2 slices, and restores it on wakeup (PLACE_LAG)', () => {
    const rq = fair.init(params());
    for (const a of ['a', 'b', 'c']) fair.enqueue(rq, se(a, sched()), 0);
    // a runs ten slices in a row while b and c wait: its lag goes far below −2 slices.
    fair.dequeue(rq, 'a', 0);
    for (let i = 0; i < 10; i++) fair.account(rq, 'a', 64, 0);
    expect(fair.stats(rq, 'a', 0).lag).toBeLessThan(-128);
    fair.sleep(rq, 'a', 0);
    expect(fair.stats(rq, 'a', 0).lag).toBeCloseTo(-128, 3);
    // b is owed service when it sleeps; after others run and it wakes, it is owed the same.
    expect(slice(rq, 64)).toBe('b');
    const owed = fair.stats(rq, 'c', 0).lag!;
    expect(owed).toBeGreaterThan(0);
    fair.dequeue(rq, 'c', 0);
    fair.sleep(rq, 'c', 0);
    for (let i = 0; i < 5; i++) slice(rq, 64);
    fair.enqueue(rq, se('a', sched(), 'wakeup'), 0);
    expect(fair.stats(rq, 'a', 0).lag).toBeCloseTo(-128, 3);
    fair.enqueue(rq, se('c', sched(), 'wakeup'), 0);
    expect(fair.stats(rq, 'c', 0).lag).toBeCloseTo(owed, 3);
    expect(fair.queued(rq, 0)).toEqual(['b', 'c', 'a']);
  });

  it('protects a runner until it passes 0-lag or spends its request (RUN_TO_PARITY), then preempts it', () => {
    const rq = fair.init(params());
    fair.enqueue(rq, se('light', sched({ nice: 5 })), 0);
    fair.enqueue(rq, se('x', sched()), 0);
    expect(slice(rq, 64)).toBe('x');
    expect(fair.pickNext(rq, 0)).toBe('light');
    fair.dequeue(rq, 'light', 0);
    // A heavy newcomer: eligible, with a much earlier deadline than the runner's long request.
    fair.enqueue(rq, se('heavy', sched({ nice: -10 })), 0);
    const heavy = fair.stats(rq, 'heavy', 0);
    expect(heavy.lag).toBeCloseTo(0, 9);
    expect(heavy.vdeadline).toBeLessThan(fair.stats(rq, 'light', 0).vdeadline!);
    expect(fair.checkPreempt(rq, 'light', 0)).toBe(false);
    fair.account(rq, 'light', 20, 0);
    expect(fair.stats(rq, 'light', 0).lag).toBeLessThan(0);
    expect(fair.checkPreempt(rq, 'light', 0)).toBe(true);
    expect(fair.sliceFor(rq, 'light')).toBe(64);
  });

  it('gives up its request on yield: the deadline moves one slice on', () => {
    const rq = fair.init(params());
    fair.enqueue(rq, se('a', sched()), 0);
    fair.enqueue(rq, se('b', sched()), 0);
    fair.dequeue(rq, 'a', 0);
    const before = fair.stats(rq, 'a', 0).vdeadline!;
    fair.enqueue(rq, se('a', sched(), 'yield'), 0);
    expect(fair.stats(rq, 'a', 0).vdeadline).toBeCloseTo(before + 64, 3);
    expect(fair.pickNext(rq, 0)).toBe('b');
  });
});

describe('fair shares', () => {
  const mix: [string, SchedSpec][] = [
    ['n-5', sched({ nice: -5 })],
    ['n0', sched()],
    ['n3', sched({ nice: 3 })],
    ['n10', sched({ nice: 10 })],
    ['w50', sched({ weight: 50 })],
    ['w300', sched({ weight: 300 })],
  ];

  it('over a 10,000-step run, each agent gets its weight share within 2%', () => {
    const rq = fair.init(params());
    for (const [id, s] of mix) fair.enqueue(rq, se(id, s), 0);
    const got: Record<string, number> = {};
    let total = 0;
    let x = 7;
    for (let step = 0; step < 10_000; step++) {
      // Slices of varying length (Park–Miller, exact in doubles): agents rarely use their whole slice.
      x = (x * 48271) % 2147483647;
      const tokens = 1 + (x % 64);
      const a = slice(rq, tokens);
      got[a] = (got[a] ?? 0) + tokens;
      total += tokens;
    }
    const W = mix.reduce((s, [, sp]) => s + fairWeight(sp), 0);
    for (const [id, s] of mix) {
      const want = fairWeight(s) / W;
      expect(Math.abs((got[id] ?? 0) / total - want) / want, id).toBeLessThanOrEqual(0.02);
    }
  });

  it('on two slots, agents whose weight share fits one slot get it within 2%', () => {
    const agents = [sched(), sched(), sched({ nice: 2 }), sched({ weight: 80 }), sched({ nice: -1 })].map((s, i) => ({ id: `f${i}`, cls: 'fair', sched: s, work: Number.POSITIVE_INFINITY }));
    const r = simulate([fair], params({ slots: 2 }), agents, 200_000);
    const total = Object.values(r.service).reduce((s, x) => s + x, 0);
    const W = agents.reduce((s, a) => s + fairWeight(a.sched), 0);
    expect(total).toBeGreaterThan(0.99 * 2 * 200_000);
    for (const a of agents) {
      const want = fairWeight(a.sched) / W;
      expect(Math.abs(r.service[a.id]! / total - want) / want, a.id).toBeLessThanOrEqual(0.02);
    }
  });
});

/**
 * The reference the heaps must equal: every queued entity sorted by brute force, eligible ones
 * ((v − v0)·load ≤ avg, as vruntime_eligible) by (deadline, enqueue order), then the others by
 * (vruntime, deadline, enqueue order). The pick is its first.
 */
function referenceOrder(rq: FairQueue): string[] {
  const queued = rq.state.flatMap((st, i) => (st === QUEUED ? [i] : []));
  const ok = (i: number) => (rq.v[i]! - rq.v0) * rq.load <= rq.avg;
  const ready = queued.filter(ok).sort((a, b) => rq.vd[a]! - rq.vd[b]! || rq.order[a]! - rq.order[b]!);
  const later = queued.filter((i) => !ok(i)).sort((a, b) => rq.v[a]! - rq.v[b]! || rq.vd[a]! - rq.vd[b]! || rq.order[a]! - rq.order[b]!);
  return [...ready, ...later].map((i) => rq.ids.agents[i]!);
}

describe('fair pick order', () => {
  const op: fc.Arbitrary<SchedOp> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ k: fc.constant('spawn' as const), sched: fc.record({ nice: fc.integer({ min: -20, max: 19 }), weight: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }) }).map(({ weight, nice }) => sched(weight === undefined ? { nice } : { nice, weight })) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('wake' as const), n: fc.nat(20) }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('pick' as const) }) },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('run' as const), n: fc.nat(20), tokens: fc.integer({ min: 1, max: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('preempt' as const), n: fc.nat(20) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('yield' as const), n: fc.nat(20) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('sleep' as const), n: fc.nat(20), tokens: fc.integer({ min: 0, max: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('exit' as const), n: fc.nat(20) }) },
  );
  const script = fc.array(op, { minLength: 1, maxLength: 200 });
  const slots = fc.integer({ min: 1, max: 3 });

  it('equals a brute-force sort of the queued agents after every step (pick, ties and the whole queue), also across JSON copies', () => {
    fc.assert(
      fc.property(slots, script, fc.boolean(), (n, ops, clone) => {
        runOps(fair as SchedClass<unknown>, params({ slots: n }), ops, {
          cloneEachStep: clone,
          check: (w) => {
            const rq = w.rq as FairQueue;
            const want = referenceOrder(rq);
            expect(fair.queued(rq, w.now)).toEqual(want);
            expect(fair.pickNext(rq, w.now)).toBe(want[0] ?? null);
            expect(fair.size(rq)).toBe(want.length);
          },
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('never picks the earliest deadline once V fell below its vruntime (a sleeper left with negative lag)', () => {
    // Found by the property above: after the last sleep V falls and the ready heap's top is no longer eligible.
    const ops: SchedOp[] = [
      { k: 'spawn', sched: sched({ weight: 130 }) }, { k: 'pick' }, { k: 'spawn', sched: sched() }, { k: 'sleep', n: 0, tokens: 1 },
      { k: 'spawn', sched: sched({ nice: 2 }) }, { k: 'pick' }, { k: 'wake', n: 0 }, { k: 'sleep', n: 0, tokens: 1 }, { k: 'yield', n: 0 },
    ];
    runOps(fair as SchedClass<unknown>, params({ slots: 1 }), ops, { check: (w) => expect(fair.pickNext(w.rq as FairQueue, w.now)).toBe(referenceOrder(w.rq as FairQueue)[0] ?? null) });
  });

  it('rebuilds its heaps from a runqueue stored in the older treap shape, and picks as the live one does', () => {
    fc.assert(
      fc.property(slots, script, (n, before) => {
        const w = runOps(fair as SchedClass<unknown>, params({ slots: n }), before);
        const live = w.rq as FairQueue;
        const stored = jsonClone(live) as Partial<FairQueue> & { tree?: unknown; root?: number };
        for (const k of ['ready', 'later', 'heap', 'pos'] as const) delete stored[k];
        stored.tree = { key: [], tie: [], aug: [], min: [], left: [], right: [], prio: [] };
        stored.root = -1;
        const old = stored as FairQueue;
        expect(fair.queued(old, w.now)).toEqual(fair.queued(live, w.now));
        expect(fair.pickNext(old, w.now)).toBe(fair.pickNext(live, w.now));
        // Pure ops leave the stored runqueue as it was; the first mutating op upgrades it in place.
        expect((old as { ready?: unknown }).ready).toBeUndefined();
        const a = w.agents.find((x) => x.phase === 'queued');
        if (a === undefined) return;
        fair.dequeue(old, a.id, w.now);
        fair.dequeue(live, a.id, w.now);
        expect('tree' in old).toBe(false);
        // Upgraded: the same queue and the same pick. The heaps' array layouts may differ (a rebuilt
        // heap and one grown op by op can order equal-level children differently), so compare what
        // they answer, and the fields outside the heaps as stored.
        expect(fair.queued(old, w.now)).toEqual(fair.queued(live, w.now));
        expect(fair.pickNext(old, w.now)).toBe(fair.pickNext(live, w.now));
        const outside = (q: FairQueue) => Object.fromEntries(Object.entries(q).filter(([k]) => !['ready', 'later', 'heap', 'pos'].includes(k)));
        expect(outside(old)).toEqual(outside(live));
      }),
      { numRuns: 100 },
    );
  });
});
