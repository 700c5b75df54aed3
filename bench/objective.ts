/**
 * The objective class's pick cost at 10, 1,000 and 10,000 queued agents, before and after the
 * kinetic tournament, in the same run: the kernel's per-slice cycle (pickNext, dequeue, account
 * one slice, enqueue back) over a varied population (urgency 1–7, quality 1–5, so aging agents
 * overtake one another all the time). "before" picks as main did (score every queued agent,
 * sort, take the first; bench-only copy below); "after" is the class's pickNext; "linear" is the
 * linear form, which stays a scan (objectiveClass.ts says why). Bundled by scripts/run-ts.mjs and
 * called from scripts/bench.mjs (`npm run bench -- --only=objective --no-build`).
 */
import { QUEUED } from '../src/kernel/sched/entityIndex';
import { objectiveScores, type Objective } from '../src/kernel/sched/objective';
import { objectiveClass as cls, type ObjectiveQueue } from '../src/kernel/sched/objectiveClass';
import type { SchedParams } from '../src/kernel/sched/schedClass';

export const OBJECTIVE_BENCH_SIZES = [10, 1_000, 10_000] as const;

/** picks/s by variant ("before", "after", "linear"), then by queue size. */
export type ObjectiveBench = Record<string, Record<string, number>>;

const PRODUCT: Objective = { urgencyWeight: 1, qualityWeight: 1, form: 'product' };
const PARAMS: SchedParams = { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 1, dlBound: 0.95, agingStepMs: 50, slots: 1, tokensPerMs: 1 };

/** main's pickNext: every queued agent scored (product form) and sorted, per pick. */
function mainPick(rq: ObjectiveQueue, now: number): string | null {
  const queued: number[] = [];
  for (let i = 0; i < rq.state.length; i++) if (rq.state[i] === QUEUED) queued.push(i);
  const terms = queued.map((i) => {
    const waitedMs = Math.max(0, now - rq.t[i]!);
    const tokensPerTurn = rq.picks[i]! > 0 && rq.served[i]! > 0 ? rq.served[i]! / rq.picks[i]! : rq.slice;
    return { urgency: rq.urgency[i]! * (1 + waitedMs / 1000), qualityPerToken: rq.quality[i]! / tokensPerTurn };
  });
  const scores = objectiveScores(PRODUCT, terms);
  const best = queued.map((i, k) => ({ i, score: scores[k]! })).sort((a, b) => b.score - a.score || rq.order[a.i]! - rq.order[b.i]!)[0];
  return best === undefined ? null : rq.ids.agents[best.i]!;
}

/** A runqueue of n queued agents and the kernel's cycle over it (pick, dequeue, account a slice, enqueue back). */
function cycler(variant: string, n: number): () => void {
  // "before" keeps main's reducers too: a linear-form queue keeps no tree (its fields are main's), and mainPick scores it as product.
  const rq = cls.init({ ...PARAMS, objective: variant === 'after' ? PRODUCT : { ...PRODUCT, form: 'linear' } });
  const pick = variant === 'before' ? mainPick : cls.pickNext;
  const sched = (i: number) => ({ class: 'objective', urgency: 1 + (i % 7), quality: 1 + ((i * 13) % 5) });
  let now = 0;
  for (let i = 0; i < n; i++) cls.enqueue(rq, { agent: `a${i}`, t: now, sched: sched(i), why: 'new' }, (now += 1));
  return () => {
    const a = pick(rq, now)!;
    cls.dequeue(rq, a, now);
    now += PARAMS.sliceTokens / PARAMS.tokensPerMs;
    cls.account(rq, a, PARAMS.sliceTokens, now);
    cls.enqueue(rq, { agent: a, t: now, sched: sched(Number(a.slice(1))), why: 'preempted' }, now);
  };
}

/** Picks per second of one variant at one queue size. */
function measure(variant: string, n: number, ms: number): number {
  const cycle = cycler(variant, n);
  const warm = performance.now() + ms / 3;
  while (performance.now() < warm) cycle();
  let picks = 0;
  const start = performance.now();
  let t = start;
  while (t < start + ms) {
    cycle();
    picks++;
    t = performance.now();
  }
  return Math.round((picks / (t - start)) * 1000);
}

/**
 * Scores computed per cycle (Math.pow calls / 2), over 2,000 cycles after 2,000 of warm-up: the
 * work itself, which a loaded machine cannot blur.
 */
function scoresPerCycle(variant: string, n: number): number {
  const cycle = cycler(variant, n);
  const cycles = variant === 'after' ? 2000 : Math.max(20, Math.round(20_000 / n));
  for (let c = 0; c < cycles; c++) cycle();
  const pow = Math.pow;
  let calls = 0;
  Math.pow = (x: number, y: number) => (calls++, pow(x, y));
  try {
    for (let c = 0; c < cycles; c++) cycle();
  } finally {
    Math.pow = pow;
  }
  return Math.round((calls / 2 / cycles) * 10) / 10;
}

/**
 * Every variant at every size: picks/s over five rounds, variants and sizes interleaved within a
 * round (a slow moment of a shared machine then moves one round of everything), each figure the
 * median of its five; and the scores computed per cycle.
 */
export function benchObjective(ms = 400): ObjectiveBench {
  const variants = ['before', 'after', 'linear'];
  const rounds = 5;
  const runs: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) for (const v of variants) for (const n of OBJECTIVE_BENCH_SIZES) (runs[`${v} ${n}`] ??= []).push(measure(v, n, ms / rounds));
  const out: ObjectiveBench = {};
  for (const v of variants) {
    out[v] = {};
    for (const n of OBJECTIVE_BENCH_SIZES) out[v]![String(n)] = runs[`${v} ${n}`]!.sort((x, y) => x - y)[Math.floor(rounds / 2)]!;
    if (v === 'linear') continue; // its scores take no Math.pow
    out[`${v} scores/cycle`] = {};
    for (const n of OBJECTIVE_BENCH_SIZES) out[`${v} scores/cycle`]![String(n)] = scoresPerCycle(v, n);
  }
  return out;
}

/** The figures as a table with the cost growth per pick (10 → 1k, 10 → 10k) and after/before at each size. */
export function formatObjectiveBench(r: ObjectiveBench): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const head = ['variant'.padEnd(20), ...OBJECTIVE_BENCH_SIZES.map((n) => `n=${fmt(n)}`.padStart(12)), 'cost ×(10→1k)'.padStart(15), 'cost ×(10→10k)'.padStart(16)].join('');
  const rows = Object.entries(r).map(([name, by]) => {
    // picks/s: cost grows as 1/rate; scores per cycle: as the count itself.
    const growth = (n: number) => (name.endsWith('scores/cycle') ? by[String(n)]! / by['10']! : by['10']! / by[String(n)]!).toFixed(1);
    return [name.padEnd(20), ...OBJECTIVE_BENCH_SIZES.map((n) => fmt(by[String(n)]!).padStart(12)), growth(1000).padStart(15), growth(10_000).padStart(16)].join('');
  });
  const speedup = OBJECTIVE_BENCH_SIZES.map((n) => `${fmt(n)}: ${(r.after![String(n)]! / r.before![String(n)]!).toFixed(1)}x`).join(', ');
  return [
    'objective class picks/s (pickNext + dequeue + account + enqueue), product form unless linear; median of 5 rounds, same run; then scores computed per cycle',
    head,
    ...rows,
    `after/before at ${speedup}; log n growth would be x3 (10->1k) and x4 (10->10k)`,
  ].join('\n');
}
