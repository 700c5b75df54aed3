/**
 * Experiment runs per second in Chromium on the studio's own Web Worker pool
 * (src/worker/experimentPool.ts and experiment.worker.ts, as the Experiments view runs them):
 * 1 worker against all cores, warm, the same runs alternated (bench/experimentsCompare.ts).
 * scripts/bench.mjs builds this page, serves it on 127.0.0.1 and calls
 * `window.runExperimentBench(file, base, options)` from Playwright.
 */
import { webWorkerPool, type PoolWorker } from '../src/worker/experimentPool';
import { comparePools, type PoolBenchOptions, type PoolComparison } from './experimentsCompare';

declare global {
  interface Window {
    runExperimentBench(file: string, base: string, opts: PoolBenchOptions): Promise<PoolComparison>;
  }
}

window.runExperimentBench = (file, base, opts) =>
  comparePools(
    JSON.parse(file) as Record<string, unknown>,
    () => base,
    (exp, workers) => webWorkerPool(exp.file, () => new Worker(new URL('../src/worker/experiment.worker.ts', import.meta.url), { type: 'module' }) as unknown as PoolWorker, workers),
    opts,
  );
document.getElementById('status')!.textContent = 'ready';
