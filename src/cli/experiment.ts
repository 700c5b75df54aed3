/**
 * `harness experiment EXP.json [--workers N | --queue redis://HOST:PORT] [--json] [--out results.jsonl [--resume]] [--shard i/N]`
 * and `harness merge FILES... [--json] [--out merged.jsonl]`.
 *
 * An experiment runs every (variant, seed, input) of the file on N worker threads (default:
 * the cores) and prints the report: per variant the counts, pass rates with Wilson intervals,
 * means with bootstrap intervals, then the paired comparisons with verdicts. `--json` prints the
 * report as exactly one JSON object, the same bytes for any worker count or finish order.
 * `--out` writes the results file: a header line with the resolved experiment, then one
 * compact record per run, appended as each run finishes (so `--resume` after an interruption
 * runs only what the file lacks), rewritten in plan order at the end. `--queue` runs the runs on
 * `harness worker` processes through BullMQ (src/cli/experimentQueue.ts). `--shard i/N` runs every N-th run from the i-th (0-based) and writes
 * only its results file; `harness merge` joins such files into the same report.
 *
 * Exit codes: 0 every expectation of the file holds (or it declares none), 1 one does not,
 * 2 a bad file or bad arguments (also: shards that do not add up to the experiment).
 */
import path from 'node:path';
import { buildReport, checkRunnable, BUILTIN_PROVIDERS, inProcessExecutor, loadExperiment, prepareExperiment, reportText, runExperiment, sortRecords, type Experiment, type ExperimentProgress, type ExperimentReport, type ResolvedExperiment, type RunExecutor, type RunRecord, type SpecIssue } from '../kernel';
import type { CliIo, CliResult, ExitCode } from './commands';
import { runExperimentJob } from './experimentJob';
import { cpuLine, endpointJob, endpointProblem, EndpointUnusable, takeEndpointFlags, type ExperimentCpu } from './experimentEndpoint';
import { argTokens } from './argTokens';
import { loadCliTrust, takeTrustFlag, unanchoredWarning, type CliTrust } from './trustStore';

export const EXPERIMENT_USAGE = `usage:
  harness experiment EXP.json [--workers N | --queue URL] [--json] [--out RESULTS.jsonl [--resume]] [--shard I/N]
                   [--endpoint URL --model NAME [--wire openai|anthropic]] [--base-url MODEL_ID=URL]... [--key-env VAR]
                   [--trusted-keys FILE]
  harness merge RESULTS.jsonl... [--json] [--out MERGED.jsonl]

  experiment  run every variant × seed × input of EXP.json and report pass rates with
              intervals, means, and paired comparisons between variants
    --workers N   worker threads (default: the machine's cores)
    --json        print the report as exactly one JSON object
    --out FILE    write the results: a header line, then one JSON record per run
    --resume      with --out: keep the runs FILE already holds, run only the rest, append them
    --queue URL   enqueue the runs on BullMQ at redis://[USER:PASSWORD@]HOST[:PORT][/DB] and let
                  harness worker --queue URL processes (any number, any machine) run them
    --shard I/N   run only shard I (0-based) of N and write its results (needs --out)
    --endpoint U  run every model of every variant on the endpoint at U, serving --model NAME
                  (--wire: openai, the default, or anthropic); runs stay in this thread,
                  --workers of them at once
    --base-url M=U  the document's real model M (a judge's, say) at U, as harness run
    --key-env VAR the environment variable holding the key (else OPENAI_API_KEY,
                  ANTHROPIC_API_KEY or HARNESS_KEY_<MODEL>)
                  with --queue: the runs go to the workers started with the same --endpoint,
                  --model, --wire and --base-url flags, which hold the keys (none go to Redis)
    --trusted-keys F  under policy.requireSigned, only signatures by a key in the trusted-keys
                  file F count (default: the file HARNESS_TRUSTED_KEYS names; harness keys --help);
                  with --queue, give it to each harness worker instead
  merge       join results files (shards of one experiment) into its report

exit codes: 0 every expectation in the file holds, 1 one does not, 2 bad file or arguments
`;

/** The header line of a results file: which experiment, resolved, so merge needs nothing else. */
export interface ResultsHeader {
  kind: 'experiment';
  hash: string;
  name: string;
  experiment: ResolvedExperiment;
}

const usageError = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n\n${EXPERIMENT_USAGE}` });
const fileError = (lines: string): CliResult => ({ code: 2, stdout: '', stderr: lines });

function formatIssues(file: string, issues: readonly SpecIssue[]): string {
  return issues.map((i) => `${file}: ${i.message.replace(/\s*\n\s*/g, ' ')}\n`).join('');
}

interface ExperimentArgs {
  file: string;
  workers?: number;
  json: boolean;
  out?: string;
  shard?: { index: number; count: number };
  queue?: string;
  resume: boolean;
}

function parseArgs(args: readonly string[]): ExperimentArgs | string {
  let file: string | undefined;
  let workers: number | undefined;
  let json = false;
  let out: string | undefined;
  let shard: ExperimentArgs['shard'];
  let queue: string | undefined;
  let resume = false;
  for (const { arg, flag, value } of argTokens(args)) {
    switch (flag) {
      case '--workers': {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 256) return `--workers: expected an integer from 1 to 256, found ${JSON.stringify(v ?? '')}`;
        workers = Number(v);
        break;
      }
      case '--json':
        json = true;
        break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--out needs a file name';
        out = v;
        break;
      }
      case '--shard': {
        const v = value();
        const m = v === undefined ? null : /^(\d+)\/(\d+)$/.exec(v);
        if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) return `--shard: expected I/N with 0 <= I < N (e.g. 0/4), found ${JSON.stringify(v ?? '')}`;
        shard = { index: Number(m[1]), count: Number(m[2]) };
        break;
      }
      case '--queue': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--queue needs a URL: redis://HOST:PORT';
        queue = v;
        break;
      }
      case '--resume':
        resume = true;
        break;
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        if (file !== undefined) return `experiment takes one EXP.json, found a second: ${arg}`;
        file = arg;
    }
  }
  if (file === undefined) return 'experiment needs an EXP.json';
  if (shard && out === undefined) return '--shard needs --out FILE: a shard writes its results for harness merge';
  if (resume && out === undefined) return '--resume needs --out FILE: the results file to resume';
  if (queue !== undefined && workers !== undefined) return '--queue and --workers: with --queue the runs happen on harness worker processes; start as many as you like';
  if (queue !== undefined && shard) return '--queue and --shard: a queue already spreads the runs over every worker; use one or the other';
  return { file, json, resume, ...(workers !== undefined ? { workers } : {}), ...(out !== undefined ? { out } : {}), ...(shard ? { shard } : {}), ...(queue !== undefined ? { queue } : {}) };
}

/**
 * Reads and prepares the experiment file; files it names are read relative to its folder. `cpu`:
 * where real models run (null: nowhere); `queued`: runs happen on queue workers, which hold the
 * keys and check each run's endpoint themselves.
 */
function load(file: string, io: CliIo, cpu: ExperimentCpu | null = null, queued = false): { ok: true; experiment: Experiment } | { ok: false; result: CliResult } {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
    return { ok: false, result: fileError(`harness: ${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}\n`) };
  }
  const dir = path.dirname(file);
  const loaded = loadExperiment(text, (rel) => {
    try {
      return io.readFile(path.join(dir, rel));
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
      throw new Error(code === 'ENOENT' ? `no such file ${path.join(dir, rel)}` : err instanceof Error ? err.message : String(err));
    }
  });
  if (!loaded.ok) return { ok: false, result: fileError(formatIssues(file, loaded.issues)) };
  const exp = loaded.experiment;
  // Without --endpoint or --base-url, runs happen on the CPUs that need no network.
  for (const v of exp.variants) {
    if (cpu !== null) {
      if (queued) continue;
      const problem = endpointProblem(exp.spec(v, exp.inputs[0]!), cpu, io.env);
      if (problem !== null) return { ok: false, result: fileError(`${file}: variant "${v}": ${problem}\n`) };
      continue;
    }
    const cannot = checkRunnable(exp.spec(v, exp.inputs[0]!), [...BUILTIN_PROVIDERS]);
    if (cannot.length > 0) return { ok: false, result: fileError(formatIssues(file, cannot.map((i) => ({ ...i, message: `variant "${v}": ${i.message} (give real models an endpoint: --endpoint URL --model NAME, or --base-url MODEL_ID=URL)` })))) };
  }
  return { ok: true, experiment: exp };
}

/** Live progress on stderr: a bar redrawn in place on a terminal, a plain line every 10% otherwise. */
function progressPrinter(io: CliIo, label: string): (p: ExperimentProgress) => void {
  const out = io.progress;
  if (!out) return () => {};
  const started = Date.now();
  let lastTenth = -1;
  return (p) => {
    const secs = (Date.now() - started) / 1000;
    const rate = secs > 0 ? p.done / secs : 0;
    const eta = rate > 0 ? Math.ceil((p.total - p.done) / rate) : null;
    const figures = `${p.done}/${p.total} runs  ${rate.toFixed(1)} runs/s  ETA ${eta === null ? '—' : `${eta} s`}`;
    if (out.tty) {
      const width = 24;
      const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
      out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}  `);
      if (p.done === p.total && p.total > 0) out.write('\n');
    } else {
      const tenth = p.total ? Math.floor((p.done / p.total) * 10) : 0;
      if (tenth !== lastTenth && (p.done > 0 || p.total === 0)) {
        lastTenth = tenth;
        out.write(`${label}: ${figures}\n`);
      }
    }
  };
}

function resultsText(exp: Experiment, records: readonly RunRecord[]): string {
  const header: ResultsHeader = { kind: 'experiment', hash: exp.hash, name: exp.file.name, experiment: exp.file };
  return [JSON.stringify(header), ...records.map((r) => JSON.stringify({ kind: 'run', ...r }))].join('\n') + '\n';
}

function finish(report: ExperimentReport, json: boolean): CliResult {
  const code: ExitCode = report.holds ? 0 : 1;
  return { code, stdout: json ? `${JSON.stringify(report)}\n` : reportText(report), stderr: '' };
}

function write(io: CliIo, file: string, text: string): string | null {
  try {
    io.writeFile(file, text);
    return null;
  } catch (err) {
    return `harness: cannot write ${file}: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}

/** `harness experiment`. `io.workerEntry` lets it use worker threads; without it runs happen in this thread. */
export async function experimentCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  const trustFlag = takeTrustFlag(args);
  if (typeof trustFlag === 'string') return usageError(trustFlag);
  let warning = '';
  const r = await experimentWith(trustFlag, io, (line) => (warning = line));
  return warning ? { ...r, stderr: `${warning}${r.stderr}` } : r;
}

async function experimentWith(trustFlag: { rest: string[]; file?: string }, io: CliIo, warn: (line: string) => void): Promise<CliResult> {
  // Real models (--endpoint, --base-url: experimentEndpoint.ts): their flags first, then the rest.
  const taken = takeEndpointFlags(trustFlag.rest, io.env);
  if (typeof taken === 'string') return usageError(taken);
  const { cpu } = taken;
  const parsed = parseArgs(taken.rest);
  if (typeof parsed === 'string') return usageError(parsed);
  // With --queue the runs happen on harness worker processes started with the same endpoint flags and the keys.
  const loaded = load(parsed.file, io, cpu, parsed.queue !== undefined);
  if (!loaded.ok) return loaded.result;
  const exp = loaded.experiment;
  // The runs of a queue happen on harness worker processes: each anchors signatures with its own trusted keys.
  if (parsed.queue !== undefined && trustFlag.file !== undefined) return usageError('--trusted-keys and --queue: the runs happen on harness worker processes; give each worker --trusted-keys FILE (or HARNESS_TRUSTED_KEYS)');
  let trust: CliTrust | null = null;
  if (parsed.queue === undefined) {
    const trusted = loadCliTrust(trustFlag.file, io);
    if (!trusted.ok) return fileError(trusted.message);
    trust = trusted.trust;
    warn(unanchoredWarning(exp.variants.map((v) => exp.spec(v, exp.inputs[0]!)), trust, parsed.file));
  }
  const workers = parsed.workers ?? io.cores ?? 1;
  const have = parsed.resume ? resumeFrom(parsed.out!, exp, io) : [];
  if (typeof have === 'string') return fileError(have);
  let executor: RunExecutor = inProcessExecutor((job) => runExperimentJob(exp, job, undefined, trust));
  let close = async () => {};
  if (parsed.queue !== undefined) {
    const onQueue = await (await import('./experimentQueue')).openQueueExecutor(exp, parsed.queue, { cpu });
    if (typeof onQueue === 'string') return fileError(`harness: ${onQueue}\n`);
    executor = onQueue;
    close = () => onQueue.close();
  } else if (cpu !== null) executor = inProcessExecutor(endpointJob(exp, cpu, io, undefined, trust), workers);
  else if (io.workerEntry !== undefined && workers > 1) {
    const pool = (await import('./experimentPool')).workerPool(exp, io.workerEntry, workers, trust);
    executor = pool;
    close = () => pool.close();
  }
  // With --out, each record is appended as it comes: an interrupted run can be resumed.
  const appendTo = parsed.out !== undefined && io.appendFile ? parsed.out : undefined;
  if (appendTo !== undefined) {
    const failed = write(io, appendTo, resultsText(exp, sortRecords(exp, have)));
    if (failed) return { code: 2, stdout: '', stderr: failed };
  }
  const printProgress = progressPrinter(io, `${path.basename(parsed.file)}${parsed.shard ? ` shard ${parsed.shard.index}/${parsed.shard.count}` : ''}`);
  const onProgress = (p: ExperimentProgress) => {
    if (appendTo !== undefined && p.record) io.appendFile!(appendTo, `${JSON.stringify({ kind: 'run', ...p.record })}\n`);
    printProgress(p);
  };
  let outcome;
  try {
    outcome = await runExperiment(exp, { executor, have, ...(parsed.shard ? { shard: parsed.shard } : {}), onProgress });
  } catch (err) {
    if (err instanceof EndpointUnusable && cpu !== null) return fileError(`harness: experiment ${cpuLine(cpu)}: ${err.message}\n`);
    return { code: 2, stdout: '', stderr: `harness: ${parsed.file}: ${err instanceof Error ? err.message : String(err)}${appendTo !== undefined ? `\n(the runs that finished are in ${appendTo}: add --resume to go on from them)` : ''}\n` };
  } finally {
    await close();
  }
  if (parsed.out !== undefined) {
    const failed = write(io, parsed.out, resultsText(exp, outcome.records));
    if (failed) return { code: 2, stdout: '', stderr: failed };
  }
  if (!outcome.report) {
    const line = { shard: `${parsed.shard!.index}/${parsed.shard!.count}`, experiment: exp.hash, runs: outcome.records.length, out: parsed.out };
    return { code: 0, stdout: parsed.json ? `${JSON.stringify(line)}\n` : `${parsed.file}: shard ${line.shard}: ${line.runs} runs written to ${parsed.out}; join the shards with harness merge\n`, stderr: '' };
  }
  const done = finish(outcome.report, parsed.json);
  // The text report says where it ran; --json stays the report alone.
  return cpu !== null && !parsed.json ? { ...done, stdout: `${parsed.file}: ${cpuLine(cpu)}\n${done.stdout}` } : done;
}

/**
 * The records an earlier `--out FILE` run of this experiment left (`--resume`): none when FILE
 * does not exist; a message when it is not a results file of this very experiment. A last line
 * cut short (the run was killed while writing it) is dropped: that run happens again.
 */
function resumeFrom(file: string, exp: Experiment, io: CliIo): RunRecord[] | string {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
    if (code === 'ENOENT') return [];
    return `harness: ${file}: ${err instanceof Error ? err.message : String(err)}\n`;
  }
  const whole = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  if (whole.trim() === '') return [];
  const got = readResults(file, whole);
  if (typeof got === 'string') return `harness: ${got}\n`;
  if (got.header.hash !== exp.hash) return `harness: ${file}: --resume: it holds results of experiment ${got.header.hash} ("${got.header.name}"), not of this file's ${exp.hash} ("${exp.file.name}"): the experiment changed since; drop --resume or use another --out\n`;
  return got.records;
}

/** Reads one results file: its header and records, or a message naming the file and line. */
export function readResults(file: string, text: string): { header: ResultsHeader; records: RunRecord[] } | string {
  const lines = text.split(/\r?\n/);
  let header: ResultsHeader | undefined;
  const records: RunRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      return `${file}:${i + 1}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
    }
    const kind = typeof v === 'object' && v !== null ? (v as { kind?: unknown }).kind : undefined;
    if (header === undefined) {
      if (kind !== 'experiment') return `${file}:${i + 1}: not a results file: the first line must be the experiment header (kind "experiment"), as harness experiment --out writes it`;
      header = v as ResultsHeader;
      continue;
    }
    if (kind !== 'run') return `${file}:${i + 1}: expected a run record (kind "run")`;
    const { kind: _k, ...record } = v as RunRecord & { kind: string };
    if (typeof record.variant !== 'string' || typeof record.seed !== 'number' || typeof record.values !== 'object') return `${file}:${i + 1}: a run record needs variant, seed, input and values`;
    records.push(record);
  }
  if (!header) return `${file}: empty, expected a results file written by harness experiment --out`;
  return { header, records };
}

/** `harness merge`: joins results files of one experiment (its shards) into its report. */
export function mergeCommand(args: readonly string[], io: CliIo): CliResult {
  let json = false;
  let out: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--out' || arg.startsWith('--out=')) {
      out = arg.startsWith('--out=') ? arg.slice(6) : args[++i];
      if (out === undefined || out === '' || out.startsWith('--')) return usageError('--out needs a file name');
    } else if (arg.startsWith('-')) return usageError(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length === 0) return usageError('merge needs one or more results files');
  let exp: Experiment | undefined;
  let first = '';
  const records: RunRecord[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = io.readFile(file);
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
      return fileError(`harness: ${file}: ${code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}\n`);
    }
    const got = readResults(file, text);
    if (typeof got === 'string') return fileError(`harness: ${got}\n`);
    if (!exp) {
      const prepared = prepareExperiment(got.header.experiment);
      if (!prepared.ok) return fileError(formatIssues(`${file} (header)`, prepared.issues));
      exp = prepared.experiment;
      first = file;
      if (exp.hash !== got.header.hash) return fileError(`harness: ${file}: the header's experiment hashes to ${exp.hash}, not ${got.header.hash}: the file was edited\n`);
    } else if (got.header.hash !== exp.hash) {
      return fileError(`harness: ${file}: results of experiment ${got.header.hash} ("${got.header.name}"), but ${first} holds ${exp.hash} ("${exp.file.name}"): merge shards of one experiment\n`);
    }
    records.push(...got.records);
  }
  const built = buildReport(exp!, records);
  if (!built.ok) {
    const m = built.missing[0]!;
    return fileError(`harness: ${built.missing.length} run${built.missing.length === 1 ? '' : 's'} of "${exp!.file.name}" missing from these files (first: variant ${m.variant}, seed ${m.seed}${m.input !== null ? `, input ${m.input}` : ''}): merge every shard\n`);
  }
  if (out !== undefined) {
    const failed = write(io, out, resultsText(exp!, sortRecords(exp!, records)));
    if (failed) return { code: 2, stdout: '', stderr: failed };
  }
  return finish(built.report, json);
}
