/**
 * One run of an experiment in the browser: the variant's document on the input at the seed, run
 * to its stop exactly as `harness run` runs it (src/cli/commands.ts runSpec: the same kernel,
 * signature check, event cap and answers to asks, whose words are part of the trace), measured
 * into the kernel's compact RunRecord. On the sim (a pool Web Worker) a record made here equals
 * the CLI's for the same job, trace hash included (experimentJob.test.ts checks it against the
 * CLI's golden hashes). On a real CPU (the kernel worker, where the keys are: `on`) the document
 * is rebound to it first, as `harness experiment --endpoint` does.
 */
import { Kernel, SETUP_FAILURES, UNATTENDED_EVENT_CAP, asRunId, cliAnswers, loadEncodingsFor, measureRun, runToStop, type Cpu, type Experiment, type HarnessSpec, type KernelEvent, type RunJob, type RunRecord } from '../kernel';
import { verifySpec } from '../persist/signing';

/** Where a job's real models run: the document rebound to the chosen CPU, and its CPUs (with the stored key). */
export interface JobCpu {
  rebind(spec: HarnessSpec): HarnessSpec;
  cpus(spec: HarnessSpec): Promise<Record<string, Cpu>>;
  /** Asked between events: true abandons the run (the experiment was cancelled). */
  abandoned?(): boolean;
  /** Keeps the finished run's trace (with the model's recorded answers) and the document it ran, before its record is returned. */
  keep?(run: { spec: HarnessSpec; kernel: Kernel; record: RunRecord }): Promise<void>;
}

/** A run whose endpoint cannot be used (a refused key, unreachable): the experiment stops with this message. */
export class EndpointUnusableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointUnusableError';
  }
}

/** A run abandoned because its experiment was cancelled. */
export class JobAbandonedError extends Error {
  constructor() {
    super('the run was abandoned: the experiment was cancelled');
    this.name = 'JobAbandonedError';
  }
}

/** The first model failure that failed a job and that a setting fixes (a refused key, unreachable, CORS), if any. */
function setupFailure(events: readonly KernelEvent[]): Extract<KernelEvent, { type: 'infer.failed' }> | undefined {
  for (const e of events) if (e.type === 'infer.failed' && e.retry === null && SETUP_FAILURES.has(e.failure.kind)) return e;
  return undefined;
}

/** Runs one job and measures it; on the sim the trace hash equals `harness run` of the variant's document at that seed. */
export async function runWebExperimentJob(exp: Experiment, job: RunJob, on?: JobCpu): Promise<RunRecord> {
  const variant = exp.spec(job.variant, job.input);
  const spec = on ? on.rebind(variant) : variant;
  await loadEncodingsFor(spec);
  const signatures = spec.policy.requireSigned ? (await verifySpec(spec)).verified : undefined;
  const cpus = on ? await on.cpus(spec) : undefined;
  const kernel = Kernel.create(spec, { runId: asRunId(`experiment-${job.seed}`), seed: job.seed, ...(signatures ? { signatures } : {}), ...(cpus ? { cpus } : {}) });
  const abandoned = on?.abandoned;
  const ran = await runToStop(kernel, { ...cliAnswers(exp.file.approve), maxEvents: UNATTENDED_EVENT_CAP, ...(abandoned ? { shouldPause: abandoned } : {}) });
  if (ran.reason === 'paused') {
    kernel.abandon();
    throw new JobAbandonedError();
  }
  const setup = on ? setupFailure(kernel.events) : undefined;
  if (setup) throw new EndpointUnusableError(`model ${setup.model}: ${setup.failure.message}${setup.failure.fix ? ` (${setup.failure.fix})` : ''}`);
  const state = kernel.state;
  const goals: Record<string, boolean> = {};
  for (const g of spec.goals) goals[g.id] = state.goalsMet[g.id] === true;
  const record = measureRun(exp, job, {
    events: kernel.events,
    goals,
    stopReason: state.stopped?.reason ?? 'not-stopped',
    steps: state.steps,
    tokensIn: state.tokensIn,
    tokensOut: state.tokensOut,
    cost: state.cost,
    traceHash: kernel.traceHash(),
  });
  await on?.keep?.({ spec, kernel, record });
  return record;
}
