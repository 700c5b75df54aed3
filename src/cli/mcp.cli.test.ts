/**
 * `harness run` with MCP tools against the reference server (@modelcontextprotocol/server-everything)
 * over Streamable HTTP and over stdio: calls recorded, a denied call never reaches the server,
 * a replay makes zero requests, a missing auth variable is refused before the run.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJsonl, type EventOf, type KernelEvent } from '../kernel';
import { runCli, type CliIo } from './commands';
import { EVERYTHING_STDIO, startEverythingHttp, type EverythingHttp } from '../providers/testing/everythingServer';

const EXAMPLE = 'public/examples/mcp-everything.json';
function trace(text: string): KernelEvent[] {
  const r = fromJsonl(text);
  if (!r.ok) throw new Error(r.message);
  return r.events;
}
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

/** An IO over in-memory files: the documents given, and what the run writes. */
function memoryIo(files: Record<string, string>, env: Record<string, string> = {}): CliIo & { files: Record<string, string> } {
  return {
    files,
    env,
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[p]!;
    },
    writeFile: (p, text) => {
      files[p] = text;
    },
  };
}

function exampleWith(edit: (d: Record<string, any>) => void): string {
  const d = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, any>;
  edit(d);
  return JSON.stringify(d);
}

let server: EverythingHttp;
beforeAll(async () => {
  server = await startEverythingHttp();
}, 30_000);
afterAll(() => server?.stop());

describe('harness run with MCP tools (server-everything)', () => {
  it('over Streamable HTTP: get-sum and echo are called and recorded, the password echo is denied before it reaches the server, and a replay makes zero requests', async () => {
    const io = memoryIo({ 'h.json': exampleWith((d) => { d.mcpServers[0].url = server.url; }) });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = trace(io.files['t.jsonl']!);
    const returned = of(events, 'tool.returned');
    expect(returned.map((e) => [e.tool, e.result, e.trust])).toEqual([
      ['mcp__everything__get-sum', 'The sum of 19 and 23 is 42.', 'untrusted'],
      ['mcp__everything__echo', 'Echo: done', 'untrusted'],
    ]);
    expect(returned[0]!.mcp).toEqual({ server: 'everything', tool: 'get-sum' });
    expect(of(events, 'tool.denied')[0]!.decision).toMatchObject({ rule: 'no-passwords-out', scope: 'org' });
    const afterRun = server.requests();
    expect(afterRun).toBeGreaterThan(0);

    const replay = await runCli(['run', 'h.json', '--replay', 't.jsonl', '--json'], io);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout).traceHash).toBe(/trace hash (\w+)/.exec(r.stdout)![1]);
    expect(server.requests()).toBe(afterRun);
  }, 60_000);

  it('a call the deny rule stops: the server sees no request at all', async () => {
    const io = memoryIo({ 'h.json': exampleWith((d) => {
      d.mcpServers[0].url = server.url;
      d.agents[0].behaviour = [d.agents[0].behaviour[0], { op: 'finish', text: 'no' }];
      d.goals = [];
    }) });
    const before = server.requests();
    const r = await runCli(['run', 'h.json', '--json'], io);
    expect(JSON.parse(r.stdout).stopReason).toBe('completed');
    expect(server.requests()).toBe(before);
  }, 60_000);

  it('over stdio: the CLI starts the server as a command, calls it, and stops it', async () => {
    const io = memoryIo({ 'h.json': exampleWith((d) => { d.mcpServers[0] = { id: 'everything', ...EVERYTHING_STDIO }; }) });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    const returned = of(trace(io.files['t.jsonl']!), 'tool.returned');
    expect(returned.map((e) => e.result)).toEqual(['The sum of 19 and 23 is 42.', 'Echo: done']);
  }, 60_000);

  it('an unreachable server: each call fails and says so in the trace; the run goes on', async () => {
    const io = memoryIo({ 'h.json': exampleWith((d) => { d.mcpServers[0].url = 'http://127.0.0.1:9/mcp'; }) });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(1);
    const returned = of(trace(io.files['t.jsonl']!), 'tool.returned');
    expect(returned[0]).toMatchObject({ ok: false, mcp: { server: 'everything', isError: true } });
    expect(returned[0]!.result).toMatch(/Cannot reach MCP server http:\/\/127\.0\.0\.1:9\/mcp/);
  }, 60_000);

  it('an auth variable that is not set is refused before the run; a set one lets the run go on and is never written to the trace', async () => {
    const doc = exampleWith((d) => { d.mcpServers[0].url = server.url; d.mcpServers[0].auth = { env: 'EVERYTHING_TOKEN' }; });
    const missing = await runCli(['run', 'h.json'], memoryIo({ 'h.json': doc }));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('mcpServers "everything": its auth header comes from the environment variable EVERYTHING_TOKEN, which is not set');
    const io = memoryIo({ 'h.json': doc }, { EVERYTHING_TOKEN: 'Bearer s3cret-token' });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    expect(io.files['t.jsonl']).not.toContain('s3cret-token');
  }, 60_000);
});
