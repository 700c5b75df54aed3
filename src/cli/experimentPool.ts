/**
 * A RunExecutor on Node worker threads: `size` workers, each loaded from `entry` (the CLI's own
 * bundle, which serves jobs when it finds itself in a worker thread), each given the resolved
 * experiment once. Jobs go out in batches to whichever worker has room and results come back
 * packed, in any order (src/kernel/experiment/batches.ts: the protocol, shared with the
 * studio's Web Workers).
 */
import { Worker } from 'node:worker_threads';
import type { Experiment, RunExecutor, RunJob, RunRecord } from '../kernel';
import { BatchCoordinator, type FromWorker } from '../kernel/experiment/batches';
import type { CliTrust } from './trustStore';

/** An executor that also owns threads: close() ends them. */
export interface WorkerPool extends RunExecutor {
  close(): Promise<void>;
}

/** What a worker thread is given: the resolved experiment, the hash it must prepare to, and the trusted signer keys (none: null). */
export interface ExperimentWorkerData {
  experiment: Experiment['file'];
  hash: string;
  trust: CliTrust | null;
}

/** Starts `size` worker threads from `entry` (a file path or file URL of a module that calls serveExperimentJobs in a worker). */
export function workerPool(exp: Experiment, entry: string | URL, size: number, trust: CliTrust | null = null): WorkerPool {
  const data: ExperimentWorkerData = { experiment: exp.file, hash: exp.hash, trust };
  const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(entry, { workerData: data }));
  const coordinator = new BatchCoordinator(
    exp,
    workers.map((w) => (m) => w.postMessage(m)),
  );
  workers.forEach((w, i) => {
    w.on('message', (reply: FromWorker) => coordinator.receive(i, reply));
    w.on('error', (err) => coordinator.lost(err));
    w.on('exit', (code) => coordinator.lost(new Error(`an experiment worker thread exited (code ${code})`)));
  });
  return {
    execute(jobs: readonly RunJob[], onResult: (r: RunRecord) => void): Promise<void> {
      return coordinator.execute(jobs, onResult);
    },
    async close() {
      for (const w of workers) w.removeAllListeners('exit');
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
