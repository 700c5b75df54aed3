/**
 * A RunExecutor on Web Workers (the studio's Run in the Experiments view): `size` workers, each
 * given the resolved experiment once; jobs go to whichever worker is free, two in flight per
 * worker, and records come back in any order — which cannot change the report (the kernel's
 * runner builds it from records keyed by run). Cancel stops at once: the workers end, the
 * records already delivered stay with the caller, and `execute` rejects with ExperimentCancelled.
 */
import type { ResolvedExperiment, RunExecutor, RunJob, RunRecord } from '../kernel';
import type { ExperimentWorkerMessage, ExperimentWorkerReply } from './experimentServe';

/** Jobs each worker holds at once: it starts the next run while its last result crosses back. */
const IN_FLIGHT = 2;

/** The part of a Web Worker the pool uses. */
export interface PoolWorker {
  postMessage(message: ExperimentWorkerMessage): void;
  onmessage: ((e: { data: ExperimentWorkerReply }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  terminate(): void;
}

/** The rejection of `execute` after `cancel()`. */
export class ExperimentCancelled extends Error {
  constructor() {
    super('the experiment was cancelled');
    this.name = 'ExperimentCancelled';
  }
}

/** An executor that owns workers: cancel() stops the run in progress, close() ends the workers. */
export interface WebWorkerPool extends RunExecutor {
  readonly size: number;
  cancel(): void;
  close(): void;
}

const where = (job: RunJob): string => `variant ${job.variant} at seed ${job.seed}${job.input !== null ? ` on input ${job.input}` : ''}`;

/** Starts `size` workers from `spawn`, each told the experiment once. */
export function webWorkerPool(experiment: ResolvedExperiment, spawn: () => PoolWorker, size: number): WebWorkerPool {
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const w = spawn();
    w.postMessage({ type: 'init', experiment });
    return w;
  });
  let stop: ((err: Error) => void) | null = null;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const w of workers) {
      w.onmessage = null;
      w.onerror = null;
      w.terminate();
    }
  };
  return {
    size: workers.length,
    execute(jobs: readonly RunJob[], onResult: (r: RunRecord) => void): Promise<void> {
      if (closed) return Promise.reject(new ExperimentCancelled());
      return new Promise<void>((resolve, reject) => {
        let next = 0;
        let finished = 0;
        let over = false;
        const end = (err: Error | null) => {
          if (over) return;
          over = true;
          stop = null;
          for (const w of workers) {
            w.onmessage = null;
            w.onerror = null;
          }
          if (err) reject(err);
          else resolve();
        };
        stop = (err) => end(err);
        const feed = (w: PoolWorker) => {
          if (next < jobs.length) w.postMessage({ type: 'job', job: jobs[next++]! });
        };
        if (jobs.length === 0) return end(null);
        for (const w of workers) {
          w.onmessage = ({ data: reply }) => {
            if (!reply.ok) return end(new Error(`the run of ${where(reply.job)} failed: ${reply.error}`));
            try {
              onResult(reply.record);
            } catch (err) {
              return end(err instanceof Error ? err : new Error(String(err)));
            }
            if (++finished === jobs.length) end(null);
            else feed(w);
          };
          w.onerror = (e) => end(new Error(`an experiment worker failed${e.message ? `: ${e.message}` : ''}`));
          for (let i = 0; i < IN_FLIGHT; i++) feed(w);
        }
      });
    },
    cancel() {
      const s = stop;
      close();
      s?.(new ExperimentCancelled());
    },
    close,
  };
}
