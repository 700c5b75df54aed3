/**
 * `harness worker --queue redis://HOST:PORT [--concurrency N] [--stalled-ms MS] [--name NAME] [--traces DIR]
 *  [--endpoint URL --model NAME [--wire W]] [--base-url MODEL_ID=URL]... [--key-env VAR]`:
 * takes experiment runs from the BullMQ queue `harness experiment --queue` fills, runs each like
 * `harness run` (src/cli/experimentJob.ts) and returns its compact record as the job's result
 * (with --traces, each run's whole trace is also written to DIR on this machine). With the
 * endpoint flags it serves the queue of runs on that endpoint (queueNameFor: the coordinator's
 * same flags), running each as `harness experiment --endpoint` does (experimentEndpoint.ts),
 * with the key from this machine's environment; a run whose endpoint cannot be used fails its
 * job with the endpoint's message, which the coordinator prints.
 * Start any number, on any machine that reaches the Redis; stop one with Ctrl-C or SIGTERM (it
 * finishes the runs in hand). A worker that dies mid-run holds its job's lock no longer: after
 * --stalled-ms another worker's stalled check puts the job back, and it runs elsewhere.
 *
 * Exit codes: 0 stopped by a signal, 2 bad arguments or Redis unreachable at start.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { jsonlChunks, prepareExperiment, type Experiment, type KernelEvent, type ResolvedExperiment, type RunJob, type RunRecord } from '../kernel';
import type { CliIo, CliResult } from './commands';
import { runExperimentJob } from './experimentJob';
import { cpuLine, endpointJob, takeEndpointFlags, type ExperimentCpu } from './experimentEndpoint';
import { connectRedis, experimentKey, parseQueueUrl, queueNameFor } from './experimentQueueTarget';
import { argTokens } from './argTokens';
import { loadCliTrust, takeTrustFlag, unanchoredWarning } from './trustStore';

export const WORKER_USAGE = `usage:
  harness worker --queue redis://HOST:PORT [--concurrency N] [--stalled-ms MS] [--name NAME] [--traces DIR]
                 [--endpoint URL --model NAME [--wire openai|anthropic]] [--base-url MODEL_ID=URL]... [--key-env VAR]

  worker  take runs of experiments from the queue (harness experiment EXP.json --queue URL),
          run them and return compact results; runs until Ctrl-C or SIGTERM
    --queue URL       redis://[USER:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS)
    --concurrency N   runs in hand at once (default 2: one runs while the other's result travels)
    --stalled-ms MS   a run whose worker went silent this long is given to another (default 30000)
    --name NAME       this worker's name, recorded on the jobs it runs (default HOST-PID)
    --traces DIR      also write each run's trace (JSONL, as harness run --trace) to
                      DIR/EXPERIMENT/VARIANT.seed-N[.input-ID].jsonl; results stay compact
    --endpoint U --model NAME [--wire openai|anthropic] [--base-url MODEL_ID=URL]... [--key-env VAR]
                      take the runs of harness experiment --queue URL with the same endpoint
                      flags, and run them on the endpoint, with the key from this machine's
                      environment (--key-env names the variable; keys never go to Redis)
    --trusted-keys F  under policy.requireSigned, only signatures by a key in this machine's
                      trusted-keys file F count (default: the file HARNESS_TRUSTED_KEYS names)
`;

interface WorkerArgs {
  queue: string;
  concurrency: number;
  stalledMs: number;
  name: string;
  traces?: string;
}

function parseArgs(args: readonly string[]): WorkerArgs | string {
  let queue: string | undefined;
  let concurrency = 2;
  let stalledMs = 30_000;
  let name = `${hostname()}-${process.pid}`;
  let traces: string | undefined;
  for (const { arg, flag, value } of argTokens(args)) {
    const int = (lo: number, hi: number): number | string => {
      const v = value();
      return v !== undefined && /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi ? Number(v) : `${flag}: expected an integer from ${lo} to ${hi}, found ${JSON.stringify(v ?? '')}`;
    };
    switch (flag) {
      case '--queue': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--queue needs a URL: redis://HOST:PORT';
        queue = v;
        break;
      }
      case '--concurrency': {
        const n = int(1, 256);
        if (typeof n === 'string') return n;
        concurrency = n;
        break;
      }
      case '--stalled-ms': {
        const n = int(200, 3_600_000);
        if (typeof n === 'string') return n;
        stalledMs = n;
        break;
      }
      case '--name': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--name needs a name';
        name = v;
        break;
      }
      case '--traces': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--traces needs a directory';
        traces = v;
        break;
      }
      default:
        return arg.startsWith('-') ? `unknown option ${arg}` : `worker takes no file, found ${arg}`;
    }
  }
  if (queue === undefined) return 'worker needs --queue redis://HOST:PORT';
  return { queue, concurrency, stalledMs, name, ...(traces !== undefined ? { traces } : {}) };
}

/** Experiments by hash, read from Redis once each; a handful are kept (a worker serves one experiment at a time, usually). */
function experimentCache(client: Redis): (hash: string) => Promise<Experiment> {
  const cache = new Map<string, Promise<Experiment>>();
  return (hash) => {
    let hit = cache.get(hash);
    if (!hit) {
      hit = (async () => {
        const text = await client.get(experimentKey(hash));
        if (text === null) throw new Error(`experiment ${hash} is not in Redis (${experimentKey(hash)}): its coordinator stores it before enqueuing; it may have expired`);
        const prepared = prepareExperiment(JSON.parse(text) as ResolvedExperiment);
        if (!prepared.ok) throw new Error(`experiment ${hash}: ${prepared.issues.map((i) => i.message).join('; ')}`);
        if (prepared.experiment.hash !== hash) throw new Error(`experiment stored as ${hash} hashes to ${prepared.experiment.hash} here: coordinator and worker run different versions of harness`);
        return prepared.experiment;
      })();
      hit.catch(() => cache.delete(hash)); // a failure is not remembered: the next job asks again
      cache.set(hash, hit);
      if (cache.size > 8) cache.delete(cache.keys().next().value!);
    }
    return hit;
  };
}

/** Where `--traces DIR` puts a run's trace: one folder per experiment, names from the run's key. */
export function traceFile(dir: string, job: RunJob): string {
  const name = `${encodeURIComponent(job.variant)}.seed-${job.seed}${job.input !== null ? `.input-${encodeURIComponent(job.input)}` : ''}.jsonl`;
  return path.join(dir, job.experiment, name);
}

function writeTrace(file: string, events: readonly KernelEvent[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    for (const chunk of jsonlChunks(events)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
      resolve(sig);
    };
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
  });
}

/** `harness worker`. Runs until `stop` resolves (default: SIGINT or SIGTERM). */
export async function workerCommand(args: readonly string[], io: CliIo, stop: Promise<unknown> = stopSignal()): Promise<CliResult> {
  const trustFlag = takeTrustFlag(args);
  if (typeof trustFlag === 'string') return { code: 2, stdout: '', stderr: `harness: ${trustFlag}\n\n${WORKER_USAGE}` };
  const trusted = loadCliTrust(trustFlag.file, io);
  if (!trusted.ok) return { code: 2, stdout: '', stderr: trusted.message };
  const { trust } = trusted;
  const taken = takeEndpointFlags(trustFlag.rest, io.env);
  if (typeof taken === 'string') return { code: 2, stdout: '', stderr: `harness: ${taken}\n\n${WORKER_USAGE}` };
  const cpu: ExperimentCpu | null = taken.cpu;
  const parsed = parseArgs(taken.rest);
  if (typeof parsed === 'string') return { code: 2, stdout: '', stderr: `harness: ${parsed}\n\n${WORKER_USAGE}` };
  const target = parseQueueUrl(parsed.queue);
  if (typeof target === 'string') return { code: 2, stdout: '', stderr: `harness: ${target}\n` };
  const client = await connectRedis(target);
  if (typeof client === 'string') return { code: 2, stdout: '', stderr: `harness: ${client}\n` };
  const say = (text: string) => io.progress?.write(text);
  const experimentFor = experimentCache(client);
  let runs = 0;
  let warned = false;
  const queueName = queueNameFor(cpu);
  const worker = new Worker<RunJob, RunRecord>(
    queueName,
    async (job) => {
      const exp = await experimentFor(job.data.experiment);
      // The documents come from the queue: the warning is said once, at the first experiment that requires signed agents.
      if (!warned) {
        const warning = unanchoredWarning(exp.variants.map((v) => exp.spec(v, exp.inputs[0]!)), trust, `experiment ${job.data.experiment}`);
        if (warning !== '') {
          warned = true;
          say(warning.replace(/^harness: /, `harness worker ${parsed.name}: `));
        }
      }
      const keep = parsed.traces !== undefined ? (events: readonly KernelEvent[]) => writeTrace(traceFile(parsed.traces!, job.data), events) : undefined;
      const record = cpu === null ? await runExperimentJob(exp, job.data, keep, trust) : await endpointJob(exp, cpu, io, keep, trust)(job.data);
      runs++;
      return record;
    },
    {
      connection: client,
      name: parsed.name,
      concurrency: parsed.concurrency,
      lockDuration: parsed.stalledMs,
      stalledInterval: parsed.stalledMs,
      // A run stalls when its worker dies; a few deaths in a row still leave it to run elsewhere.
      maxStalledCount: 3,
    },
  );
  let lastError = '';
  worker.on('error', (err) => {
    // Redis went away: ioredis reconnects; say so once per distinct message, not per retry.
    const message = err instanceof Error ? err.message : String(err);
    if (message !== lastError) say(`harness worker ${parsed.name}: ${message}\n`);
    lastError = message;
  });
  await worker.waitUntilReady();
  say(`harness worker ${parsed.name}: taking runs from ${target.shown} (queue ${queueName}${cpu === null ? '' : `, runs ${cpuLine(cpu)}`}), ${parsed.concurrency} at a time; Ctrl-C stops after the runs in hand\n`);
  await stop;
  await worker.close();
  await client.quit().catch(() => client.disconnect());
  return { code: 0, stdout: '', stderr: `harness worker ${parsed.name}: stopped after ${runs} run${runs === 1 ? '' : 's'}\n` };
}
