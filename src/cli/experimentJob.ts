/**
 * One run of an experiment in this thread: the variant's document on the input at the seed,
 * run to its stop like `harness run` (same kernel, same answers to asks), measured into a
 * compact record. The main thread (one worker) and every worker thread call it.
 */
import { measureRun, type Experiment, type KernelEvent, type RunJob, type RunRecord } from '../kernel';
import { runSpec } from './commands';
import type { CliTrust } from './trustStore';

/**
 * Runs one job and measures it. The trace hash equals `harness run` of the variant's document at
 * that seed. `keepTrace` gets the run's events (`harness worker --traces` writes them out);
 * `trust`: the trusted signer keys (`--trusted-keys`), as for `harness run`.
 */
export async function runExperimentJob(exp: Experiment, job: RunJob, keepTrace?: (events: readonly KernelEvent[]) => void, trust?: CliTrust | null): Promise<RunRecord> {
  const spec = exp.spec(job.variant, job.input);
  const { summary, events } = await runSpec(spec, { seed: job.seed, approve: exp.file.approve, trust });
  keepTrace?.(events);
  return measureRun(exp, job, {
    events,
    goals: summary.goals,
    stopReason: summary.stopReason,
    steps: summary.steps,
    tokensIn: summary.tokensIn,
    tokensOut: summary.tokensOut,
    cost: summary.cost,
    traceHash: summary.traceHash,
  });
}
