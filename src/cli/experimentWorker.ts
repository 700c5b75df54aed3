/**
 * The worker-thread side of `harness experiment --workers N`: main.ts calls it when loaded in a
 * worker thread. The experiment arrives resolved (plain JSON) in workerData; messages are
 * batches of jobs, replies their packed results (src/kernel/experiment/batches.ts), so only
 * compact results cross threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareExperiment } from '../kernel';
import { serveBatches, type ToWorker } from '../kernel/experiment/batches';
import { runExperimentJob } from './experimentJob';
import type { ExperimentWorkerData } from './experimentPool';

/** Serves batches of jobs on parentPort until the main thread terminates the worker. */
export function serveExperimentJobs(): void {
  const port = parentPort;
  if (!port) throw new Error('serveExperimentJobs runs in a worker thread');
  const data = workerData as ExperimentWorkerData;
  const p = prepareExperiment(data.experiment);
  const prepared = !p.ok ? p.issues.map((i) => i.message).join('; ') : p.experiment.hash !== data.hash ? `the worker prepared experiment ${p.experiment.hash}, not ${data.hash}` : p.experiment;
  const take = serveBatches(prepared, (exp, job) => runExperimentJob(exp, job, undefined, data.trust ?? null), (reply) => port.postMessage(reply), {
    now: () => performance.now(),
    pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
  });
  port.on('message', (message: ToWorker) => take(message));
}
