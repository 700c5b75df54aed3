/**
 * The Web Worker side of the studio's experiment pool (experiment.worker.ts calls it on `self`;
 * tests call it on a fake port). The first message is the resolved experiment (and the hash it
 * must prepare to); every later one a batch of jobs or a cancel; replies are packed results —
 * the protocol of the CLI's worker threads (src/kernel/experiment/batches.ts).
 */
import { prepareExperiment, type Experiment, type ResolvedExperiment, type RunJob, type RunRecord } from '../kernel';
import { serveBatches, type FromWorker, type ToWorker, type WorkerClock } from '../kernel/experiment/batches';
import { runWebExperimentJob } from './experimentJob';

/** What the page sends a pool worker. */
export type ExperimentWorkerMessage = { type: 'init'; experiment: ResolvedExperiment; hash: string } | ToWorker;

/** What a pool worker replies. */
export type ExperimentWorkerReply = FromWorker;

/** The part of a worker's global scope (or a MessagePort) this needs. */
export interface ReplyPort {
  postMessage(message: ExperimentWorkerReply): void;
  onmessage: ((e: { data: ExperimentWorkerMessage }) => void) | null;
}

/**
 * A worker's clock: `pause` lets the page's messages in through a MessageChannel (a timer
 * nested in timers waits at least 4 ms).
 */
export function workerClock(): WorkerClock {
  let channel: MessageChannel | null = null;
  const waiting: Array<() => void> = [];
  return {
    now: () => performance.now(),
    pause: () =>
      new Promise<void>((resolve) => {
        if (!channel) {
          channel = new MessageChannel();
          channel.port1.onmessage = () => waiting.shift()?.();
        }
        waiting.push(resolve);
        channel.port2.postMessage(null);
      }),
  };
}

/** Serves batches on `port` until the page terminates the worker. */
export function serveExperimentPort(port: ReplyPort, run: (exp: Experiment, job: RunJob) => Promise<RunRecord> = runWebExperimentJob, clock: WorkerClock = workerClock()): void {
  let take: ((m: ToWorker) => void) | null = null;
  port.onmessage = ({ data }) => {
    if (data.type === 'init') {
      const p = prepareExperiment(data.experiment);
      const prepared = !p.ok ? p.issues.map((i) => i.message).join('; ') : p.experiment.hash !== data.hash ? `the worker prepared experiment ${p.experiment.hash}, not ${data.hash}` : p.experiment;
      take = serveBatches(prepared, run, (reply) => port.postMessage(reply), clock);
      return;
    }
    if (take) return take(data);
    if (data.type === 'batch') port.postMessage({ type: 'failed', batch: data.batch, index: 0, error: 'the worker got a job before its experiment' });
    else port.postMessage({ type: 'stopped' });
  };
}
