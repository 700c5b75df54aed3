/**
 * The worker-thread side of `harness experiment --workers N`: main.ts calls it when loaded in a
 * worker thread. The experiment arrives resolved (plain JSON) in workerData; each message is a
 * job, each reply its record (or the error), so only compact results cross threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareExperiment, type ResolvedExperiment, type RunJob } from '../kernel';
import { runExperimentJob } from './experimentJob';

/** What a worker thread replies to a job. */
export type WorkerReply = { ok: true; record: import('../kernel').RunRecord } | { ok: false; job: RunJob; error: string };

/** Serves jobs on parentPort until the main thread terminates the worker. */
export function serveExperimentJobs(): void {
  const port = parentPort;
  if (!port) throw new Error('serveExperimentJobs runs in a worker thread');
  const prepared = prepareExperiment((workerData as { experiment: ResolvedExperiment }).experiment);
  port.on('message', (job: RunJob) => {
    void (async () => {
      let reply: WorkerReply;
      try {
        if (!prepared.ok) throw new Error(prepared.issues.map((i) => i.message).join('; '));
        reply = { ok: true, record: await runExperimentJob(prepared.experiment, job) };
      } catch (err) {
        reply = { ok: false, job, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
      port.postMessage(reply);
    })();
  });
}
