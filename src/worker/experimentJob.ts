/**
 * One run of an experiment in a browser Web Worker: the variant's document on the input at the
 * seed, run to its stop exactly as `harness run` runs it (src/cli/commands.ts runSpec: the same
 * kernel, signature check, event cap and answers to asks, whose words are part of the trace),
 * measured into the kernel's compact RunRecord. So a record made here equals the CLI's for the
 * same job, trace hash included (experimentJob.test.ts checks it against the CLI's golden hashes).
 */
import { Kernel, UNATTENDED_EVENT_CAP, asRunId, cliAnswers, loadEncodingsFor, measureRun, runToStop, type Experiment, type RunJob, type RunRecord } from '../kernel';
import { verifySpec } from '../persist/signing';

/** Runs one job and measures it; the trace hash equals `harness run` of the variant's document at that seed. */
export async function runWebExperimentJob(exp: Experiment, job: RunJob): Promise<RunRecord> {
  const spec = exp.spec(job.variant, job.input);
  await loadEncodingsFor(spec);
  const signatures = spec.policy.requireSigned ? (await verifySpec(spec)).verified : undefined;
  const kernel = Kernel.create(spec, { runId: asRunId(`experiment-${job.seed}`), seed: job.seed, ...(signatures ? { signatures } : {}) });
  await runToStop(kernel, { ...cliAnswers(exp.file.approve), maxEvents: UNATTENDED_EVENT_CAP });
  const state = kernel.state;
  const goals: Record<string, boolean> = {};
  for (const g of spec.goals) goals[g.id] = state.goalsMet[g.id] === true;
  return measureRun(exp, job, {
    events: kernel.events,
    goals,
    stopReason: state.stopped?.reason ?? 'not-stopped',
    steps: state.steps,
    tokensIn: state.tokensIn,
    tokensOut: state.tokensOut,
    cost: state.cost,
    traceHash: kernel.traceHash(),
  });
}
