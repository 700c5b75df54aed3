/**
 * A RunExecutor on Web Workers (the studio's Run in the Experiments view): `size` workers, each
 * given the resolved experiment once; jobs go out in batches to whichever worker has room and
 * results come back packed, in any order — which cannot change the report (the kernel's runner
 * builds it from records keyed by run). The protocol is the CLI's worker threads' one
 * (src/kernel/experiment/batches.ts). Cancel asks every worker to stop after its current run
 * and send what it finished (those records still reach the caller), then ends the workers;
 * `execute` rejects with ExperimentCancelled.
 */
import { prepareExperiment, type ResolvedExperiment, type RunExecutor, type RunJob, type RunRecord } from '../kernel';
import { BatchCoordinator } from '../kernel/experiment/batches';
import type { ExperimentWorkerMessage, ExperimentWorkerReply } from './experimentServe';

/** How long Cancel waits for workers to send what they finished before it ends them anyway. */
export const CANCEL_WAIT_MS = 500;

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

/** Starts `size` workers from `spawn`, each told the experiment once. */
export function webWorkerPool(experiment: ResolvedExperiment, spawn: () => PoolWorker, size: number): WebWorkerPool {
  const prepared = prepareExperiment(experiment);
  if (!prepared.ok) throw new Error(`the experiment cannot be run: ${prepared.issues.map((i) => i.message).join('; ')}`);
  const exp = prepared.experiment;
  const workers = Array.from({ length: Math.max(1, size) }, () => {
    const w = spawn();
    w.postMessage({ type: 'init', experiment, hash: exp.hash });
    return w;
  });
  const coordinator = new BatchCoordinator(
    exp,
    workers.map((w) => (m) => w.postMessage(m)),
  );
  let running = false;
  let closed = false;
  let cancelling: { waiting: number; timer: ReturnType<typeof setTimeout> } | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const w of workers) {
      w.onmessage = null;
      w.onerror = null;
      w.terminate();
    }
  };
  const finishCancel = () => {
    if (cancelling) clearTimeout(cancelling.timer);
    cancelling = null;
    coordinator.fail(new ExperimentCancelled());
    close();
  };
  workers.forEach((w, i) => {
    w.onmessage = ({ data }) => {
      if (data.type === 'stopped') {
        if (cancelling && --cancelling.waiting === 0) finishCancel();
        return;
      }
      coordinator.receive(i, data);
    };
    w.onerror = (e) => coordinator.lost(new Error(`an experiment worker failed${e.message ? `: ${e.message}` : ''}`));
  });
  return {
    size: workers.length,
    execute(jobs: readonly RunJob[], onResult: (r: RunRecord) => void): Promise<void> {
      if (closed || cancelling) return Promise.reject(new ExperimentCancelled());
      running = true;
      return coordinator.execute(jobs, onResult).finally(() => {
        running = false;
      });
    },
    cancel() {
      if (closed || cancelling) return;
      if (!running) return close();
      cancelling = { waiting: coordinator.stop(), timer: setTimeout(finishCancel, CANCEL_WAIT_MS) };
    },
    close,
  };
}
