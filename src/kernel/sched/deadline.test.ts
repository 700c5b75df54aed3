import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deadline, type DeadlineQueue } from './deadline';
import { fair } from './fair';
import type { SchedEntity, SchedParams } from './schedClass';
import type { SchedSpec } from './testing/conformanceDriver';
import { simulate, type SimAgent } from './testing/slotSimulator';

const params = (over: Partial<SchedParams> = {}): SchedParams => ({
  sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 0, slots: 1, tokensPerMs: 1, ...over,
});
const dl = (runtime: number, period: number, dline = period): SchedSpec => ({ class: 'deadline', rtPolicy: 'rr', nice: 0, priority: 0, runtime, deadline: dline, period });
const se = (agent: string, s: SchedSpec, why: SchedEntity['why'], t: number): SchedEntity => ({ agent, t, sched: s, why });
const hog: SimAgent = { id: 'hog', cls: 'fair', sched: { class: 'fair', rtPolicy: 'rr', nice: 0, priority: 0 }, work: Number.POSITIVE_INFINITY };

/** Runs `a` for `tokens` at `now`, then puts it to sleep. */
function burst(rq: DeadlineQueue, a: string, tokens: number, now: number): void {
  deadline.dequeue(rq, a, now);
  deadline.account(rq, a, tokens, now);
  deadline.sleep(rq, a, now);
}

describe('CBS rules', () => {
  it('starts a new server at now + deadline with the full runtime', () => {
    const rq = deadline.init(params());
    deadline.enqueue(rq, se('a', dl(10, 100, 80), 'new', 5), 5);
    expect(deadline.stats(rq, 'a', 5)).toMatchObject({ runtimeLeft: 10, deadline: 85, period: 100, runtime: 10 });
    expect(deadline.sliceFor(rq, 'a')).toBe(10);
  });

  it('keeps (d, q) on wakeup while q/(d − now) ≤ runtime/period, and starts afresh otherwise (§2)', () => {
    const rq = deadline.init(params());
    const s = dl(10, 100);
    deadline.enqueue(rq, se('a', s, 'new', 0), 0);
    burst(rq, 'a', 5, 5);
    deadline.enqueue(rq, se('a', s, 'wakeup', 10), 10); // 5/90 ≤ 10/100: keep
    expect(deadline.stats(rq, 'a', 10)).toMatchObject({ runtimeLeft: 5, deadline: 100 });
    burst(rq, 'a', 0, 10);
    deadline.enqueue(rq, se('a', s, 'wakeup', 60), 60); // 5/40 > 10/100: a fresh server
    expect(deadline.stats(rq, 'a', 60)).toMatchObject({ runtimeLeft: 10, deadline: 160 });
    burst(rq, 'a', 2, 61);
    deadline.enqueue(rq, se('a', s, 'wakeup', 170), 170); // deadline passed
    expect(deadline.stats(rq, 'a', 170)).toMatchObject({ runtimeLeft: 10, deadline: 270 });
  });

  it('throttles a spent server until its next period and replenishes d += period, q += runtime', () => {
    const rq = deadline.init(params());
    const s = dl(10, 100, 50);
    deadline.enqueue(rq, se('a', s, 'new', 0), 0);
    deadline.dequeue(rq, 'a', 0);
    deadline.account(rq, 'a', 10, 10);
    expect(deadline.throttled(rq, 'a', 10)).toBe(true);
    expect(deadline.nextTimer(rq, 10)).toBe(100); // d − deadline + period = 50 − 50 + 100
    deadline.enqueue(rq, se('a', s, 'preempted', 10), 10);
    expect(deadline.pickNext(rq, 10)).toBeNull();
    expect(deadline.size(rq)).toBe(1);
    deadline.replenish(rq, 100);
    expect(deadline.stats(rq, 'a', 100)).toMatchObject({ runtimeLeft: 10, deadline: 150, throttledUntil: 0 });
    expect(deadline.pickNext(rq, 100)).toBe('a');
  });

  it('makes a yielder forfeit the rest of its runtime (yield_task_dl)', () => {
    const rq = deadline.init(params());
    const s = dl(10, 100);
    deadline.enqueue(rq, se('a', s, 'new', 0), 0);
    deadline.dequeue(rq, 'a', 0);
    deadline.account(rq, 'a', 3, 3);
    deadline.enqueue(rq, se('a', s, 'yield', 3), 3);
    expect(deadline.throttled(rq, 'a', 3)).toBe(true);
    expect(deadline.nextTimer(rq, 3)).toBe(100);
  });

  it('picks the earliest deadline and preempts a runner for an earlier one', () => {
    const rq = deadline.init(params());
    deadline.enqueue(rq, se('late', dl(10, 500), 'new', 0), 0);
    deadline.enqueue(rq, se('soon', dl(10, 200), 'new', 0), 0);
    expect(deadline.queued(rq, 0)).toEqual(['soon', 'late']);
    deadline.dequeue(rq, 'late', 0);
    expect(deadline.checkPreempt(rq, 'late', 0)).toBe(true);
    deadline.dequeue(rq, 'soon', 0);
    expect(deadline.checkPreempt(rq, 'soon', 0)).toBe(false);
  });
});

const PERIODS = [40, 50, 60, 75, 80, 100, 120, 150, 200, 240, 300, 400, 600, 1200];

/** Task sets with Σ runtime/deadline ≤ bound (density: sufficient for EDF on one slot). */
const taskSetArb = (bound: number) =>
  fc
    .array(fc.record({ period: fc.constantFrom(...PERIODS), u: fc.double({ min: 0.01, max: 1, noNaN: true }), dshare: fc.double({ min: 0, max: 1, noNaN: true }), wcet: fc.double({ min: 0, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 5 })
    .map((ts) => {
      const total = ts.reduce((s, t) => s + t.u, 0);
      return ts.map((t, i) => {
        const runtime = Math.max(1, Math.floor(((t.u / total) * bound * t.period) / 2));
        const dline = Math.min(t.period, Math.max(runtime, Math.round(t.period * (0.5 + t.dshare / 2))));
        return { id: `d${i}`, runtime, period: t.period, deadline: dline, work: Math.max(1, Math.round(runtime * (0.3 + 0.7 * t.wcet))) };
      });
    })
    .filter((ts) => ts.reduce((s, t) => s + t.runtime / t.deadline, 0) <= bound);

describe('CBS guarantees', () => {
  it('never gives an agent more than `runtime` tokens under one server deadline, whatever the load', () => {
    fc.assert(
      fc.property(taskSetArb(2), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 32 }), fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 5, maxLength: 5 }), (tasks, slots, slice, gaps) => {
        const agents: SimAgent[] = tasks.map((t, i) => ({ id: t.id, cls: 'deadline', sched: dl(t.runtime, t.period, t.deadline), work: t.work * 3, gapMs: gaps[i]!, start: gaps[(i + 1) % 5]! }));
        const grant: Record<string, { d: number; qAfter: number; tokens: number }> = {};
        const runtimeOf = Object.fromEntries(tasks.map((t) => [t.id, t.runtime]));
        simulate([deadline, fair], params({ slots, sliceTokens: slice }), [...agents, hog], 3000, {
          onSlice: (s, rqs) => {
            if (s.cls !== 'deadline') return;
            const st = deadline.stats(rqs.deadline as DeadlineQueue, s.agent, s.t1);
            const g = grant[s.agent];
            // A new budget: the deadline moved, or the remaining runtime went up (refill/reset).
            if (!g || st.deadline !== g.d || st.runtimeLeft! > g.qAfter) grant[s.agent] = { d: st.deadline!, qAfter: st.runtimeLeft!, tokens: 0 };
            const cur = grant[s.agent]!;
            cur.tokens += s.tokens;
            cur.qAfter = st.runtimeLeft! - s.tokens;
            expect(cur.tokens).toBeLessThanOrEqual(runtimeOf[s.agent]!);
          },
        });
      }),
      { numRuns: 60 },
    );
  });

  it('gives each always-runnable agent of a schedulable set exactly `runtime` per period, on one slot', () => {
    fc.assert(
      fc.property(taskSetArb(0.95), (tasks) => {
        const agents: SimAgent[] = tasks.map((t) => ({ id: t.id, cls: 'deadline', sched: dl(t.runtime, t.period), work: Number.POSITIVE_INFINITY }));
        const horizon = 2400;
        const perWindow: Record<string, number[]> = {};
        simulate([deadline, fair], params({ sliceTokens: 1 }), [...agents, hog], horizon, {
          onSlice: (s) => {
            if (s.cls !== 'deadline') return;
            const period = tasks.find((t) => t.id === s.agent)!.period;
            const w = (perWindow[s.agent] ??= Array.from({ length: horizon / period }, () => 0));
            // Spread the slice over the windows it overlaps.
            for (let k = Math.floor(s.t0 / period); k * period < s.t1 && k < w.length; k++) {
              const overlap = Math.min(s.t1, (k + 1) * period) - Math.max(s.t0, k * period);
              if (overlap > 0) w[k]! += (s.tokens * overlap) / (s.t1 - s.t0);
            }
          },
        });
        for (const t of tasks) {
          for (const used of perWindow[t.id] ?? []) {
            expect(used).toBeLessThanOrEqual(t.runtime + 1e-9);
            expect(used).toBeGreaterThanOrEqual(t.runtime - 1e-9);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('meets every deadline of periodic jobs (WCET ≤ runtime) when Σ runtime/deadline ≤ dlBound, on one slot', () => {
    fc.assert(
      fc.property(taskSetArb(0.95), fc.boolean(), (tasks, background) => {
        const agents: SimAgent[] = tasks.map((t) => ({ id: t.id, cls: 'deadline', sched: dl(t.runtime, t.period, t.deadline), work: t.work, periodMs: t.period }));
        const horizon = 2400;
        const r = simulate([deadline, fair], params({ sliceTokens: 1 }), background ? [...agents, hog] : agents, horizon);
        for (const j of r.jobs.filter((x) => x.agent !== 'hog')) {
          const t = tasks.find((x) => x.id === j.agent)!;
          expect(j.finish, `${j.agent} released at ${j.release}`).toBeLessThanOrEqual(j.release + t.deadline);
        }
        for (const t of tasks) expect(r.jobs.filter((j) => j.agent === t.id).length).toBeGreaterThanOrEqual(Math.floor((horizon - t.deadline) / t.period));
      }),
      { numRuns: 80 },
    );
  });

  it('the same checks fail for a set over the bound', () => {
    const tasks = [
      { id: 'd0', runtime: 30, period: 50, deadline: 50, work: 30 },
      { id: 'd1', runtime: 60, period: 100, deadline: 100, work: 60 },
    ];
    const agents: SimAgent[] = tasks.map((t) => ({ id: t.id, cls: 'deadline', sched: dl(t.runtime, t.period, t.deadline), work: t.work, periodMs: t.period }));
    const r = simulate([deadline], params({ sliceTokens: 1 }), agents, 1000);
    const late = r.jobs.filter((j) => j.finish > j.release + tasks.find((t) => t.id === j.agent)!.deadline);
    expect(late.length).toBeGreaterThan(0);
  });
});
