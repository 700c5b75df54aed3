/**
 * Experiment runs per second in Node (bundled by scripts/run-ts.mjs, called from scripts/bench.mjs):
 * the runs of an experiment file (the distractors experiment) on the worker-thread pool
 * `harness experiment --workers N` uses (src/cli/experimentPool.ts), 1 worker against N, both
 * through the same pool, warm, the same runs alternated (bench/experimentsCompare.ts).
 *
 * This bundle is its own worker entry: loaded in a worker thread it serves jobs, as the CLI's
 * bundle does.
 */
import { isMainThread } from 'node:worker_threads';
import { workerPool } from '../src/cli/experimentPool';
import { serveExperimentJobs } from '../src/cli/experimentWorker';
import { comparePools, type PoolBenchOptions, type PoolComparison } from './experimentsCompare';

if (!isMainThread) serveExperimentJobs();

/** Runs/s of `text` (an experiment file; `read` resolves its base and dataset) on warm worker-thread pools of `opts.workers` threads. */
export function benchExperimentPools(text: string, read: (p: string) => string, entry: string | URL, opts: PoolBenchOptions): Promise<PoolComparison> {
  return comparePools(JSON.parse(text) as Record<string, unknown>, read, (exp, workers) => workerPool(exp, entry, workers), opts);
}
