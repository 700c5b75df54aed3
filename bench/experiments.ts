/**
 * Experiment runs per second in Node (bundled by scripts/run-ts.mjs, called from scripts/bench.mjs):
 * the runs of an experiment file (the distractors experiment) on the worker-thread pool
 * `harness experiment --workers N` uses (src/cli/experimentPool.ts), with 1 worker and with N.
 *
 * This bundle is its own worker entry: loaded in a worker thread it serves jobs, as the CLI's
 * bundle does. Start-up (threads loading the bundle, preparing the experiment, and each one's
 * first run) is a warm-up round of one job per worker, timed and reported on its own; runs/s is
 * then measured on the warm pool, repeating the experiment's plan of runs for at least `ms`.
 */
import { isMainThread } from 'node:worker_threads';
import { allSeeds, loadExperiment, planRuns, type RunJob } from '../src/kernel';
import { workerPool } from '../src/cli/experimentPool';
import { serveExperimentJobs } from '../src/cli/experimentWorker';

if (!isMainThread) serveExperimentJobs();

export interface PoolFigure {
  workers: number;
  startupMs: number;
  runs: number;
  ms: number;
  runsPerSec: number;
}

/** Runs/s of `file` (an experiment file's text; `read` resolves its base and dataset) on a warm pool of `workers` threads. */
export async function benchExperimentPool(text: string, read: (p: string) => string, entry: string | URL, workers: number, ms: number): Promise<PoolFigure> {
  const loaded = loadExperiment(text, read);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  const exp = loaded.experiment;
  const plan: RunJob[] = planRuns(exp, allSeeds(exp));
  const round = [...plan, ...plan]; // long rounds: the idle tail at each round's end stays small
  const t0 = performance.now();
  const pool = workerPool(exp, entry, workers);
  try {
    // The pool feeds each idle worker one job first: `workers` jobs give each thread exactly one.
    await pool.execute(plan.slice(0, workers), () => {});
    const startupMs = performance.now() - t0;
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < ms) await pool.execute(round, () => void runs++);
    const elapsed = performance.now() - start;
    return { workers, startupMs: Math.round(startupMs), runs, ms: Math.round(elapsed), runsPerSec: Math.round((runs / elapsed) * 10_000) / 10 };
  } finally {
    await pool.close();
  }
}
