/**
 * Secrets (issue #12, item 4): a value the document marks secret, or an API key in the
 * environment, is planted and every output is searched for it — the trace JSONL, the CLI's
 * output (run, run --json, validate); the project export in src/ui/shell/exportSecrets.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../kernel';
import { runCli, type CliIo } from './commands';
import { cliSecrets } from './redact';

const PLANTED = 'sk-live-PLANTED-4242';

function documentWith(secret: boolean): Record<string, any> {
  const doc = JSON.parse(readFileSync('public/examples/injection.json', 'utf8')) as Record<string, any>;
  const vault = doc.tools.find((t: { id: string }) => t.id === 'vault_read');
  vault.impl.result = PLANTED;
  if (secret) vault.secret = true;
  // Defences off: the planted key is mailed out, so it is in call arguments as well as results.
  doc.policy.taint = 'off';
  return doc;
}

function memoryIo(doc: unknown, env: Record<string, string> = {}): CliIo & { files: Map<string, string> } {
  const files = new Map<string, string>([['h.json', JSON.stringify(doc)]]);
  return {
    files, env,
    readFile: (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    writeFile: (path, text) => void files.set(path, text),
  };
}

async function everyOutput(io: ReturnType<typeof memoryIo>): Promise<string> {
  const outputs: string[] = [];
  for (const argv of [['run', 'h.json', '--trace', 'out.jsonl', '--json'], ['run', 'h.json'], ['validate', 'h.json']]) {
    const r = await runCli(argv, io);
    outputs.push(r.stdout, r.stderr);
  }
  outputs.push(io.files.get('out.jsonl')!);
  return outputs.join('\n');
}

describe('secrets are redacted in every output', () => {
  it('unmarked, the planted key is in the trace (so the search below can find it)', async () => {
    expect(await everyOutput(memoryIo(documentWith(false)))).toContain(PLANTED);
  });

  it('marked secret, it is in no trace line, no CLI output and not in the project export', async () => {
    const io = memoryIo(documentWith(true));
    const all = await everyOutput(io);
    expect(all).not.toContain(PLANTED);
    expect(io.files.get('out.jsonl')).toContain(REDACTED);
    // The run itself used the key (redaction is at the boundary): the mail went out with it, redacted in the trace.
    expect(io.files.get('out.jsonl')).toMatch(/"body":"\[secret redacted\]"/);
    // The project export is checked in src/ui/shell/exportSecrets.test.ts (the studio's export).
  });

  it('API keys in the environment are secrets too', () => {
    const io = memoryIo(documentWith(false), { OPENAI_API_KEY: 'sk-env-PLANTED-777', HOME: '/root' });
    expect(cliSecrets(['h.json'], io)).toEqual(['sk-env-PLANTED-777']);
    expect(cliSecrets(['h.json', '--seed', '3'], memoryIo(documentWith(true)))).toEqual([PLANTED]);
  });
});
