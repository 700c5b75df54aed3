/**
 * A tool marked `secret` whose impl is `mcp`: what the server returned is known only once the
 * call returned, so the CLI learns it from the run (trust/secretResults.ts) and redacts it from
 * the trace file and the output like the document's own secrets.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../kernel';
import { runCli, type CliIo } from './commands';
import { startEverythingHttp, type EverythingHttp } from '../providers/testing/everythingServer';

const SUM = 'The sum of 19 and 23 is 42.';

function memoryIo(files: Record<string, string>): CliIo & { files: Record<string, string> } {
  return {
    files,
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[p]!;
    },
    writeFile: (p, text) => {
      files[p] = text;
    },
  };
}

function example(url: string, secret: boolean): string {
  const d = JSON.parse(readFileSync('public/examples/mcp-everything.json', 'utf8')) as Record<string, any>;
  d.mcpServers[0].url = url;
  d.tools.find((t: { id: string }) => t.id === 'mcp__everything__get-sum').secret = secret;
  return JSON.stringify(d);
}

let server: EverythingHttp;
beforeAll(async () => {
  server = await startEverythingHttp();
}, 30_000);
afterAll(() => server?.stop());

describe('a secret MCP tool', () => {
  it('has its result redacted from the trace and the output, wherever the run repeats it (the artifact written from it)', async () => {
    const io = memoryIo({ 'h.json': example(server.url, true) });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    const trace = io.files['t.jsonl']!;
    expect(trace).not.toContain(SUM);
    const returned = trace.split('\n').filter((l) => l.includes('"tool.returned"') && l.includes('get-sum'));
    expect(returned).toHaveLength(1);
    expect(JSON.parse(returned[0]!).result).toBe(REDACTED);
    expect(trace).toContain(`"type":"artifact.written"`);
    expect(r.stdout + r.stderr).not.toContain(SUM);
  }, 60_000);

  it('not marked secret, its result stays in the trace', async () => {
    const io = memoryIo({ 'h.json': example(server.url, false) });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    expect(io.files['t.jsonl']).toContain(SUM);
  }, 60_000);
});
