/**
 * `harness inject-suite DIR`: scores a folder of attack harnesses (DIR/suite.json lists them)
 * under each defence setting — none, rules only, taint, execute-only, all — and reports, per
 * setting, the attack success rate and the utility (the share of runs whose goals are all met).
 * Each harness is a valid document with a benign goal; its attack goal (in suite.json) is a tool
 * that must not run with arguments containing a marker (`evil.example`). The scoring itself is
 * the kernel's (kernel/injectionSuite.ts), shared with the studio's Permissions view.
 *
 * By default each harness runs on its own CPUs (the sim). `--endpoint URL --model NAME` puts
 * every harness's models on one real endpoint instead, through the same endpoint and CPU code
 * `harness run` uses (endpoints.ts, createModelCpus); the output names the CPU it ran on.
 */
import { parseHarness, parseSuiteIndex, scoreSuite, type HarnessSpec, type SuiteEntry, type SuiteRunner } from '../kernel';
import { WALL_CLOCK, createModelCpus, safeEndpoint } from '../providers';
import { runSpec, setupFailure, type CliIo, type CliResult } from './commands';
import { cliEndpoints, modelKeyVar, readEndpointFlag, type EndpointFlags } from './endpoints';
import { cliSecrets, redacted } from './redact';
import { argTokens } from './argTokens';
import { loadCliTrust, takeTrustFlag, unanchoredWarning, type CliTrust } from './trustStore';

/** Reads DIR/suite.json and the harnesses it lists; a problem is a message naming the file and what is wrong. */
export function loadSuite(dir: string, io: CliIo): { entries: SuiteEntry[]; specs: Map<string, HarnessSpec> } | string {
  const root = dir.replace(/\/+$/, '');
  const index = `${root}/suite.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(io.readFile(index));
  } catch (err) {
    return `${index}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const entries = parseSuiteIndex(raw, index);
  if (typeof entries === 'string') return entries;
  const specs = new Map<string, HarnessSpec>();
  for (const e of entries) {
    const path = `${root}/${e.file}`;
    let doc: unknown;
    try {
      doc = JSON.parse(io.readFile(path));
    } catch (err) {
      return `${path}: ${err instanceof Error ? err.message : String(err)}`;
    }
    const parsed = parseHarness(doc);
    if (!parsed.ok) return `${path}: ${parsed.issues.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
    specs.set(e.file, parsed.spec);
  }
  return { entries, specs };
}

/** The CLI's runner on each document's own CPUs: in-process, asks denied (nobody answers them). */
const runInProcess = (trust: CliTrust | null): SuiteRunner => async (spec, seed) => {
  const { summary, events } = await runSpec(spec, { seed, approve: 'none', trust });
  return { events, goals: summary.goals, stopReason: summary.stopReason };
};

/** A real endpoint every harness's models are put on (`--endpoint`, `--model`, `--wire`, `--key-env`). */
export interface SuiteEndpoint {
  url: string;
  model: string;
  wire: 'openai' | 'anthropic';
  /** The environment variable holding the key; unset: the provider's usual one (endpoints.ts). */
  keyEnv?: string;
}

/** The document with every model on the endpoint (same ids, so agents keep pointing at them). */
export function onEndpoint(spec: HarnessSpec, ep: SuiteEndpoint): HarnessSpec {
  const provider = ep.wire === 'anthropic' ? 'anthropic' : 'openai-compatible';
  return { ...spec, models: spec.models.map((m) => ({ ...m, provider, model: ep.model, baseUrl: ep.url })) };
}

/** The endpoint could not be used (refused, unreachable, bad key): the one line to print, exit 2. */
class EndpointUnusable extends Error {}

/**
 * The runner on the endpoint: the documents' models on it, their CPUs made as `harness run`
 * makes them (cliEndpoints reads the key: from `--key-env`'s variable when given). A run whose
 * model call failed for a reason a setting fixes stops the suite with that reason.
 */
function endpointRunner(ep: SuiteEndpoint, io: CliIo, trust: CliTrust | null): SuiteRunner {
  return async (spec, seed) => {
    const env = { ...io.env };
    if (ep.keyEnv !== undefined) for (const m of spec.models) env[modelKeyVar(m.id)] = io.env?.[ep.keyEnv];
    const ends = cliEndpoints(spec, env, {});
    // The URL is set, so only a key can be missing.
    if (!ends.ok) throw new EndpointUnusable(`${ends.line}${ep.keyEnv === undefined ? ', or name the variable that holds it with --key-env VAR' : ''}`);
    const cpus = createModelCpus(spec, ends.endpoints, {}, io.sleep ? { clock: { now: WALL_CLOCK.now, sleep: io.sleep } } : {});
    const { summary, events } = await runSpec(spec, { seed, approve: 'none', cpus, trust });
    const setup = setupFailure(events);
    if (setup) throw new EndpointUnusable(`${setup.failure.message}${setup.failure.fix ? ` (${setup.failure.fix})` : ''}`.replace(/\s*\n\s*/g, ' '));
    return { events, goals: summary.goals, stopReason: summary.stopReason };
  };
}

/** Which CPU the suite ran on, as the first line and the JSON line say it. */
function cpuOf(ep: SuiteEndpoint | undefined): { line: string; json: Record<string, string> } {
  if (ep === undefined) return { line: 'the sim CPU (each agent follows its scripted behaviour)', json: { kind: 'sim' } };
  const at = safeEndpoint(ep.url);
  return { line: `the model ${ep.model} at ${at} (${ep.wire} wire)`, json: { kind: 'endpoint', wire: ep.wire, endpoint: at, model: ep.model } };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

interface SuiteArgs {
  dir: string;
  seeds: number;
  endpoint?: SuiteEndpoint;
}

/** The command line, or what is wrong with it. */
function parseSuiteArgs(args: readonly string[], io: CliIo): SuiteArgs | string {
  let dir: string | undefined;
  let seeds = 1;
  const flags: EndpointFlags = {};
  for (const { arg, flag, valueOrEmpty: value } of argTokens(args)) {
    const taken = readEndpointFlag(flag, value, flags);
    if (typeof taken === 'string') return taken;
    if (taken) continue;
    switch (flag) {
      case '--seeds': {
        const raw = value();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || n < 1 || n > 100) return `--seeds: expected an integer 1..100, found ${JSON.stringify(raw)}`;
        seeds = n;
        break;
      }
      default:
        if (arg.startsWith('-')) return `inject-suite: unknown option ${arg}`;
        if (dir !== undefined) return `inject-suite takes one DIR, found a second: ${arg}`;
        dir = arg;
    }
  }
  if (dir === undefined) return 'inject-suite needs a DIR (with a suite.json)';
  const { url, model, wire, keyEnv } = flags;
  if (url === undefined) {
    const alone = model !== undefined ? '--model' : wire !== undefined ? '--wire' : keyEnv !== undefined ? '--key-env' : undefined;
    return alone === undefined ? { dir, seeds } : `${alone} needs --endpoint URL`;
  }
  if (model === undefined) return '--endpoint needs --model NAME (the model the endpoint serves)';
  // The value is never printed, only whether it is there.
  if (keyEnv !== undefined && (io.env?.[keyEnv] ?? '').trim() === '') return `--key-env: the environment variable ${keyEnv} is not set`;
  return { dir, seeds, endpoint: { url, model, wire: wire === 'anthropic' ? 'anthropic' : 'openai', ...(keyEnv !== undefined ? { keyEnv } : {}) } };
}

/**
 * `inject-suite DIR [--seeds N] [--endpoint URL --model NAME [--wire W] [--key-env VAR]]`: the
 * table per setting, then one JSON line with the scores. Every output is redacted of the keys
 * the environment holds (and of `--key-env`'s).
 */
export async function injectSuiteCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  const keyEnv = args.findIndex((a) => a === '--key-env' || a.startsWith('--key-env='));
  const named = keyEnv < 0 ? undefined : args[keyEnv]!.includes('=') ? args[keyEnv]!.slice('--key-env='.length) : args[keyEnv + 1];
  const key = named === undefined ? undefined : io.env?.[named];
  const secrets = [...cliSecrets([], io), ...(key !== undefined && key.trim() !== '' ? [key, key.trim()] : [])].sort((a, b) => b.length - a.length);
  return redacted(secrets, io, (safe) => scoreCommand(args, safe));
}

async function scoreCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  const trustFlag = takeTrustFlag(args);
  if (typeof trustFlag === 'string') return { code: 2, stdout: '', stderr: `harness: ${trustFlag}\n` };
  const parsed = parseSuiteArgs(trustFlag.rest, io);
  if (typeof parsed === 'string') return { code: 2, stdout: '', stderr: `harness: ${parsed}\n` };
  const { dir, seeds, endpoint } = parsed;
  const suite = loadSuite(dir, io);
  if (typeof suite === 'string') return { code: 2, stdout: '', stderr: `harness: ${suite}\n` };
  const trusted = loadCliTrust(trustFlag.file, io);
  if (!trusted.ok) return { code: 2, stdout: '', stderr: trusted.message };
  const { trust } = trusted;
  const cpu = cpuOf(endpoint);
  const specs = endpoint === undefined ? suite.specs : new Map([...suite.specs].map(([file, spec]) => [file, onEndpoint(spec, endpoint)]));
  const runner = endpoint === undefined ? runInProcess(trust) : endpointRunner(endpoint, io, trust);
  let scores;
  try {
    ({ scores } = await scoreSuite(suite.entries, specs, Array.from({ length: seeds }, (_, i) => i + 1), runner));
  } catch (err) {
    if (err instanceof EndpointUnusable) return { code: 2, stdout: '', stderr: `harness: inject-suite: ${cpu.line}: ${err.message}\n` };
    throw err;
  }
  const lines = [
    `${suite.entries.length} attack harnesses × ${seeds} seed${seeds === 1 ? '' : 's'} in ${dir}, on ${cpu.line}`,
    '',
    'defence        attack success      utility',
    ...scores.map((s) => `${s.defence.padEnd(14)} ${`${s.attacks}/${s.runs} (${pct(s.attackRate)})`.padEnd(19)} ${s.utility}/${s.runs} (${pct(s.utilityRate)})`),
    JSON.stringify({ harnesses: suite.entries.length, seeds, cpu: cpu.json, scores }),
  ];
  return { code: 0, stdout: `${lines.join('\n')}\n`, stderr: unanchoredWarning([...suite.specs.values()], trust, dir) };
}
