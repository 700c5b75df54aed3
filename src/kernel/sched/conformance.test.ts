/**
 * Conformance: every scheduling class through the same generic driver (testing/conformanceDriver.ts) with
 * random scripts of enqueue/pick/account/sleep/wakeup/exit over N slots, checking the ops-table
 * contract of schedClass.ts after every step. The last block proves the checks can fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadline } from './deadline';
import { fair } from './fair';
import { fifo } from './fifo';
import { idle } from './idle';
import { SCHED_CLASSES } from './index';
import { priority } from './priority';
import { rt } from './rt';
import type { SchedClass, SchedParams } from './schedClass';
import { jsonClone, runOps, type OpsWorld, type SchedOp, type SchedSpec } from './testing/conformanceDriver';

/** Every class under test: the foundation's fifo, the five policies, and whatever else is registered. */
const LISTED = [fifo, deadline, rt, fair, priority, idle] as SchedClass<unknown>[];
const CLASSES: SchedClass<unknown>[] = [...LISTED, ...SCHED_CLASSES.ordered.filter((c) => !LISTED.some((l) => l.name === c.name))];

const paramsArb: fc.Arbitrary<SchedParams> = fc.record({
  sliceTokens: fc.integer({ min: 1, max: 128 }),
  rtPeriodMs: fc.integer({ min: 1, max: 1000 }),
  rtRuntimeShare: fc.oneof(fc.constantFrom(0, 0.5, 0.95, 1), fc.double({ min: 0, max: 1, noNaN: true })),
  dlBound: fc.constant(0.95),
  agingStepMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })),
  slots: fc.integer({ min: 1, max: 4 }),
  tokensPerMs: fc.constantFrom(0.02, 0.05, 0.5, 1, 3),
});

const schedArb: fc.Arbitrary<SchedSpec> = fc
  .record({
    rtPolicy: fc.constantFrom('fifo' as const, 'rr' as const),
    nice: fc.integer({ min: -20, max: 19 }),
    weight: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    priority: fc.integer({ min: 0, max: 99 }),
    rrSlice: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
    runtime: fc.integer({ min: 1, max: 300 }),
    period: fc.integer({ min: 1, max: 2000 }),
    deadlineShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ weight, rrSlice, deadlineShare, period, runtime, ...rest }) => ({
    class: 'fair' as const,
    ...rest,
    ...(weight === undefined ? {} : { weight }),
    ...(rrSlice === undefined ? {} : { rrSlice }),
    runtime,
    period,
    deadline: Math.max(1, Math.round(period * deadlineShare)),
  }));

const opArb: fc.Arbitrary<SchedOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('spawn' as const), sched: schedArb }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('wake' as const), n: fc.nat(20) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('pick' as const) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('run' as const), n: fc.nat(20), tokens: fc.integer({ min: 1, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('preempt' as const), n: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('yield' as const), n: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('sleep' as const), n: fc.nat(20), tokens: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('exit' as const), n: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
);

const scriptArb = fc.array(opArb, { minLength: 1, maxLength: 150 });

/** More runs for a deep soak: SCHED_RUNS=5000 npx vitest run src/kernel/sched. */
const RUNS = Number(process.env.SCHED_RUNS ?? 150);

const sorted = (xs: readonly string[]) => [...xs].sort();

/** The ops-table contract, checked after every step of a script. */
function checkContract<Q>(w: OpsWorld<Q>): void {
  const { cls, rq, now } = w;
  // A runqueue is plain JSON data: a round trip gives the same value (no Map, class, undefined, ±Infinity, NaN).
  expect(jsonClone(rq)).toStrictEqual(rq);

  // Pure ops do not touch the runqueue (not even key order).
  const before = JSON.stringify(rq);
  const known = w.agents.filter((a) => a.phase !== 'gone');
  const pick = cls.pickNext(rq, now);
  const queued = cls.queued(rq, now);
  const size = cls.size(rq);
  const timer = cls.nextTimer(rq, now);
  for (const a of known) {
    const stats = cls.stats(rq, a.id, now);
    for (const v of Object.values(stats)) expect(Number.isFinite(v), `${a.id} stats ${JSON.stringify(stats)}`).toBe(true);
    cls.throttled(rq, a.id, now);
    if (a.phase === 'running') expect(typeof cls.checkPreempt(rq, a.id, now)).toBe('boolean');
    if (a.phase === 'queued' || a.phase === 'running') expect(cls.sliceFor(rq, a.id)).toBeGreaterThanOrEqual(1);
  }
  expect(JSON.stringify(rq)).toBe(before);

  // size, queued and the driver's model agree; queued lists each runnable agent once.
  const model = known.filter((a) => a.phase === 'queued').map((a) => a.id);
  expect(size).toBe(model.length);
  expect(sorted(queued)).toEqual(sorted(model));
  expect(new Set(queued).size).toBe(queued.length);

  // pickNext returns only a queued, unthrottled agent, the first in queued(); and it does not
  // idle while an unthrottled agent waits (work conservation within the class).
  if (pick !== null) {
    expect(model).toContain(pick);
    expect(cls.throttled(rq, pick, now)).toBe(false);
    expect(queued[0]).toBe(pick);
  }
  if (model.some((a) => !cls.throttled(rq, a, now))) expect(pick).not.toBeNull();

  // Timers lie ahead once due ones have fired.
  expect(timer > now).toBe(true);
}

it('covers every registered class, and the registry orders them by rank', () => {
  for (const c of SCHED_CLASSES.ordered) expect(CLASSES.map((x) => x.name)).toContain(c.name);
  const ranks = SCHED_CLASSES.ordered.map((c) => c.rank);
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
});

describe.each(CLASSES.map((c) => [c.name, c] as const))('class %s', (_name, cls) => {
  it('is a frozen ops table with a distinct rank', () => {
    expect(Object.isFrozen(cls)).toBe(true);
    expect(CLASSES.filter((c) => c.rank === cls.rank)).toHaveLength(1);
    expect(CLASSES.filter((c) => c.name === cls.name)).toHaveLength(1);
  });

  it('keeps the ops-table contract over random scripts', () => {
    fc.assert(fc.property(paramsArb, scriptArb, (params, ops) => void runOps(cls, params, ops, { check: checkContract })), { numRuns: RUNS });
  });

  it('decides the same on a replay and on a JSON clone of its runqueue after every step', () => {
    fc.assert(
      fc.property(paramsArb, scriptArb, (params, ops) => {
        const first = runOps(cls, params, ops).trace;
        expect(runOps(cls, params, ops).trace).toEqual(first);
        expect(runOps(cls, params, ops, { cloneEachStep: true }).trace).toEqual(first);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('forgets exited agents and tolerates ops on agents it does not know', () => {
    const params: SchedParams = { sliceTokens: 8, rtPeriodMs: 100, rtRuntimeShare: 0.5, dlBound: 0.95, agingStepMs: 10, slots: 1, tokensPerMs: 1 };
    const rq = cls.init(params);
    const empty = JSON.stringify(rq);
    cls.dequeue(rq, 'nobody', 0);
    cls.account(rq, 'nobody', 5, 0);
    cls.sleep(rq, 'nobody', 0);
    cls.exit(rq, 'nobody');
    expect(JSON.stringify(rq)).toBe(empty);
    expect(cls.pickNext(rq, 0)).toBeNull();
    const sched = { class: cls.name, rtPolicy: 'rr', nice: 0, priority: 1, runtime: 4, deadline: 50, period: 50 } as SchedSpec;
    cls.enqueue(rq, { agent: 'x', t: 0, sched, why: 'new' }, 0);
    expect(cls.size(rq)).toBe(1);
    expect(cls.pickNext(rq, 0)).toBe('x');
    cls.exit(rq, 'x');
    expect(cls.size(rq)).toBe(0);
    expect(cls.pickNext(rq, 0)).toBeNull();
    expect(cls.queued(rq, 0)).toEqual([]);
  });
});

describe('class rules, checked after every step of the same random scripts', () => {
  const statsOf = <Q>(w: OpsWorld<Q>, phases: string[]) =>
    w.agents.filter((a) => phases.includes(a.phase)).map((a) => ({ id: a.id, ...w.cls.stats(w.rq, a.id, w.now) }) as Record<string, number> & { id: string });

  it('fair: the lag of runnable agents sums to ~0, V is their weighted mean, and the pick is the eligible one with the earliest deadline', () => {
    const check = (w: OpsWorld<unknown>) => {
      const runnable = statsOf(w, ['queued', 'running']);
      if (runnable.length === 0) return;
      // V is the weighted mean rounded toward −∞ by less than one fixed-point unit (2^-14), so
      // Σ lag lies in (−W·2^-24, 0] tokens, up to float rounding of the sums themselves.
      const W = runnable.reduce((s, a) => s + a.weight!, 0);
      const mean = runnable.reduce((s, a) => s + a.weight! * a.vruntime!, 0) / W;
      const V = runnable[0]!.V!;
      const fuzz = 1e-12 * (1 + Math.abs(mean));
      expect(V).toBeLessThanOrEqual(mean + fuzz);
      expect(mean - V).toBeLessThan(2 ** -14 + fuzz);
      const lagSum = runnable.reduce((s, a) => s + a.lag!, 0);
      const lagScale = runnable.reduce((s, a) => s + Math.abs(a.lag!), 0);
      expect(lagSum).toBeLessThanOrEqual(1e-9 * (1 + lagScale));
      expect(lagSum).toBeGreaterThanOrEqual(-W * 2 ** -24 - 1e-9 * (1 + lagScale));
      // The pick, by brute force: eligible (lag ≥ 0) with the earliest deadline, else the lowest vruntime.
      const queued = statsOf(w, ['queued']);
      const pick = w.cls.pickNext(w.rq, w.now);
      if (queued.length < 2) return;
      const picked = queued.find((a) => a.id === pick)!;
      const eligible = queued.filter((a) => a.lag! >= 0);
      if (eligible.length > 0) {
        expect(picked.lag).toBeGreaterThanOrEqual(0);
        expect(picked.vdeadline).toBe(Math.min(...eligible.map((a) => a.vdeadline!)));
      } else {
        expect(picked.vruntime).toBe(Math.min(...queued.map((a) => a.vruntime!)));
      }
    };
    fc.assert(fc.property(paramsArb, scriptArb, (params, ops) => void runOps(fair as SchedClass<unknown>, params, ops, { check })), { numRuns: RUNS });
  });

  it('deadline: the pick has the earliest deadline among unthrottled queued agents', () => {
    const check = (w: OpsWorld<unknown>) => {
      const ready = statsOf(w, ['queued']).filter((a) => !w.cls.throttled(w.rq, a.id, w.now));
      const pick = w.cls.pickNext(w.rq, w.now);
      if (ready.length === 0) return;
      expect(ready.find((a) => a.id === pick)?.deadline).toBe(Math.min(...ready.map((a) => a.deadline!)));
    };
    fc.assert(fc.property(paramsArb, scriptArb, (params, ops) => void runOps(deadline as SchedClass<unknown>, params, ops, { check })), { numRuns: RUNS });
  });

  it('rt: unless throttled, the pick has the highest priority queued', () => {
    const check = (w: OpsWorld<unknown>) => {
      const queued = statsOf(w, ['queued']);
      const pick = w.cls.pickNext(w.rq, w.now);
      if (queued.length === 0 || pick === null) return;
      expect(queued.find((a) => a.id === pick)?.priority).toBe(Math.max(...queued.map((a) => a.priority!)));
    };
    fc.assert(fc.property(paramsArb, scriptArb, (params, ops) => void runOps(rt as SchedClass<unknown>, params, ops, { check })), { numRuns: RUNS });
  });

  it('priority: effective = priority + ⌊wait/agingStepMs⌋, and the pick has the highest, the longest-waiting on ties', () => {
    const check = (w: OpsWorld<unknown>) => {
      const queued = statsOf(w, ['queued']);
      const step = w.params.agingStepMs;
      for (const a of queued) {
        const aged = step > 0 ? a.waitedMs! / step : 0;
        // Exactly the formula, except within rounding of a step boundary.
        const near = Math.abs(aged - Math.round(aged)) < 1e-9;
        if (!near) expect(a.effective).toBe(a.priority! + Math.floor(aged));
        else expect(Math.abs(a.effective! - (a.priority! + Math.round(aged)))).toBeLessThanOrEqual(1);
      }
      const pick = w.cls.pickNext(w.rq, w.now);
      if (queued.length === 0) return;
      const top = Math.max(...queued.map((a) => a.effective!));
      const picked = queued.find((a) => a.id === pick)!;
      expect(picked.effective).toBe(top);
      expect(picked.waitedMs).toBe(Math.max(...queued.filter((a) => a.effective === top).map((a) => a.waitedMs!)));
    };
    fc.assert(fc.property(paramsArb, scriptArb, (params, ops) => void runOps(priority as SchedClass<unknown>, params, ops, { check })), { numRuns: RUNS });
  });
});

describe('the conformance checks can fail', () => {
  const base = fifo as SchedClass<{ queue: string[]; slice: number }>;
  const script: SchedOp[] = [
    { k: 'spawn', sched: { class: 'fifo', rtPolicy: 'rr', nice: 0, priority: 0 } as SchedSpec },
    { k: 'spawn', sched: { class: 'fifo', rtPolicy: 'rr', nice: 0, priority: 0 } as SchedSpec },
    { k: 'pick' },
    { k: 'run', n: 0, tokens: 5 },
  ];
  const params: SchedParams = { sliceTokens: 8, rtPeriodMs: 100, rtRuntimeShare: 0.5, dlBound: 0.95, agingStepMs: 10, slots: 2, tokensPerMs: 1 };
  const mutants: [string, SchedClass<{ queue: string[]; slice: number }>][] = [
    ['a pure op that mutates', { ...base, pickNext: (rq) => (rq.queue.reverse(), rq.queue[0] ?? null) }],
    ['a pick of an agent not queued', { ...base, pickNext: (rq) => (rq.queue.length > 0 ? 'ghost' : null) }],
    ['a queue that forgets on dequeue', { ...base, size: (rq) => rq.queue.length + 1 }],
    ['an idle queue with work', { ...base, pickNext: () => null }],
    ['a runqueue that is not JSON', { ...base, init: () => ({ queue: [], slice: Number.POSITIVE_INFINITY }) }],
  ];
  it.each(mutants)('catches %s', (_what, mutant) => {
    expect(() => runOps(mutant, params, script, { check: checkContract })).toThrow();
  });

  it('catches a class whose decisions depend on hidden state', () => {
    let calls = 0;
    const leaky: SchedClass<{ queue: string[]; slice: number }> = { ...base, pickNext: (rq) => (calls++ === 0 ? null : (rq.queue[0] ?? null)) };
    expect(runOps(leaky, params, script).trace).not.toEqual(runOps(leaky, params, script).trace);
  });
});
