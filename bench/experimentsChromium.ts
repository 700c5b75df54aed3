/**
 * Experiment runs per second in Chromium on the studio's own Web Worker pool
 * (src/worker/experimentPool.ts and experiment.worker.ts, as the Experiments view runs them).
 * scripts/bench.mjs builds this page, serves it on 127.0.0.1 and calls
 * `window.runExperimentBench(file, base, workers, runs)` from Playwright: the distractors
 * experiment with enough seeds for `runs` runs; a first round of jobs (150 per worker) warms the
 * workers (module load, JIT) and is reported as start-up; runs/s is measured on the rest.
 */
import { allSeeds, loadExperiment, planRuns } from '../src/kernel';
import { webWorkerPool, type PoolWorker } from '../src/worker/experimentPool';

declare global {
  interface Window {
    runExperimentBench(file: string, base: string, workers: number, runs: number): Promise<{ runs: number; ms: number; startupMs: number; workers: number; cores: number }>;
  }
}

window.runExperimentBench = async (file, base, workers, runs) => {
  const raw = JSON.parse(file) as Record<string, unknown>;
  const variants = (raw.variants as unknown[]).length;
  const loaded = loadExperiment({ ...raw, seeds: { count: Math.ceil(runs / variants) }, passAtK: [] }, () => base);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  const exp = loaded.experiment;
  const jobs = planRuns(exp, allSeeds(exp));
  const t0 = performance.now();
  const pool = webWorkerPool(exp.file, () => new Worker(new URL('../src/worker/experiment.worker.ts', import.meta.url), { type: 'module' }) as unknown as PoolWorker, workers);
  try {
    // Enough runs per worker for V8 to have optimised the kernel's hot paths before the clock starts.
    const warm = Math.min(Math.floor(jobs.length / 3), 150 * workers);
    await pool.execute(jobs.slice(0, warm), () => undefined);
    const t1 = performance.now();
    let n = 0;
    await pool.execute(jobs.slice(warm), () => n++);
    const t2 = performance.now();
    return { runs: n, ms: t2 - t1, startupMs: Math.round(t1 - t0), workers: pool.size, cores: navigator.hardwareConcurrency };
  } finally {
    pool.close();
  }
};
document.getElementById('status')!.textContent = 'ready';
