/**
 * The CLI's commands as plain functions: argv in, `{ code, stdout, stderr }` out, files through
 * a small IO port. main.ts wires them to the process; the tests call them directly.
 *
 * Exit codes: 0 success (validate: the document is valid; run: stopped with reason
 * `completed`), 1 the run stopped for any other reason, 2 a bad document or bad arguments
 * (for run: also a model the CLI cannot run: no key or endpoint for it, or an endpoint that fails;
 * and a --replay trace that cannot be read or lacks a turn it needs).
 */
import { traceFileEvents, A2aNotRecordedError, RecordedA2a, type A2aPort, BUILTIN_PROVIDERS, Kernel, McpNotRecordedError, secretResults, secretToolIds, NotRecordedError, RecordedCpu, RecordedMcp, type McpPort, SETUP_FAILURES, asRunId, checkRunnable, fromJsonl, loadEncodingsFor, parseHarness, runToStop, cliAnswers, UNATTENDED_EVENT_CAP, specHash, toJsonl, jsonlChunks, type BlockCodec, type Cpu, type SpillOptions, type HarnessSpec, type KernelEvent, type SpecIssue } from '../kernel';
import { WALL_CLOCK, createModelCpus } from '../providers';
import { cliEndpoints, modelKeyVar, type Env } from './endpoints';
import type { Post } from './otelPost';
import { argTokens } from './argTokens';
import { loadCliTrust, takeTrustFlag, unanchoredWarning, verifiedSignatures, type CliTrust } from './trustStore';

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
  /** Writes a file piece by piece as the pieces come (a long trace); without it, writeFile gets them joined. */
  writeChunks?(path: string, chunks: Iterable<string>): void;
  /** `experiment --out`: appends to a file as each run finishes (so `--resume` can go on); without it the file is written at the end. */
  appendFile?(path: string, text: string): void;
  /** The environment (API keys); none when unset. */
  env?: Env;
  /** Waits before a model call is retried (wall time; tests pass one that does not wait). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** `experiment`: a module that serves experiment jobs when loaded in a worker thread (main.ts: its own bundle); none: runs stay in this thread. */
  workerEntry?: string | URL;
  /** `experiment`: the default worker count (the machine's cores). */
  cores?: number;
  /** Live progress of long commands (stderr): `tty` redraws a bar in place, otherwise plain lines. */
  progress?: { tty: boolean; write(text: string): void };
  /** `run`: how the run's old events are kept once it is long (main.ts: node:zlib); default their JSON. */
  spillCodec?: BlockCodec;
  /** `run --otlp`: POSTs a request body (tests pass a stand-in); default the global fetch (otelPost.ts). */
  post?: Post;
  /** Wall clock in ms (`run --otlp` places the run's virtual time from its start); default Date.now. */
  now?: () => number;
  /** Secrets the run found (a secret MCP tool's results, trust/secretResults.ts): redacted from all output from now on (redact.ts). */
  learnSecrets?(values: readonly string[]): void;
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
  harness inject-suite DIR [--seeds N] [--endpoint URL --model NAME [--wire openai|anthropic] [--key-env VAR]]
  harness experiment EXP.json [--workers N | --queue URL] [--json] [--out RESULTS.jsonl [--resume]] [--shard I/N]
  harness merge RESULTS.jsonl... [--json] [--out MERGED.jsonl]
  harness worker --queue redis://HOST:PORT [--concurrency N] [--stalled-ms MS] [--name NAME]
  harness mcp-proxy [--port N] [--allow-origin ORIGIN]... -- COMMAND [ARGS...]
  harness serve FILE [--port N] [--host H] [--agent ID]... [--token-env VAR] [--approve ask|all|none]
                     [--max-wall-time S] [--trace-dir DIR]
  harness attest FILE TRACE.jsonl [--artifact NAME]... [--out OUT.jsonl]
  harness keys list | add KEY [--label NAME] | remove THUMBPRINT [--trusted-keys FILE]
  harness run FILE [--seed N] [--max-steps K] [--max-wall-time S] [--approve all|none] [--trace OUT.jsonl] [--json]
                   [--base-url MODEL_ID=URL]... [--replay TRACE.jsonl [--live-after SEQ]] [--otlp URL]
                   [--trusted-keys FILE]

  validate   check a harness document; prints OK, or every issue as FILE: path: message
  inject-suite  score the attack harnesses DIR/suite.json lists under each defence
             (none, rules, taint, execute-only, all): attack success and utility, then one JSON line
    --endpoint URL  run every harness's models on this endpoint instead of their own CPUs
    --model NAME    the endpoint's model name (with --endpoint)
    --wire W        openai (chat completions, the default) or anthropic (messages)
    --key-env VAR   read the endpoint's key from the environment variable VAR (default:
                    OPENAI_API_KEY / ANTHROPIC_API_KEY; an openai endpoint may need none)
  experiment run an experiment file's variants × seeds × inputs on worker threads; report pass
             rates with intervals and paired comparisons (harness experiment --help)
  mcp-proxy  serve a local stdio MCP server over Streamable HTTP on 127.0.0.1 with CORS for the
             studio (harness mcp-proxy --help)
  serve      serve the harness's agents over A2A (Agent Cards, JSON-RPC, streaming) on 127.0.0.1;
             each task is a run with the caller as the human (harness serve --help)
  attest     the provenance of what a recorded run wrote: one in-toto statement per artifact
             (harness attest --help)
  keys       list, add or remove the trusted signer keys of a trusted-keys file, by their SHA-256
             thumbprints (harness keys --help)
  merge      join the results files of an experiment's shards into its report
  worker     take experiment runs from a BullMQ queue (experiment --queue URL), run them, return
             compact results (harness worker --help)
  run        run the harness headless on its own CPUs (the sim CPU runs offline)
    --seed N        seed for the run (an integer 0..4294967295, default 1)
    --max-steps K   override the document's limits.maxSteps
    --max-wall-time S  stop the run (max-wall-time) after S seconds of real time (default 600)
    --approve X     answer permission asks: all (approve) or none (deny, the default)
    --trace FILE    write the trace as JSONL, one event per line
    --json          print exactly one JSON object with the run's figures
    --base-url M=U  send model M's requests to U (e.g. http://127.0.0.1:11434/v1 for Ollama)
    --replay T      re-run the recorded trace T with no network (its seed; same trace hash)
    --live-after S  with --replay: replay up to event S, then continue live (a fork)
    --otlp URL      send the run to an OpenTelemetry collector as OTLP/HTTP JSON (GenAI spans):
                    URL/v1/traces, or URL as is when it ends in /v1/traces; headers (keys) from
                    OTEL_EXPORTER_OTLP_TRACES_HEADERS or OTEL_EXPORTER_OTLP_HEADERS (k=v,k2=v2)
    --trusted-keys F  the trusted signer keys (a trusted-keys file, as the studio's Trusted keys
                    exports): under policy.requireSigned, a document signed by a key outside F is
                    refused, as in the studio

signed documents: run, serve, experiment, worker and inject-suite anchor signatures in the
  trusted-keys file --trusted-keys FILE or HARNESS_TRUSTED_KEYS names; without one, a document
  that requires signed agents is checked against any valid signature, and a warning says so.

real models: keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY, or HARNESS_KEY_<MODEL_ID>
  (the model id upper-cased, other characters as _) for one model; an openai-compatible model
  needs a baseUrl (document or --base-url) and no key.

exit codes: 0 ok / run completed with every goal met (or stopped by a goal marked stop,
              every goal met), 1 run stopped otherwise,
            2 bad document or bad arguments (run: also a model the CLI cannot run:
              no key or endpoint for it, or its endpoint fails; a trace --replay cannot use;
              a collector --otlp cannot reach or that refuses the export)
`;

/** A safety net far beyond any limit a document sets, so a kernel bug cannot hang the CLI. */
const EVENT_CAP = UNATTENDED_EVENT_CAP;

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
  /** CPUs of the real models (ModelCpu, RecordedCpu), by provider name. */
  cpus?: Record<string, Cpu>;
  /** Continue a recorded run after event `seq` (its turns up to there come from the record). */
  fork?: { events: readonly KernelEvent[]; seq: number };
  /** Wall-clock ceiling in ms (default DEFAULT_MAX_WALL_S): past it the run stops with `max-wall-time`. */
  maxWallMs?: number;
  /** The wall clock in ms (tests give a fake one). */
  now?: () => number;
  /** Keep old events as blocks (KernelOptions.spill): a long run's memory stays small. */
  spill?: SpillOptions;
  /** The MCP client the run's MCP tools call through (KernelOptions.mcp). */
  mcp?: McpPort;
  /** The A2A client messages to remote agents go through (KernelOptions.a2a). */
  a2a?: A2aPort;
  /** The trusted signer keys (trustStore.ts): under requireSigned only their signatures count; none: any valid signature does. */
  trust?: CliTrust | null;
}

/** The CLI's default wall-clock ceiling for one run, in seconds (`--max-wall-time`). */
export const DEFAULT_MAX_WALL_S = 600;

export interface RunOutcome {
  summary: RunSummary;
  events: readonly KernelEvent[];
}

/** Runs a parsed document to its stop (async: a networked CPU may answer later). */
export async function runSpec(spec: HarnessSpec, options: RunOptions): Promise<RunOutcome> {
  const effective: HarnessSpec = options.maxSteps === undefined ? spec : { ...spec, limits: { ...spec.limits, maxSteps: options.maxSteps } };
  const runId = options.runId ?? `cli-${options.seed}`;
  await loadEncodingsFor(effective);
  // Signatures in the file are checked with WebCrypto (Node has it), against the trust store, before the kernel sees the digests.
  const signatures = await verifiedSignatures(effective, options.trust);
  const base = { runId: asRunId(runId), seed: options.seed, ...(options.cpus ? { cpus: options.cpus } : {}), ...(signatures ? { signatures } : {}), ...(options.spill ? { spill: options.spill } : {}), ...(options.mcp ? { mcp: options.mcp } : {}), ...(options.a2a ? { a2a: options.a2a } : {}) };
  const fork = options.fork;
  const kernel = fork ? Kernel.fork(fork.events, effective, { ...base, parent: { run: fork.events[0]!.run, seq: fork.seq } }) : Kernel.create(effective, base);
  let budget = EVENT_CAP;
  const now = options.now ?? Date.now;
  const maxWallMs = options.maxWallMs ?? DEFAULT_MAX_WALL_S * 1000;
  const deadline = now() + maxWallMs;
  let sinceCheck = 0;
  // The clock is read every 256 events, so checking costs nothing measurable.
  const pastDeadline = (): boolean => ++sinceCheck % 256 === 0 && now() > deadline;
  const answers = cliAnswers(options.approve === 'all' ? 'all' : 'none');
  for (;;) {
    const r = await runToStop(kernel, { ...answers, maxEvents: budget, shouldPause: pastDeadline });
    budget -= r.events;
    if (r.reason !== 'paused') break;
    kernel.submit({ kind: 'stop', ceiling: 'max-wall-time', detail: `the run took more than ${maxWallMs / 1000} s of wall-clock time, its ceiling (--max-wall-time); ${kernel.state.steps} agent turns so far` });
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
  baseUrls: Record<string, string>;
  replay?: string;
  liveAfter?: number;
  seed: number;
  maxSteps?: number;
  maxWallS?: number;
  trace?: string;
  otlp?: string;
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
  let maxWallS: number | undefined;
  let trace: string | undefined;
  let json = false;
  let approve: 'all' | 'none' = 'none';
  const baseUrls: Record<string, string> = {};
  let replay: string | undefined;
  let liveAfter: number | undefined;
  let otlp: string | undefined;
  for (const { arg, flag, inline, value } of argTokens(args)) {
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
      case '--max-wall-time': {
        const n = parseInteger('--max-wall-time', value(), 1, 86_400);
        if (typeof n === 'string') return n;
        maxWallS = n;
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
      case '--base-url': {
        const v = value();
        const m = v === undefined ? null : /^([A-Za-z][A-Za-z0-9_.-]*)=(\S+)$/.exec(v);
        if (!m) return `--base-url: expected MODEL_ID=URL, found ${JSON.stringify(v ?? '')}`;
        baseUrls[m[1]!] = m[2]!;
        break;
      }
      case '--replay': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--replay needs a trace file (JSONL)';
        replay = v;
        break;
      }
      case '--live-after': {
        const n = parseInteger('--live-after', value(), 0, Number.MAX_SAFE_INTEGER);
        if (typeof n === 'string') return n;
        liveAfter = n;
        break;
      }
      case '--otlp': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--otlp needs a collector URL, e.g. http://127.0.0.1:4318';
        otlp = v;
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
  if (liveAfter !== undefined && replay === undefined) return '--live-after needs --replay TRACE.jsonl';
  return { file, seed, json, approve, baseUrls, ...(replay !== undefined ? { replay } : {}), ...(liveAfter !== undefined ? { liveAfter } : {}), ...(maxSteps !== undefined ? { maxSteps } : {}), ...(maxWallS !== undefined ? { maxWallS } : {}), ...(trace !== undefined ? { trace } : {}), ...(otlp !== undefined ? { otlp } : {}) };
}

export async function runCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  const taken = takeTrustFlag(args);
  if (typeof taken === 'string') return usageError(taken);
  const parsed = parseRunArgs(taken.rest);
  if (typeof parsed === 'string') return usageError(parsed);
  const loaded = loadSpec(parsed.file, io);
  if (!loaded.ok) return loaded.result;
  const { spec } = loaded;
  const trusted = loadCliTrust(taken.file, io);
  if (!trusted.ok) return docError(trusted.message);
  const { trust } = trusted;
  const unknownModel = Object.keys(parsed.baseUrls).find((id) => !spec.models.some((m) => m.id === id));
  if (unknownModel !== undefined) return usageError(`--base-url: ${parsed.file} has no model "${unknownModel}"`);

  // A replay reads its seed and every recorded answer from the trace.
  let recorded: { events: KernelEvent[]; seed: number; run: string } | undefined;
  if (parsed.replay !== undefined) {
    const r = readTrace(parsed.replay, io);
    if (typeof r === 'string') return docError(`harness: --replay ${r}\n`);
    const foreign = traceMismatch(r, spec, parsed.file, parsed.replay, parsed.liveAfter !== undefined);
    if (foreign) return docError(`harness: --replay ${foreign}\n`);
    if (parsed.liveAfter !== undefined && parsed.liveAfter >= r.events.length) {
      return usageError(`--live-after: ${parsed.replay} has events 0..${r.events.length - 1}, found ${parsed.liveAfter}`);
    }
    recorded = r;
  }
  const offline = recorded !== undefined && parsed.liveAfter === undefined;
  let cpus: Record<string, Cpu> = {};
  if (offline) {
    for (const provider of new Set(spec.models.map((m) => m.provider).filter((p) => p !== 'sim'))) cpus[provider] = RecordedCpu.fromTrace(provider, recorded!.events);
  } else {
    const ends = cliEndpoints(spec, io.env ?? {}, parsed.baseUrls);
    if (!ends.ok) return docError(`harness: ${parsed.file}: ${ends.line}\n`);
    cpus = createModelCpus(spec, ends.endpoints, {}, io.sleep ? { clock: { now: WALL_CLOCK.now, sleep: io.sleep } } : {});
  }
  // MCP tools: answered from the trace on a replay (no server is called), else through the CLI's client.
  const servers = spec.mcpServers ?? [];
  let mcp: (McpPort & { close?(): Promise<void> }) | undefined;
  if (servers.length > 0) {
    if (offline) mcp = RecordedMcp.fromTrace(recorded!.events);
    else {
      const { cliMcpHub, mcpSetupProblems } = await import('./mcpHost');
      const problems = mcpSetupProblems(servers, io.env ?? {});
      if (problems.length > 0) return docError(problems.map((p) => `harness: ${parsed.file}: ${p}\n`).join(''));
      mcp = cliMcpHub(io.env ?? {});
    }
  }
  // Remote agents: answered from the trace on a replay (no request is sent), else through the CLI's A2A client.
  const remotes = spec.remoteAgents ?? [];
  let a2a: A2aPort | undefined;
  if (remotes.length > 0) {
    if (offline) a2a = RecordedA2a.fromTrace(recorded!.events);
    else {
      const { cliRemoteHub, remoteSetupProblems } = await import('./a2aRemoteHost');
      const problems = remoteSetupProblems(remotes, io.env ?? {});
      if (problems.length > 0) return docError(problems.map((p) => `harness: ${parsed.file}: ${p}\n`).join(''));
      a2a = cliRemoteHub(io.env ?? {});
    }
  }
  // A model the CLI has no CPU for would fail every job it runs: refuse before running.
  const cannotRun = checkRunnable(spec, [...BUILTIN_PROVIDERS, ...Object.keys(cpus)]);
  if (cannotRun.length > 0) return docError(formatIssues(parsed.file, cannotRun));
  const seed = recorded?.seed ?? parsed.seed;

  let outcome: RunOutcome;
  const startUnixMs = (io.now ?? Date.now)();
  try {
    outcome = await runSpec(spec, {
      seed, approve: parsed.approve, cpus, trust, ...(mcp ? { mcp } : {}), ...(a2a ? { a2a } : {}), ...(parsed.maxSteps !== undefined ? { maxSteps: parsed.maxSteps } : {}),
      // Old events go to blocks once the run is long (nothing spills in the first 4,352 events).
      spill: io.spillCodec ? { codec: io.spillCodec } : {},
      ...(parsed.maxWallS !== undefined ? { maxWallMs: parsed.maxWallS * 1000 } : {}),
      ...(recorded && offline ? { runId: recorded.run } : {}),
      ...(recorded && parsed.liveAfter !== undefined ? { fork: { events: recorded.events, seq: parsed.liveAfter }, runId: `${recorded.run}-live-after-${parsed.liveAfter}` } : {}),
    });
  } catch (err) {
    if (err instanceof NotRecordedError || err instanceof McpNotRecordedError || err instanceof A2aNotRecordedError) return docError(`harness: --replay ${parsed.replay}: ${err.message} (add --live-after SEQ to continue live)\n`);
    return internalError(`the kernel failed while running ${parsed.file} (seed ${parsed.seed})`, err, io.env);
  } finally {
    // Stdio servers the run started stop with it.
    await mcp?.close?.();
  }
  const { summary, events } = outcome;
  // What a secret MCP tool answered is a secret too: redacted from the trace, the output and OTLP.
  io.learnSecrets?.(secretResults(events, secretToolIds(spec)));

  let stderr = unanchoredWarning([spec], trust, parsed.file);
  if (parsed.trace !== undefined) {
    try {
      // The document's allocator classes may keep objects out of a file (kernel/alloc, path file): as the studio's download.
      const out = traceFileEvents(spec, events);
      if (io.writeChunks) io.writeChunks(parsed.trace, jsonlChunks(out));
      else io.writeFile(parsed.trace, toJsonl(out));
    } catch (err) {
      return { code: 2, stdout: '', stderr: `harness: cannot write trace ${parsed.trace}: ${err instanceof Error ? err.message : String(err)}\n` };
    }
  }
  // A job failed because its endpoint could not be used (unreachable, refused the key, …): one line naming the model and the fix.
  const setup = setupFailure(events);
  if (setup) {
    const model = spec.models.find((m) => m.id === setup.model);
    const keys = model?.provider === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
    const fix = `point it elsewhere with --base-url ${setup.model}=URL; a key goes in ${keys} or ${modelKeyVar(setup.model)}`;
    return { code: 2, stdout: '', stderr: `${stderr}harness: ${parsed.file}: ${oneLine(`model ${setup.model}: ${setup.failure.message}`)} (${fix})\n` };
  }
  const last = events[events.length - 1];
  const detail = last?.type === 'run.stopped' ? last.detail : '';
  if (summary.stopReason === 'not-stopped') stderr += `harness: the run did not stop within ${EVENT_CAP} events\n`;
  let sent = '';
  if (parsed.otlp !== undefined) {
    const { fetchPost, sendOtlp } = await import('./otelPost');
    const r = await sendOtlp(events, spec, parsed.otlp, { env: io.env ?? {}, post: io.post ?? fetchPost, startUnixMs });
    if ('error' in r) return { code: 2, stdout: '', stderr: `${stderr}harness: ${r.error}\n` };
    if (r.warning) stderr += `harness: --otlp ${r.url}: ${r.warning}\n`;
    sent = `  OTLP: ${r.spans} spans sent to ${r.url}\n`;
  }
  const stdout = parsed.json ? `${JSON.stringify(summary)}\n` : humanSummary(parsed.file, spec, summary, detail, parsed.trace) + sent;
  // A goal that stops the run (semantic termination) is a success when every goal is met by then.
  const succeeded = summary.stopReason === 'completed' || (summary.stopReason === 'goal-reached' && Object.values(summary.goals).every(Boolean));
  return { code: succeeded ? 0 : 1, stdout, stderr };
}

/** The first model failure that failed a job and that a setting fixes (auth, unreachable, CORS, …), if any. */
export function setupFailure(events: readonly KernelEvent[]): Extract<KernelEvent, { type: 'infer.failed' }> | undefined {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type === 'infer.failed' && e.retry === null && SETUP_FAILURES.has(e.failure.kind)) return e;
  }
  return undefined;
}

/**
 * A bug, not a user error: one line saying so and what failed, exit 1; the stack only when
 * HARNESS_DEBUG is set (a user never sees a raw stack, a bug report can have one).
 */
function internalError(what: string, err: unknown, env: Env | undefined): CliResult {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const stack = env?.HARNESS_DEBUG && err instanceof Error && err.stack ? `${err.stack}\n` : '';
  return { code: 1, stdout: '', stderr: `harness: internal error: ${what}: ${oneLine(message)} (please report it with the document; HARNESS_DEBUG=1 prints the stack)\n${stack}` };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

interface RecordedTrace {
  events: KernelEvent[];
  seed: number;
  run: string;
  harness: string;
  specHash: string;
  agents: readonly string[];
}

/** A recorded trace: its events, the seed, run id and document it was recorded with; or what is wrong with it. */
export function readTrace(file: string, io: CliIo): RecordedTrace | string {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    // Not describeIoError: that one speaks of harness documents, and this is a trace.
    if (errorCode(err) === 'EISDIR') return `${file}: is a directory, expected a trace file (JSONL, as written by --trace)`;
    return describeIoError(file, err);
  }
  const parsed = fromJsonl(text);
  if (!parsed.ok) return `${file}:${parsed.line}: ${parsed.message}`;
  const first = parsed.events[0];
  if (!first || first.type !== 'run.started') return `${file}: not a trace: the first event must be run.started`;
  return { events: parsed.events, seed: first.seed, run: first.run, harness: first.harness, specHash: first.specHash, agents: first.agents };
}

/**
 * Why a trace cannot be replayed against this document, or null. A pure replay needs the very
 * document it recorded (any edit changes what the kernel does, so the hash could not match); a
 * fork (--live-after) may continue on an edited document, but not on one without the agents the
 * trace recorded.
 */
export function traceMismatch(t: RecordedTrace, spec: HarnessSpec, file: string, trace: string, fork: boolean): string | null {
  const recordedFrom = `"${t.harness}" (document hash ${t.specHash.slice(0, 12) || 'none'})`;
  if (!fork) {
    if (t.specHash === specHash(spec)) return null;
    return `${trace}: recorded from another document, ${recordedFrom}; ${file} is "${spec.name}" (document hash ${specHash(spec).slice(0, 12)}): replay it with the document it was recorded from, or fork it onto this one with --live-after SEQ`;
  }
  const missing = t.agents.filter((a) => !spec.agents.some((x) => x.id === a));
  if (missing.length === 0) return null;
  return `${trace}: recorded from another document, ${recordedFrom}, whose agent${missing.length === 1 ? '' : 's'} ${missing.map((a) => `"${a}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${file}`;
}

/** The whole CLI: argv without node and script. Never throws: a bug is one line (see internalError). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    return internalError(`harness ${argv[0] ?? ''} failed`, err, io.env);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<CliResult> {
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
    case 'run': {
      // Declared secrets and environment keys never reach a trace file or the terminal.
      const { cliSecrets, redacted } = await import('./redact');
      return redacted(cliSecrets(rest, io), io, (safe) => runCommand(rest, safe));
    }
    case 'inject-suite':
      return (await import('./injectSuite')).injectSuiteCommand(rest, io);
    case 'experiment': {
      const { experimentCommand, EXPERIMENT_USAGE } = await import('./experiment');
      return rest.includes('--help') || rest.includes('-h') ? ok(EXPERIMENT_USAGE) : experimentCommand(rest, io);
    }
    case 'merge':
      return (await import('./experiment')).mergeCommand(rest, io);
    case 'mcp-proxy': {
      const { mcpProxyCommand } = await import('./mcpProxy');
      return mcpProxyCommand(rest, (line) => void process.stdout.write(line));
    }
    case 'serve': {
      const [{ serveCommand }, { cliSecrets }] = await Promise.all([import('./a2aServeCommand'), import('./redact')]);
      return serveCommand(rest, io, (text) => void process.stdout.write(text), cliSecrets(rest, io));
    }
    case 'attest':
      return (await import('./attest')).attestCommand(rest, io);
    case 'keys':
      return (await import('./keysCommand')).keysCommand(rest, io);
    case 'worker': {
      const { workerCommand, WORKER_USAGE } = await import('./worker');
      return rest.includes('--help') || rest.includes('-h') ? ok(WORKER_USAGE) : workerCommand(rest, io);
    }
    default:
      return usageError(`unknown command ${JSON.stringify(command)}`);
  }
}
