/**
 * The `harness serve` command: arguments, the document and its CPUs (the sim by default; real
 * models as `harness run` finds them), then the server of a2aServe.ts until Ctrl-C.
 */
import { BUILTIN_PROVIDERS, checkRunnable, type McpPort, type A2aPort } from '../kernel';
import { WALL_CLOCK, createModelCpus } from '../providers';
import { startA2aServer, serveProblem, type A2aServer, type ServeApprove } from './a2aServe';
import { loadSpec, type CliIo, type CliResult } from './commands';
import { cliEndpoints } from './endpoints';
import { argTokens } from './argTokens';
import { loadCliTrust, takeTrustFlag, unanchoredWarning } from './trustStore';
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const SERVE_USAGE = `usage: harness serve FILE [--port N] [--host H] [--agent ID]... [--token-env VAR]
                     [--seed N] [--approve ask|all|none] [--base-url MODEL_ID=URL]... [--allow-origin ORIGIN]...
                     [--max-wall-time S] [--trace-dir DIR] [--trusted-keys FILE]

Serves the harness's agents over A2A 1.0 (JSON-RPC, streaming over SSE) with @a2a-js/sdk's server.
Each served agent has an Agent Card at http://H:N/a2a/AGENT/.well-known/agent-card.json (one line
per agent is printed when ready) and its JSON-RPC endpoint at http://H:N/a2a/AGENT. Each A2A task
is one run of the harness in which the caller is the human: its first message starts the run and
reaches the agent as a message from the human; a run waiting on the human (a message, or an ask to
approve) shows as input-required, and the caller's next message on the task continues it.
  --port N          the port (default: a free one)
  --host H          the address to bind (default 127.0.0.1; another address serves beyond this machine)
  --agent ID        serve only this agent (repeatable; default: every agent of the document)
  --token-env VAR   require Authorization: Bearer <the value of VAR> on every request (the cards
                    declare the scheme and stay readable); the token is never printed
  --seed N          seed of every run (default 1)
  --approve X       permission asks: ask (the caller answers "approve" or "deny", the default),
                    all (approve them) or none (deny them)
  --base-url M=U    send model M's requests to U; keys come from the environment as for harness run
  --allow-origin O  also let pages from origin O call the server (loopback origins always may)
  --max-wall-time S stop a task's run (max-wall-time) when one message keeps it working longer
                    than S seconds of real time (default 600)
  --trace-dir DIR   write each task's trace to DIR/TASK_ID.jsonl when the task ends or the server
                    stops (secrets redacted; open it in the studio or replay it with harness run --replay)
  --trusted-keys F  under policy.requireSigned, only signatures by a key in the trusted-keys file F
                    count (default: the file HARNESS_TRUSTED_KEYS names; harness keys --help)
Stops on Ctrl-C.
`;

interface ServeArgs {
  file: string;
  port: number;
  host: string;
  agents: string[];
  tokenEnv?: string;
  seed: number;
  approve: ServeApprove;
  baseUrls: Record<string, string>;
  allowOrigins: string[];
  maxWallS?: number;
  traceDir?: string;
}

/** Parses the arguments: the options, or what is wrong. */
export function parseServeArgs(args: readonly string[]): ServeArgs | string {
  const out: ServeArgs = { file: '', port: 0, host: '127.0.0.1', agents: [], seed: 1, approve: 'ask', baseUrls: {}, allowOrigins: [] };
  let file: string | undefined;
  for (const { arg, flag, inline, value } of argTokens(args)) {
    switch (flag) {
      case '--port': {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) return `--port needs a port number 0..65535, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.port = Number(v);
        break;
      }
      case '--host': {
        const v = value();
        if (v === undefined || !/^[A-Za-z0-9.:-]+$/.test(v)) return `--host needs an address to bind, e.g. 127.0.0.1, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.host = v;
        break;
      }
      case '--agent': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--agent needs an agent id';
        out.agents.push(v);
        break;
      }
      case '--token-env': {
        const v = value();
        if (v === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return `--token-env needs the name of an environment variable, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.tokenEnv = v;
        break;
      }
      case '--seed': {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v) || Number(v) > 0xffff_ffff) return `--seed: expected an integer from 0 to 4294967295, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.seed = Number(v);
        break;
      }
      case '--approve': {
        const v = value();
        if (v !== 'ask' && v !== 'all' && v !== 'none') return `--approve: expected ask, all or none, found ${JSON.stringify(v ?? '')}`;
        out.approve = v;
        break;
      }
      case '--base-url': {
        const v = value();
        const m = v === undefined ? null : /^([A-Za-z][A-Za-z0-9_.-]*)=(\S+)$/.exec(v);
        if (!m) return `--base-url: expected MODEL_ID=URL, found ${JSON.stringify(v ?? '')}`;
        out.baseUrls[m[1]!] = m[2]!;
        break;
      }
      case '--allow-origin': {
        const v = value();
        if (v === undefined || !/^https?:\/\/[^/\s]+$/.test(v)) return `--allow-origin needs an origin like https://studio.example.com, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.allowOrigins.push(v);
        break;
      }
      case '--max-wall-time': {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 86_400) return `--max-wall-time: expected an integer from 1 to 86400 (seconds), found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
        out.maxWallS = Number(v);
        break;
      }
      case '--trace-dir': {
        const v = value();
        if (v === undefined || v === '' || v.startsWith('--')) return '--trace-dir needs a directory';
        out.traceDir = v;
        break;
      }
      default:
        if (arg.startsWith('-')) return `serve: unknown option ${arg}`;
        if (file !== undefined) return `serve takes one FILE, found a second: ${arg}`;
        file = arg;
    }
  }
  if (file === undefined) return 'serve needs a FILE (a harness document)';
  return { ...out, file };
}

const usageError = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n\n${SERVE_USAGE}` });
const fail = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n` });

/**
 * The command: starts serving, prints each card's URL (one line per agent), and serves until
 * SIGINT or SIGTERM. `print` writes as it happens (stdout in main.ts); `secrets` are never sent.
 */
export async function serveCommand(args: readonly string[], io: CliIo, print: (text: string) => void, secrets: readonly string[] = []): Promise<CliResult> {
  if (args.includes('--help') || args.includes('-h')) return { code: 0, stdout: SERVE_USAGE, stderr: '' };
  const taken = takeTrustFlag(args);
  if (typeof taken === 'string') return usageError(taken);
  const parsed = parseServeArgs(taken.rest);
  if (typeof parsed === 'string') return usageError(parsed);
  const loaded = loadSpec(parsed.file, io);
  if (!loaded.ok) return loaded.result;
  const { spec } = loaded;
  const trusted = loadCliTrust(taken.file, io);
  if (!trusted.ok) return { code: 2, stdout: '', stderr: trusted.message };
  const { trust } = trusted;
  const problem = serveProblem(spec, parsed.agents);
  if (problem !== null) return fail(`${parsed.file}: ${problem}`);
  const env = io.env ?? {};
  let token: string | undefined;
  if (parsed.tokenEnv !== undefined) {
    token = env[parsed.tokenEnv]?.trim();
    if (!token) return fail(`--token-env: the environment variable ${parsed.tokenEnv} is not set (or empty); set it to the bearer token callers must send`);
  }
  const traceDir = parsed.traceDir;
  if (traceDir !== undefined && !isDirectory(traceDir)) return fail(`--trace-dir: ${traceDir} is not a directory (create it first)`);
  const unknownModel = Object.keys(parsed.baseUrls).find((id) => !spec.models.some((m) => m.id === id));
  if (unknownModel !== undefined) return usageError(`--base-url: ${parsed.file} has no model "${unknownModel}"`);
  const ends = cliEndpoints(spec, env, parsed.baseUrls);
  if (!ends.ok) return fail(`${parsed.file}: ${ends.line}`);
  const cpus = createModelCpus(spec, ends.endpoints, {}, io.sleep ? { clock: { now: WALL_CLOCK.now, sleep: io.sleep } } : {});
  const cannotRun = checkRunnable(spec, [...BUILTIN_PROVIDERS, ...Object.keys(cpus)]);
  if (cannotRun.length > 0) return fail(cannotRun.map((i) => `${parsed.file}: ${i.path}: ${i.message}`).join('\nharness: '));
  let mcp: (McpPort & { close?(): Promise<void> }) | undefined;
  if ((spec.mcpServers ?? []).length > 0) {
    const { cliMcpHub, mcpSetupProblems } = await import('./mcpHost');
    const problems = mcpSetupProblems(spec.mcpServers!, env);
    if (problems.length > 0) return fail(problems.map((p) => `${parsed.file}: ${p}`).join('\nharness: '));
    mcp = cliMcpHub(env);
  }
  // Agents of a served harness may delegate to remote agents in turn (a chain of servers).
  let a2a: A2aPort | undefined;
  if ((spec.remoteAgents ?? []).length > 0) {
    const { cliRemoteHub, remoteSetupProblems } = await import('./a2aRemoteHost');
    const problems = remoteSetupProblems(spec.remoteAgents!, env);
    if (problems.length > 0) {
      await mcp?.close?.();
      return fail(problems.map((p) => `${parsed.file}: ${p}`).join('\nharness: '));
    }
    a2a = cliRemoteHub(env);
  }

  let server: A2aServer;
  try {
    server = await startA2aServer(spec, {
      port: parsed.port, host: parsed.host, agents: parsed.agents, seed: parsed.seed, approve: parsed.approve, cpus, secrets, trust,
      allowOrigins: parsed.allowOrigins, ...(parsed.maxWallS !== undefined ? { maxWallMs: parsed.maxWallS * 1000 } : {}),
      ...(traceDir !== undefined ? { writeTrace: (taskId: string, jsonl: string) => writeServedTrace(io, traceDir, taskId, jsonl, print) } : {}), ...(token !== undefined ? { token } : {}), ...(mcp ? { mcp } : {}), ...(a2a ? { a2a } : {}),
    });
  } catch (err) {
    await mcp?.close?.();
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
    const why = code === 'EADDRINUSE' ? 'the port is in use (pick another with --port, or --port 0 for a free one)' : code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : err instanceof Error ? err.message : String(err);
    return fail(`serve cannot listen on ${parsed.host}:${parsed.port}: ${why}`);
  }
  // Said once, when the server is ready (stderr), not per task.
  const warning = unanchoredWarning([spec], trust, parsed.file);
  if (warning) (io.progress ? io.progress.write(warning) : print(warning));
  const lines = server.agents.map((a) => `agent ${a.agent} (${a.name}): ${a.cardUrl}\n`).join('');
  const traces = traceDir !== undefined ? `each task's trace goes to ${join(traceDir, 'TASK_ID.jsonl')} when it ends\n` : '';
  const auth = token !== undefined ? `requests need Authorization: Bearer <the value of ${parsed.tokenEnv}>\n` : '';
  print(`${lines}${auth}${traces}A2A 1.0 over JSON-RPC at ${server.baseUrl}/a2a/AGENT (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await mcp?.close?.();
  return { code: 0, stdout: '', stderr: '' };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Writes one task's trace; the task id (chosen by the caller's SDK) is reduced to a safe file name. */
function servedTraceName(taskId: string): string {
  const safe = taskId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${safe || 'task'}.jsonl`;
}

function writeServedTrace(io: CliIo, dir: string, taskId: string, jsonl: string, print: (text: string) => void): void {
  const file = join(dir, servedTraceName(taskId));
  try {
    io.writeFile(file, jsonl);
    print(`task ${taskId}: trace written to ${file}\n`);
  } catch (err) {
    print(`harness: cannot write the trace of task ${taskId} to ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
