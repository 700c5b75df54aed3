/**
 * Scheduling-class pick cost in Node: for each class and runqueue size n (10, 1,000, 10,000
 * runnable agents), repeats the kernel's per-slice cycle — pickNext, dequeue, account one slice,
 * enqueue back (why 'preempted') — for about `ms` milliseconds and reports picks per second.
 * Classes with timers (deadline) are replenished when everything is throttled, as the kernel
 * does; rt runs with throttling off (rtRuntimeShare 1) so that every cycle is a pick. Bundled by
 * scripts/run-ts.mjs and called from scripts/bench.mjs; also runnable on its own.
 */
import { deadline } from '../src/kernel/sched/deadline';
import { fair } from '../src/kernel/sched/fair';
import { fifo } from '../src/kernel/sched/fifo';
import { idle } from '../src/kernel/sched/idle';
import { priority } from '../src/kernel/sched/priority';
import { rt } from '../src/kernel/sched/rt';
import type { SchedClass, SchedParams } from '../src/kernel/sched/schedClass';
import type { AgentSched as SchedSpec } from '../src/kernel/sched';

export const SCHED_BENCH_SIZES = [10, 1_000, 10_000] as const;

/** picks/s by class, then by runqueue size. */
export type SchedBench = Record<string, Record<string, number>>;

const PARAMS: SchedParams = { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 1, dlBound: 0.95, agingStepMs: 50, slots: 1, tokensPerMs: 1 };

/** A varied population: nice levels and cgroup weights, rt priorities and policies, CBS servers. */
function specFor(cls: string, i: number, n: number): SchedSpec {
  const base = { class: cls, rtPolicy: i % 3 === 0 ? 'fifo' : 'rr', nice: (i % 40) - 20, priority: i % 100 } as SchedSpec;
  if (cls === 'fair' && i % 4 === 0) return { ...base, weight: 1 + ((i * 37) % 1000) };
  // CBS: a total bandwidth of 0.9, so servers throttle and replenish now and then.
  if (cls === 'deadline') return { ...base, runtime: 256, period: Math.ceil((256 * n) / 0.9), deadline: Math.ceil((256 * n) / 0.9) };
  return base;
}

/** Picks per second of one class at one runqueue size. */
function measure(cls: SchedClass, n: number, ms: number): number {
  const rq = cls.init(PARAMS);
  const specs: SchedSpec[] = [];
  let now = 0;
  for (let i = 0; i < n; i++) {
    specs.push(specFor(cls.name, i, n));
    cls.enqueue(rq, { agent: `a${i}`, t: now, sched: specs[i]!, why: 'new' }, now);
  }
  const index = new Map<string, number>(specs.map((_, i) => [`a${i}`, i]));
  const slice = PARAMS.sliceTokens;
  const cycle = (): boolean => {
    let a = cls.pickNext(rq, now);
    if (a === null) {
      const t = cls.nextTimer(rq, now);
      if (!Number.isFinite(t)) return false;
      now = t;
      cls.replenish(rq, now);
      a = cls.pickNext(rq, now);
      if (a === null) return false;
    }
    cls.dequeue(rq, a, now);
    const tokens = Math.min(slice, cls.sliceFor(rq, a));
    now += tokens / PARAMS.tokensPerMs;
    cls.account(rq, a, tokens, now);
    cls.enqueue(rq, { agent: a, t: now, sched: specs[index.get(a)!]!, why: 'preempted' }, now);
    return true;
  };
  // Warm up on this runqueue (JIT, caches) for a third of the measured time before counting.
  const warm = performance.now() + ms / 3;
  while (performance.now() < warm) for (let i = 0; i < 256; i++) cycle();
  let picks = 0;
  const start = performance.now();
  const end = start + ms;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 1024; i++) if (cycle()) picks++;
    t = performance.now();
  }
  return Math.round((picks / (t - start)) * 1000);
}

/**
 * Runs every class (or those named in `only`) at every size, `ms` per class and size in all:
 * three rounds over the sizes in turn, each figure the median of its three, so a slow moment
 * of a shared machine moves one round of every size rather than one size.
 */
export function benchSched(ms = 400, only?: readonly string[]): SchedBench {
  const out: SchedBench = {};
  const rounds = 3;
  const classes = ([fair, rt, deadline, priority, idle, fifo] as SchedClass[]).filter((cls) => !only || only.includes(cls.name));
  // Every class's code compiled before any is measured: the first class is not measured cold.
  for (const cls of classes) measure(cls, 1_000, Math.min(150, ms / 2));
  for (const cls of classes) {
    const runs: Record<string, number[]> = {};
    for (let round = 0; round < rounds; round++) for (const n of SCHED_BENCH_SIZES) (runs[String(n)] ??= []).push(measure(cls, n, ms / rounds));
    out[cls.name] = {};
    for (const n of SCHED_BENCH_SIZES) out[cls.name]![String(n)] = runs[String(n)]!.sort((x, y) => x - y)[Math.floor(rounds / 2)]!;
  }
  return out;
}

/** The figures as a table, with the cost growth from 10 to 10,000 next to log-n growth (×4). */
export function formatSchedBench(r: SchedBench): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const head = ['class'.padEnd(10), ...SCHED_BENCH_SIZES.map((n) => `n=${fmt(n)}`.padStart(14)), 'cost ×(10→1k)'.padStart(15), 'cost ×(10→10k)'.padStart(16)].join('');
  const rows = Object.entries(r).map(([name, by]) => {
    const growth = (n: number) => (by['10']! / by[String(n)]!).toFixed(1);
    return [name.padEnd(10), ...SCHED_BENCH_SIZES.map((n) => fmt(by[String(n)]!).padStart(14)), growth(1000).padStart(15), growth(10_000).padStart(16)].join('');
  });
  return [`picks/s (pickNext + dequeue + account + enqueue), median of 3 rounds; growth of the cost per pick, measured in the same run: log n would be x3 (10->1k) and x4 (10->10k)`, head, ...rows].join('\n');
}
