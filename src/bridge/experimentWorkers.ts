/**
 * The Experiments view's worker pool: Web Workers running experiment jobs with the kernel (the
 * same RunExecutor contract as the CLI's worker threads), as many as the machine has cores.
 */
import type { ResolvedExperiment } from '../kernel';
import { webWorkerPool, type PoolWorker, type WebWorkerPool } from '../worker/experimentPool';

export { ExperimentCancelled, type WebWorkerPool } from '../worker/experimentPool';

/** The cores the browser reports (at least 1). */
export const coreCount = (): number => Math.max(1, navigator.hardwareConcurrency || 1);

/** Starts `size` experiment workers (default: one per core), each told the experiment. */
export function startExperimentPool(experiment: ResolvedExperiment, size: number = coreCount()): WebWorkerPool {
  let n = 0;
  return webWorkerPool(experiment, () => new Worker(new URL('../worker/experiment.worker.ts', import.meta.url), { type: 'module', name: `harness-experiment-${++n}` }) as unknown as PoolWorker, size);
}
