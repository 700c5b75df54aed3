/**
 * `harness experiment EXP.json --endpoint URL --model NAME [--wire openai|anthropic] [--key-env VAR]`
 * and `--base-url MODEL_ID=URL`: an experiment on real models. `--endpoint` puts every model of
 * every variant on one endpoint (as `harness inject-suite --endpoint` does, onEndpoint);
 * `--base-url` gives the documents' own real models (a judge's, say) their endpoints, as
 * `harness run --base-url` does. Keys come from the environment (endpoints.ts), `--key-env`
 * naming the variable. Runs go through the endpoint and CPU code `harness run` uses, in this
 * thread, as many at once as `--workers` (the work is waiting on the network, not computing).
 * A run that cannot use its endpoint (refused key, unreachable) stops the experiment, exit 2.
 */
import { measureRun, type Experiment, type HarnessSpec, type KernelEvent, type RunJob, type RunRecord } from '../kernel';
import { WALL_CLOCK, createModelCpus, safeEndpoint } from '../providers';
import { runSpec, setupFailure, type CliIo } from './commands';
import type { CliTrust } from './trustStore';
import { cliEndpoints, modelKeyVar, readEndpointFlag, type EndpointFlags } from './endpoints';
import { onEndpoint, type SuiteEndpoint } from './injectSuite';
import { argTokens } from './argTokens';

/** Where an experiment's real models run: one endpoint for every model, and/or base URLs per model id. */
export interface ExperimentCpu {
  endpoint?: SuiteEndpoint;
  baseUrls: Record<string, string>;
  /** The environment variable holding the key of every real model (`--key-env`); unset: the usual ones (endpoints.ts). */
  keyEnv?: string;
}

/** Raised when a run's endpoint cannot be used: the one line to print, exit 2. */
export class EndpointUnusable extends Error {}

/**
 * Takes this module's flags out of the command line: the rest, and where runs go (null: no
 * flag given, the offline CPUs), or what is wrong with the flags.
 */
export function takeEndpointFlags(args: readonly string[], env: CliIo['env']): { rest: string[]; cpu: ExperimentCpu | null } | string {
  const rest: string[] = [];
  const flags: EndpointFlags = {};
  const baseUrls: Record<string, string> = {};
  for (const { arg, flag, valueOrEmpty: value } of argTokens(args)) {
    const taken = readEndpointFlag(flag, value, flags);
    if (typeof taken === 'string') return taken;
    if (taken) {
      if (flag === '--key-env' && (env?.[flags.keyEnv!] ?? '').trim() === '') return `--key-env: the environment variable ${flags.keyEnv} is not set`;
      continue;
    }
    switch (flag) {
      case '--base-url': {
        // MODEL_ID=URL: the value's own `=` splits it (the flag's `=` form is --base-url=ID=URL).
        const v = value();
        const at = v.indexOf('=');
        if (at < 1 || !/^https?:\/\/[^\s/]/.test(v.slice(at + 1))) return `--base-url: expected MODEL_ID=URL, found ${JSON.stringify(v)}`;
        baseUrls[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      default:
        rest.push(arg);
    }
  }
  const { url, model, wire, keyEnv } = flags;
  if (url === undefined) {
    const alone = model !== undefined ? '--model' : wire !== undefined ? '--wire' : undefined;
    if (alone !== undefined) return `${alone} needs --endpoint URL`;
    if (Object.keys(baseUrls).length === 0) return keyEnv === undefined ? { rest, cpu: null } : '--key-env needs --endpoint URL or --base-url MODEL_ID=URL';
    return { rest, cpu: { baseUrls, ...(keyEnv !== undefined ? { keyEnv } : {}) } };
  }
  if (model === undefined) return '--endpoint needs --model NAME (the model the endpoint serves)';
  return { rest, cpu: { baseUrls, endpoint: { url, model, wire: wire === 'anthropic' ? 'anthropic' : 'openai' }, ...(keyEnv !== undefined ? { keyEnv } : {}) } };
}

/** The variant's document as it runs: every model on the endpoint when there is one. */
export function onCpu(spec: HarnessSpec, cpu: ExperimentCpu): HarnessSpec {
  return cpu.endpoint ? onEndpoint(spec, cpu.endpoint) : spec;
}

/** Which CPU the experiment ran on, in words. */
export function cpuLine(cpu: ExperimentCpu): string {
  const own = Object.entries(cpu.baseUrls).map(([id, url]) => `${id} at ${safeEndpoint(url)}`);
  const all = cpu.endpoint ? `every model on ${cpu.endpoint.model} at ${safeEndpoint(cpu.endpoint.url)} (${cpu.endpoint.wire} wire)` : null;
  return `on ${[all, own.length > 0 ? `models ${own.join(', ')}` : null].filter((x) => x !== null).join('; ')}`;
}

/** What is missing for a variant's document to run on `cpu` (a URL or key), or null. */
export function endpointProblem(spec: HarnessSpec, cpu: ExperimentCpu, env: CliIo['env']): string | null {
  const ends = cliEndpoints(onCpu(spec, cpu), keyed(spec, cpu, env), cpu.baseUrls);
  return ends.ok ? null : `${ends.line}${cpu.keyEnv === undefined && ends.line.includes('no API key') ? ', or name the variable that holds it with --key-env VAR' : ''}`;
}

/** The environment with `--key-env`'s key given to every model (endpoints.ts reads per-model keys first). */
function keyed(spec: HarnessSpec, cpu: ExperimentCpu, env: CliIo['env']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  const name = cpu.keyEnv;
  if (name !== undefined) for (const m of spec.models) out[modelKeyVar(m.id)] = env?.[name];
  return out;
}

/**
 * One run of the experiment on `cpu`, measured like runExperimentJob's (the trace hash is of the
 * document as it ran). `keepTrace` gets the run's events (`harness worker --traces`); `trust` the trusted signer keys.
 */
export function endpointJob(exp: Experiment, cpu: ExperimentCpu, io: CliIo, keepTrace?: (events: readonly KernelEvent[]) => void, trust?: CliTrust | null): (job: RunJob) => Promise<RunRecord> {
  return async (job) => {
    const spec = onCpu(exp.spec(job.variant, job.input), cpu);
    const ends = cliEndpoints(spec, keyed(spec, cpu, io.env), cpu.baseUrls);
    if (!ends.ok) throw new EndpointUnusable(ends.line);
    const cpus = createModelCpus(spec, ends.endpoints, {}, io.sleep ? { clock: { now: WALL_CLOCK.now, sleep: io.sleep } } : {});
    const { summary, events } = await runSpec(spec, { seed: job.seed, approve: exp.file.approve, cpus, trust });
    const setup = setupFailure(events);
    if (setup) throw new EndpointUnusable(`model ${setup.model}: ${setup.failure.message}${setup.failure.fix ? ` (${setup.failure.fix})` : ''}`.replace(/\s*\n\s*/g, ' '));
    keepTrace?.(events);
    return measureRun(exp, job, {
      events, goals: summary.goals, stopReason: summary.stopReason, steps: summary.steps,
      tokensIn: summary.tokensIn, tokensOut: summary.tokensOut, cost: summary.cost, traceHash: summary.traceHash,
    });
  };
}
