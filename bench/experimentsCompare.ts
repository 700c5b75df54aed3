/**
 * The comparison both experiment benches make (Node worker threads: bench/experiments.ts; the
 * studio's Web Workers in Chromium: bench/experimentsChromium.ts), given a way to start a pool:
 * every pool starts (start-up timed apart) and is warmed with `warmPerWorker` runs per worker
 * (V8 needs a few thousand runs of the kernel to reach its optimised code: a cold pool measures
 * the JIT, not the pool); then the same job list (the very same runs) goes to each pool in turn,
 * `rounds` times, so a burst of other load on the machine hits every pool alike. Runs/s is the
 * median round of each pool; the speed-up is the largest pool's over the 1-worker pool's.
 */
import { allSeeds, loadExperiment, planRuns, type Experiment, type RunExecutor, type RunJob } from '../src/kernel';

/** One round of one pool: the round's runs and how long they took. */
export interface PoolRound {
  workers: number;
  runs: number;
  ms: number;
  runsPerSec: number;
}

/** What comparePools measures. */
export interface PoolComparison {
  workers: readonly number[];
  /** Milliseconds from starting the workers to every worker's first result, per pool. */
  startupMs: Record<number, number>;
  /** Every round, in the order they ran (alternating pools). */
  rounds: PoolRound[];
  /** The median round of each pool. */
  median: Record<number, PoolRound>;
  /** Median runs/s of the largest pool over that of the 1-worker pool. */
  speedUp: number;
  /** The same ratio round by round. */
  roundRatios: number[];
}

export interface PoolBenchOptions {
  /** Pool sizes to compare, the 1-worker pool first. */
  workers: readonly number[];
  warmPerWorker: number;
  /** Runs per round (the same runs for every pool). */
  roundRuns: number;
  rounds: number;
}

/** A pool the comparison can use: an executor it can close. */
export type BenchPool = RunExecutor & { close(): unknown };

/** Runs/s of the experiment `raw` (`read` resolves its base and dataset) on warm pools of `opts.workers` workers, alternated. */
export async function comparePools(raw: Record<string, unknown>, read: (p: string) => string, start: (exp: Experiment, workers: number) => BenchPool, opts: PoolBenchOptions): Promise<PoolComparison> {
  const variants = (raw.variants as unknown[]).length;
  const most = Math.max(...opts.workers);
  // Seeds enough for the warm-up of the largest pool and one round; rounds reuse the same runs.
  const loaded = loadExperiment({ ...raw, seeds: { count: Math.ceil((opts.warmPerWorker * most + opts.roundRuns) / variants) }, passAtK: [] }, read);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  const exp = loaded.experiment;
  const plan: RunJob[] = planRuns(exp, allSeeds(exp));
  const round = plan.slice(plan.length - opts.roundRuns);
  const pools = new Map<number, BenchPool>();
  const startupMs: Record<number, number> = {};
  try {
    for (const w of opts.workers) {
      const t0 = performance.now();
      const pool = start(exp, w);
      pools.set(w, pool);
      // The first batches are one run each: `w` jobs give each worker one.
      await pool.execute(plan.slice(0, w), () => undefined);
      startupMs[w] = Math.round(performance.now() - t0);
      await pool.execute(plan.slice(w, opts.warmPerWorker * w), () => undefined);
    }
    const rounds: PoolRound[] = [];
    for (let r = 0; r < opts.rounds; r++)
      for (const w of opts.workers) {
        let runs = 0;
        const t = performance.now();
        await pools.get(w)!.execute(round, () => void runs++);
        const ms = performance.now() - t;
        rounds.push({ workers: w, runs, ms: Math.round(ms), runsPerSec: Math.round((runs / ms) * 10_000) / 10 });
      }
    const median: Record<number, PoolRound> = {};
    for (const w of opts.workers) {
      const mine = rounds.filter((x) => x.workers === w).sort((a, b) => a.runsPerSec - b.runsPerSec);
      median[w] = mine[Math.floor(mine.length / 2)]!;
    }
    const k = opts.workers.length;
    const ratio = (a: PoolRound, b: PoolRound) => Math.round((a.runsPerSec / b.runsPerSec) * 100) / 100;
    const roundRatios = Array.from({ length: opts.rounds }, (_, r) => ratio(rounds[r * k + k - 1]!, rounds[r * k]!));
    return { workers: opts.workers, startupMs, rounds, median, speedUp: ratio(median[most]!, median[opts.workers[0]!]!), roundRatios };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.close()));
  }
}
