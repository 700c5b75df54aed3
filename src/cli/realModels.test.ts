import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';
import { parseHarness, specHash } from '../kernel';
import { WireServer } from '../providers/testing/wireServer';
import { openAiStream } from '../providers/testing/openaiWire';

const KEY = 'sk-planted-cli-key-0123456789abcdef';
const PATH = '/v1/chat/completions';

const DOC = JSON.stringify({
  version: 1, name: 'One real agent',
  models: [{ id: 'm', name: 'M', provider: 'openai', model: 'test-model', tokensPerSecond: 50 }],
  agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Look it up, then answer.', capabilities: [{ target: 'lookup', access: 'use' }] }],
  tools: [{ id: 'lookup', name: 'lookup', args: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] }, impl: { kind: 'sim', result: 'Paris', latencyMs: 10 } }],
  limits: { maxSteps: 20 },
});

function memIo(env: Record<string, string> = {}): CliIo & { files: Record<string, string> } {
  const files: Record<string, string> = { 'doc.json': DOC };
  return {
    files, env,
    // Retries are paced in wall time; the tests do not wait.
    sleep: async () => {},
    readFile(path) {
      const text = files[path] ?? (path.startsWith('public/') ? readFileSync(path, 'utf8') : undefined);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    writeFile(path, text) {
      files[path] = text;
    },
  };
}

const call = (id: string, name: string, args: string) => ({ frames: openAiStream({ toolCalls: [{ id, name, argumentChunks: [args] }], finishReason: 'tool_calls', usage: { prompt: 40, completion: 9 } }) });
const docHash = (): string => {
  const p = parseHarness(DOC);
  if (!p.ok) throw new Error('DOC is invalid');
  return specHash(p.spec);
};
const hashOf = (stdout: string): string => (JSON.parse(stdout) as { traceHash: string }).traceHash;

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

describe('harness run with a real model', () => {
  it('runs against an endpoint; --replay with the server stopped prints the same trace hash; --live-after asks only for later turns; the key appears nowhere', async () => {
    server.script(PATH, call('c1', 'lookup', '{"q":"capital"}'), call('c2', 'finish', '{"text":"Paris"}'));
    const io = memIo({ HARNESS_KEY_M: KEY });
    const live = await runCli(['run', 'doc.json', '--base-url', `m=${server.url}/v1`, '--trace', 'out.jsonl', '--json'], io);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    await server.close();

    // No key and no server: everything comes from the trace.
    const replay = await runCli(['run', 'doc.json', '--replay', 'out.jsonl', '--json'], { ...io, env: {} });
    expect(replay.code).toBe(0);
    expect(hashOf(replay.stdout)).toBe(hashOf(live.stdout));

    server = await WireServer.start();
    server.script(PATH, call('c9', 'finish', '{"text":"Lyon"}'));
    const events = io.files['out.jsonl']!.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string });
    const k = events.find((e) => e.type === 'infer.completed')!.seq;
    const fork = await runCli(['run', 'doc.json', '--replay', 'out.jsonl', '--live-after', String(k), '--base-url', `m=${server.url}/v1`, '--trace', 'fork.jsonl'], io);
    expect(fork.code).toBe(0);
    expect(server.count(PATH)).toBe(1);
    expect(io.files['fork.jsonl']).toContain('"Lyon"');

    for (const text of [live.stdout, live.stderr, replay.stdout, fork.stdout, fork.stderr, io.files['out.jsonl']!, io.files['fork.jsonl']!]) expect(text).not.toContain(KEY);
  });

  it('a 429 then success completes (exit 0), and --replay with the server stopped fails and retries the same way: same trace hash', async () => {
    server.script(PATH, { status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"message":"slow down"}}' }, call('c1', 'finish', '{"text":"Paris"}'));
    const io = memIo({ HARNESS_KEY_M: KEY });
    const live = await runCli(['run', 'doc.json', '--base-url', `m=${server.url}/v1`, '--trace', 'out.jsonl', '--json'], io);
    expect(live.code).toBe(0);
    expect(server.count(PATH)).toBe(2);
    expect(io.files['out.jsonl']).toContain('"type":"infer.failed"');
    expect(io.files['out.jsonl']).toContain('"reason":"rate-limit"');
    await server.close();
    const replay = await runCli(['run', 'doc.json', '--replay', 'out.jsonl', '--json'], { ...io, env: {} });
    expect(replay.code).toBe(0);
    expect(hashOf(replay.stdout)).toBe(hashOf(live.stdout));
    server = await WireServer.start();
  });

    it('a missing key is exit 2 with one line naming the model and what to set', async () => {
    const r = await runCli(['run', 'doc.json'], memIo());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('harness: doc.json: model "m" (openai) has no API key: set OPENAI_API_KEY or HARNESS_KEY_M\n');
  });

  it('a key the endpoint refuses is exit 2 with one line, and the key is not in it', async () => {
    server.script(PATH, { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) });
    const r = await runCli(['run', 'doc.json', '--base-url', `m=${server.url}/v1`], memIo({ OPENAI_API_KEY: KEY }));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('model m');
    expect(r.stderr).not.toContain(KEY);
  });

  it('a replay lacking a turn says so (exit 2) instead of calling the network', async () => {
    const io = memIo();
    io.files['empty.jsonl'] = `${JSON.stringify({ seq: 0, t: 0, run: 'x', type: 'run.started', seed: 1, harness: 'One real agent', specHash: docHash(), agents: ['solo'], models: { m: { slots: 1, tokensPerSecond: 50, quality: 3, priceIn: 0, priceOut: 0 } }, stores: {}, groups: [], sched: {} })}\n`;
    const r = await runCli(['run', 'doc.json', '--replay', 'empty.jsonl'], io);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^harness: --replay empty\.jsonl: agent solo turn 0: the trace holds no recorded answer/);
  });

  it('--replay of a directory is one precise line (exit 2), not a read error about harness documents', async () => {
    const io = memIo();
    const readFile = io.readFile;
    io.readFile = (path) => {
      if (path === 'traces') throw Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: 'EISDIR' });
      return readFile(path);
    };
    const r = await runCli(['run', 'doc.json', '--replay', 'traces'], io);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('harness: --replay traces: is a directory, expected a trace file (JSONL, as written by --trace)\n');
  });

  it('--replay of a trace recorded from another document says so in one line (exit 2), naming both documents', async () => {
    const io = memIo();
    const sim = await runCli(['run', 'public/examples/research-team.json', '--trace', 'other.jsonl'], io);
    expect(sim.code).toBeLessThan(2);
    const r = await runCli(['run', 'doc.json', '--replay', 'other.jsonl'], io);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: --replay other\.jsonl: recorded from another document, "Research team" \(document hash [0-9a-f]{12}\); doc\.json is "One real agent" \(document hash [0-9a-f]{12}\): replay it with the document it was recorded from, or fork it onto this one with --live-after SEQ\n$/);
    // A fork may continue on an edited document, but not on one that lacks the recorded agents.
    const fork = await runCli(['run', 'doc.json', '--replay', 'other.jsonl', '--live-after', '3'], io);
    expect(fork.code).toBe(2);
    expect(fork.stderr).toMatch(/^harness: --replay other\.jsonl: recorded from another document, "Research team" .*, whose agents "[a-z-]+"(, "[a-z-]+")* are not in doc\.json\n$/);
  });

  it('the Real agent example validates offline, and running it with no server says what to configure', async () => {
    expect((await runCli(['validate', 'public/examples/real-agent.json'], memIo())).code).toBe(0);
    const r = await runCli(['run', 'public/examples/real-agent.json', '--base-url', `local=${server.url.replace(/:\d+$/, ':9')}/v1`], memIo());
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('model local: Could not reach');
    expect(r.stderr).toContain('--base-url local=URL');
    expect(r.stderr).toContain('HARNESS_KEY_LOCAL');
  });
});
