/**
 * The Web Worker side of the studio's experiment pool (experiment.worker.ts calls it on `self`;
 * tests call it on a fake port). The first message is the resolved experiment, every later one
 * a job; each reply is the job's record or its error, so only compact results cross threads —
 * the same protocol as the CLI's worker threads (src/cli/experimentWorker.ts).
 */
import { prepareExperiment, type Experiment, type ResolvedExperiment, type RunJob, type RunRecord } from '../kernel';
import { runWebExperimentJob } from './experimentJob';

/** What the page sends a pool worker. */
export type ExperimentWorkerMessage = { type: 'init'; experiment: ResolvedExperiment } | { type: 'job'; job: RunJob };

/** What a pool worker replies to a job. */
export type ExperimentWorkerReply = { ok: true; record: RunRecord } | { ok: false; job: RunJob; error: string };

/** The part of a worker's global scope (or a MessagePort) this needs. */
export interface ReplyPort {
  postMessage(message: ExperimentWorkerReply): void;
  onmessage: ((e: { data: ExperimentWorkerMessage }) => void) | null;
}

const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** Serves jobs on `port` until the page terminates the worker. */
export function serveExperimentPort(port: ReplyPort, run: (exp: Experiment, job: RunJob) => Promise<RunRecord> = runWebExperimentJob): void {
  let prepared: { ok: true; experiment: Experiment } | { ok: false; error: string } | null = null;
  // Jobs run one after another: the pool keeps two in flight so the next starts while a result crosses back.
  let queue = Promise.resolve();
  port.onmessage = ({ data }) => {
    if (data.type === 'init') {
      const p = prepareExperiment(data.experiment);
      prepared = p.ok ? p : { ok: false, error: p.issues.map((i) => i.message).join('; ') };
      return;
    }
    const job = data.job;
    queue = queue.then(async () => {
      let reply: ExperimentWorkerReply;
      try {
        if (!prepared) throw new Error('the worker got a job before its experiment');
        if (!prepared.ok) throw new Error(prepared.error);
        reply = { ok: true, record: await run(prepared.experiment, job) };
      } catch (err) {
        reply = { ok: false, job, error: describe(err) };
      }
      port.postMessage(reply);
    });
  };
}
