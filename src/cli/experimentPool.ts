/**
 * A RunExecutor on Node worker threads: `size` workers, each loaded from `entry` (the CLI's own
 * bundle, which serves jobs when it finds itself in a worker thread), each given the resolved
 * experiment once. Jobs go to whichever worker is free; results come back in any order.
 */
import { Worker } from 'node:worker_threads';
import type { Experiment, RunExecutor, RunJob, RunRecord } from '../kernel';
import type { WorkerReply } from './experimentWorker';

/** Jobs each worker holds at once: a sim run takes about a millisecond, as long as a message's round trip. */
const IN_FLIGHT = 2;

/** An executor that also owns threads: close() ends them. */
export interface WorkerPool extends RunExecutor {
  close(): Promise<void>;
}

/** Starts `size` worker threads from `entry` (a file path or file URL of a module that calls serveExperimentJobs in a worker). */
export function workerPool(exp: Experiment, entry: string | URL, size: number): WorkerPool {
  const workers = Array.from({ length: size }, () => new Worker(entry, { workerData: { experiment: exp.file } }));
  return {
    execute(jobs: readonly RunJob[], onResult: (r: RunRecord) => void): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let finished = 0;
        let failed = false;
        const fail = (err: Error) => {
          if (failed) return;
          failed = true;
          for (const w of workers) w.removeAllListeners('message').removeAllListeners('error');
          reject(err);
        };
        const feed = (w: Worker) => {
          if (next < jobs.length) w.postMessage(jobs[next++]);
        };
        if (jobs.length === 0) return resolve();
        for (const w of workers) {
          w.on('message', (reply: WorkerReply) => {
            if (!reply.ok) return fail(new Error(`run of variant ${reply.job.variant} at seed ${reply.job.seed}${reply.job.input !== null ? ` on input ${reply.job.input}` : ''} failed: ${reply.error}`));
            try {
              onResult(reply.record);
            } catch (err) {
              return fail(err instanceof Error ? err : new Error(String(err)));
            }
            if (++finished === jobs.length) {
              for (const x of workers) x.removeAllListeners('message').removeAllListeners('error');
              resolve();
            } else feed(w);
          });
          w.on('error', (err) => fail(err));
          // Two jobs in flight per worker: it starts the next run while its last result crosses back.
          for (let i = 0; i < IN_FLIGHT; i++) feed(w);
        }
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
