/**
 * Secrets never leave the CLI: every file it writes (a trace) and everything it prints is
 * redacted of the secrets the document declares (spec/secrets.ts) and of the API keys in the
 * environment. The kernel itself runs with the values; redaction is at the boundary.
 */
import { parseHarness, redactSecrets, secretValues } from '../kernel';
import type { CliIo, CliResult } from './commands';
import type { Env } from './endpoints';
import { fetchPost, otlpHeaderSecrets } from './otelPost';

/** API keys the CLI may read from the environment (endpoints.ts): OPENAI_API_KEY, ANTHROPIC_API_KEY, HARNESS_KEY_*. */
function envKeys(env: Env | undefined): string[] {
  if (!env) return [];
  return Object.entries(env)
    .filter(([name, v]) => typeof v === 'string' && (name === 'OPENAI_API_KEY' || name === 'ANTHROPIC_API_KEY' || name.startsWith('HARNESS_KEY_')))
    .map(([, v]) => v as string)
    // Collector headers (run --otlp) hold keys too.
    .concat(otlpHeaderSecrets(env));
}

/** Secrets of every argument that reads as a valid harness document, and the environment's keys. */
export function cliSecrets(args: readonly string[], io: CliIo): string[] {
  const out = new Set<string>(envKeys(io.env));
  for (const arg of args) {
    if (arg.startsWith('-')) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(io.readFile(arg));
    } catch {
      continue;
    }
    const parsed = parseHarness(doc);
    if (parsed.ok) for (const s of secretValues(parsed.spec)) out.add(s);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * Runs a command with every written file and its output redacted of `secrets`, and of the
 * secrets the command learns while it runs (`io.learnSecrets`: a secret MCP tool's results).
 */
export async function redacted(initial: readonly string[], io: CliIo, command: (io: CliIo) => Promise<CliResult>): Promise<CliResult> {
  let secrets = [...initial];
  const writeChunks = io.writeChunks?.bind(io);
  const r = await command({
    ...io,
    writeFile: (path, text) => io.writeFile(path, redactSecrets(text, secrets)),
    // Pieces are whole lines (jsonlChunks): a secret never spans two.
    ...(writeChunks ? { writeChunks: (path: string, chunks: Iterable<string>) => writeChunks(path, mapChunks(chunks, (c) => redactSecrets(c, secrets))) } : {}),
    // What goes to a collector (run --otlp) is redacted like a file; the headers are the collector's own keys.
    post: (url, request) => (io.post ?? fetchPost)(url, { ...request, body: redactSecrets(request.body, secrets) }),
    learnSecrets: (values) => {
      secrets = [...new Set([...secrets, ...values])].sort((a, b) => b.length - a.length);
    },
  });
  return { ...r, stdout: redactSecrets(r.stdout, secrets), stderr: redactSecrets(r.stderr, secrets) };
}

function* mapChunks(chunks: Iterable<string>, f: (chunk: string) => string): Generator<string> {
  for (const c of chunks) yield f(c);
}
