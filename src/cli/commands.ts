/**
 * The CLI's commands as plain functions: argv in, `{ code, stdout, stderr }` out, files through
 * a small IO port. main.ts wires them to the process; the tests call them directly.
 *
 * Exit codes: 0 success (validate: the document is valid; run: stopped with reason
 * `completed`), 1 the run stopped for any other reason, 2 a bad document or bad arguments
 * (for run: also a document with a model whose provider the CLI cannot run).
 */
import { BUILTIN_PROVIDERS, Kernel, asRunId, checkRunnable, loadEncodingsFor, parseHarness, toJsonl, type HarnessSpec, type KernelEvent, type SpecIssue } from '../kernel';

export type ExitCode = 0 | 1 | 2;

export interface CliResult {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/** Files, as the commands see them. Errors carry a `code` like Node's (ENOENT, EISDIR, …). */
export interface CliIo {
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
}

/** What `run --json` prints: exactly one JSON object. */
export interface RunSummary {
  runId: string;
  seed: number;
  stopReason: string;
  steps: number;
  events: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  traceHash: string;
  goals: Record<string, boolean>;
}

export const USAGE = `usage:
  harness validate FILE
  harness run FILE [--seed N] [--max-steps K] [--approve all|none] [--trace OUT.jsonl] [--json]

  validate   check a harness document; prints OK, or every issue as FILE: path: message
  run        run the harness headless on its own CPUs (the sim CPU runs offline)
    --seed N        seed for the run (an integer 0..4294967295, default 1)
    --max-steps K   override the document's limits.maxSteps
    --approve X     answer permission asks: all (approve) or none (deny, the default)
    --trace FILE    write the trace as JSONL, one event per line
    --json          print exactly one JSON object with the run's figures

exit codes: 0 ok / run completed with every goal met, 1 run stopped otherwise,
            2 bad document or bad arguments (run: also a model the CLI cannot run:
              it runs only the sim provider)
`;

/** A safety net far beyond any limit a document sets, so a kernel bug cannot hang the CLI. */
const EVENT_CAP = 50_000_000;

const ok = (stdout: string): CliResult => ({ code: 0, stdout, stderr: '' });
const usageError = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n\n${USAGE}` });
const docError = (stderr: string): CliResult => ({ code: 2, stdout: '', stderr });

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

function describeIoError(file: string, err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return `${file}: no such file`;
    case 'EISDIR':
      return `${file}: is a directory, expected a harness document (.json)`;
    case 'EACCES':
    case 'EPERM':
      return `${file}: permission denied`;
    default:
      return `${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function formatIssues(file: string, issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => {
      // Issue messages from the parser usually start with their own path; do not repeat it.
      const path = i.path === '' ? '(document)' : i.path;
      const message = i.path !== '' && i.message.startsWith(`${i.path}: `) ? i.message.slice(i.path.length + 2) : i.message.replace(/^document: /, '');
      // One issue per line, always: fold any line breaks inside a message (e.g. JSON snippets).
      return `${file}: ${path}: ${message.replace(/\s*\n\s*/g, ' ')}\n`;
    })
    .join('');
}

/** Reads and parses a document: the spec, or the exit-2 result to return. */
export function loadSpec(file: string, io: CliIo): { ok: true; spec: HarnessSpec; migratedFrom?: number } | { ok: false; result: CliResult } {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    return { ok: false, result: docError(`harness: ${describeIoError(file, err)}\n`) };
  }
  const parsed = parseHarness(text);
  if (!parsed.ok) {
    // Only issue lines, so the output stays machine-readable (editors, CI annotations).
    return { ok: false, result: docError(formatIssues(file, parsed.issues)) };
  }
  return parsed.migratedFrom === undefined ? { ok: true, spec: parsed.spec } : { ok: true, spec: parsed.spec, migratedFrom: parsed.migratedFrom };
}

export function validateCommand(file: string, io: CliIo): CliResult {
  const loaded = loadSpec(file, io);
  if (!loaded.ok) return loaded.result;
  const { spec } = loaded;
  const migrated = loaded.migratedFrom !== undefined ? `, migrated from version ${loaded.migratedFrom}` : '';
  return ok(
    `${file}: OK (harness "${spec.name}", ${spec.agents.length} agent${spec.agents.length === 1 ? '' : 's'}, ` +
      `${spec.models.length} model${spec.models.length === 1 ? '' : 's'}, ${spec.goals.length} goal${spec.goals.length === 1 ? '' : 's'}${migrated})\n`,
  );
}

export interface RunOptions {
  seed: number;
  maxSteps?: number;
  /** Who answers asks (there is no person at the CLI): approve them all, or deny them all (default). */
  approve?: 'all' | 'none';
  /** Run id recorded in the events; it is not part of the trace hash. Default `cli-<seed>`. */
  runId?: string;
}

export interface RunOutcome {
  summary: RunSummary;
  events: readonly KernelEvent[];
}

/** Runs a parsed document to its stop (async: a networked CPU may answer later). */
export async function runSpec(spec: HarnessSpec, options: RunOptions): Promise<RunOutcome> {
  const effective: HarnessSpec = options.maxSteps === undefined ? spec : { ...spec, limits: { ...spec.limits, maxSteps: options.maxSteps } };
  const runId = options.runId ?? `cli-${options.seed}`;
  await loadEncodingsFor(effective);
  let kernel = Kernel.create(effective, { runId: asRunId(runId), seed: options.seed });
  // Signatures in the file are checked with WebCrypto (Node has it) before the kernel sees the digests.
  if (effective.policy.requireSigned) {
    const { verifySpec } = await import('../persist/signing');
    kernel = Kernel.create(effective, { runId: asRunId(runId), seed: options.seed, signatures: (await verifySpec(effective)).verified });
  }
  let budget = EVENT_CAP;
  for (;;) {
    const r = await kernel.runUntil({ maxEvents: budget });
    budget -= r.events.length;
    if (r.reason !== 'waiting' || budget <= 0) break;
    // Nobody to ask: answer every open ask as the --approve flag says, and go on in place.
    const asks = kernel.openAsks();
    if (asks.length === 0) {
      // It waits for a message from the person, and there is no person at the CLI.
      const waiting = Object.values(kernel.state.procs).filter((p) => p.state === 'blocked').map((p) => p.id);
      kernel.submit({ kind: 'stop', detail: `${waiting.join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} for a message from the human, and nobody is at the CLI to send one` });
      continue;
    }
    for (const ask of asks) {
      kernel.submit(options.approve === 'all' ? { kind: 'approve', callId: ask.callId, remember: false } : { kind: 'deny', callId: ask.callId, reason: 'no person answers asks at the CLI (run with --approve all to approve them)' });
    }
  }
  const state = kernel.state;
  const events = kernel.events;
  const goals: Record<string, boolean> = {};
  for (const g of effective.goals) goals[g.id] = state.goalsMet[g.id] === true;
  return {
    events,
    summary: {
      runId,
      seed: options.seed,
      stopReason: state.stopped?.reason ?? 'not-stopped',
      steps: state.steps,
      events: events.length,
      tokensIn: state.tokensIn,
      tokensOut: state.tokensOut,
      cost: state.cost,
      traceHash: kernel.traceHash(),
      goals,
    },
  };
}

function formatCost(cost: number): string {
  return `$${cost < 0.01 ? cost.toFixed(6) : cost.toFixed(4)}`;
}

function humanSummary(file: string, spec: HarnessSpec, s: RunSummary, detail: string, trace: string | undefined): string {
  const goalIds = Object.keys(s.goals);
  const met = goalIds.filter((g) => s.goals[g]).length;
  const lines = [
    `${file}: "${spec.name}", seed ${s.seed}: stopped: ${s.stopReason}${detail ? ` (${detail})` : ''}`,
    `  steps ${s.steps}, events ${s.events}, tokens ${s.tokensIn} in / ${s.tokensOut} out, cost ${formatCost(s.cost)}`,
    `  goals ${met}/${goalIds.length} met${goalIds.length ? `: ${goalIds.map((g) => `${g} ${s.goals[g] ? 'yes' : 'no'}`).join(', ')}` : ''}`,
    `  trace hash ${s.traceHash}${trace ? `, trace written to ${trace}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

interface ParsedRunArgs {
  file: string;
  seed: number;
  maxSteps?: number;
  trace?: string;
  json: boolean;
  approve: 'all' | 'none';
}

function parseInteger(flag: string, raw: string | undefined, min: number, max: number): number | string {
  if (raw === undefined || raw === '' || raw.startsWith('--')) return `${flag} needs a value`;
  if (!/^\d+$/.test(raw)) return `${flag}: expected an integer, found ${JSON.stringify(raw)}`;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) return `${flag}: expected an integer from ${min} to ${max}, found ${raw}`;
  return n;
}

function parseRunArgs(args: readonly string[]): ParsedRunArgs | string {
  let file: string | undefined;
  let seed = 1;
  let maxSteps: number | undefined;
  let trace: string | undefined;
  let json = false;
  let approve: 'all' | 'none' = 'none';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : args[++i]);
    switch (flag) {
      case '--seed': {
        const n = parseInteger('--seed', value(), 0, 0xffff_ffff);
        if (typeof n === 'string') return n;
        seed = n;
        break;
      }
      case '--max-steps': {
        const n = parseInteger('--max-steps', value(), 1, 1_000_000_000);
        if (typeof n === 'string') return n;
        maxSteps = n;
        break;
      }
      case '--trace': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--trace needs a file name';
        trace = v;
        break;
      }
      case '--approve': {
        const v = value();
        if (v !== 'all' && v !== 'none') return `--approve: expected all or none, found ${JSON.stringify(v ?? '')}`;
        approve = v;
        break;
      }
      case '--json':
        if (inline !== undefined) return '--json takes no value';
        json = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
        if (file !== undefined) return `run takes one FILE, found a second: ${arg}`;
        file = arg;
    }
  }
  if (file === undefined) return 'run needs a FILE';
  return { file, seed, json, approve, ...(maxSteps !== undefined ? { maxSteps } : {}), ...(trace !== undefined ? { trace } : {}) };
}

export async function runCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  const parsed = parseRunArgs(args);
  if (typeof parsed === 'string') return usageError(parsed);
  const loaded = loadSpec(parsed.file, io);
  if (!loaded.ok) return loaded.result;
  const { spec } = loaded;
  // A model the CLI has no CPU for would fail every job it runs: refuse before running.
  const cannotRun = checkRunnable(spec, BUILTIN_PROVIDERS);
  if (cannotRun.length > 0) return docError(formatIssues(parsed.file, cannotRun));

  let outcome: RunOutcome;
  try {
    outcome = await runSpec(spec, { seed: parsed.seed, approve: parsed.approve, ...(parsed.maxSteps !== undefined ? { maxSteps: parsed.maxSteps } : {}) });
  } catch (err) {
    // A kernel bug, not a user error: say so plainly, keep the stack for a bug report.
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return { code: 1, stdout: '', stderr: `harness: the kernel failed while running ${parsed.file} (seed ${parsed.seed}); please report this:\n${detail}\n` };
  }
  const { summary, events } = outcome;

  let stderr = '';
  if (parsed.trace !== undefined) {
    try {
      io.writeFile(parsed.trace, toJsonl(events));
    } catch (err) {
      return { code: 2, stdout: '', stderr: `harness: cannot write trace ${parsed.trace}: ${err instanceof Error ? err.message : String(err)}\n` };
    }
  }
  const last = events[events.length - 1];
  const detail = last?.type === 'run.stopped' ? last.detail : '';
  if (summary.stopReason === 'not-stopped') stderr += `harness: the run did not stop within ${EVENT_CAP} events\n`;
  const stdout = parsed.json ? `${JSON.stringify(summary)}\n` : humanSummary(parsed.file, spec, summary, detail, parsed.trace);
  return { code: summary.stopReason === 'completed' ? 0 : 1, stdout, stderr };
}

/** The whole CLI: argv without node and script. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      return usageError('missing command');
    case '-h':
    case '--help':
    case 'help':
      return ok(USAGE);
    case 'validate': {
      if (rest.length !== 1 || rest[0]!.startsWith('--')) return usageError(rest.length === 0 ? 'validate needs a FILE' : `validate takes exactly one FILE, found: ${rest.join(' ')}`);
      return validateCommand(rest[0]!, io);
    }
    case 'run':
      return runCommand(rest, io);
    default:
      return usageError(`unknown command ${JSON.stringify(command)}`);
  }
}
