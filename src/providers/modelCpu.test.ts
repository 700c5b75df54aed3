import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, countTokens, loadEncodingsFor, parseHarness, toJsonl, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus, type ModelDelta } from './modelCpu';
import { WireServer } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';
import { anthropicStream } from './testing/anthropicWire';

const KEY = 'sk-planted-key-do-not-leak-0123456789';
const OPENAI = '/v1/chat/completions';
const ANTHROPIC = '/v1/messages';

function spec(provider: 'openai-compatible' | 'anthropic'): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'One real agent',
    models: [{ id: 'm', name: 'M', provider, model: 'test-model', tokensPerSecond: 50 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'You look things up and answer.', capabilities: [{ target: 'lookup', access: 'use' }] }],
    tools: [{ id: 'lookup', name: 'lookup', description: 'Look a fact up', args: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false }, impl: { kind: 'sim', result: 'Paris', latencyMs: 10 } }],
    limits: { maxSteps: 20 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

const call = (id: string, name: string, ...args: string[]) => ({ frames: openAiStream({ toolCalls: [{ id, name, argumentChunks: args }], finishReason: 'tool_calls', usage: { prompt: 40, completion: 9 } }) });

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

async function run(s: HarnessSpec, baseUrl: string, wire: 'openai' | 'anthropic' = 'openai'): Promise<Kernel> {
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire, baseUrl, apiKey: KEY } }) });
  await k.runUntil({ maxEvents: 10_000 });
  return k;
}

const completions = (events: readonly KernelEvent[]) => events.filter((e): e is Extract<KernelEvent, { type: 'infer.completed' }> => e.type === 'infer.completed');

describe('a real model drives an agent (OpenAI-compatible wire)', () => {
  it('calls a tool through the syscall gate, then finishes; every response is recorded', async () => {
    server.script(OPENAI, call('c1', 'lookup', '{"q":', '"capital"}'), call('c2', 'finish', '{"text":"Paris"}'));
    const k = await run(spec('openai-compatible'), `${server.url}/v1`);
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count(OPENAI)).toBe(2);
    const types = k.events.map((e) => e.type);
    expect(types).toContain('tool.allowed');
    expect(k.events.find((e) => e.type === 'tool.returned')).toMatchObject({ tool: 'lookup', result: 'Paris' });
    expect(k.events.find((e) => e.type === 'agent.finished')).toMatchObject({ text: 'Paris' });
    const [first, second] = completions(k.events);
    expect(first).toMatchObject({ action: { kind: 'call', tool: 'lookup', args: { q: 'capital' } }, tokensOut: 9, record: { provider: 'openai-compatible', reported: { tokensIn: 40, tokensOut: 9 }, response: { model: 'gpt-test-2026-01-01', finishReason: 'tool-calls' } } });
    expect(second!.action).toEqual({ kind: 'finish', text: 'Paris' });
    // Slices run on the tokenizer's counts (the window in; the streamed arguments out); the reported usage replaces them when the answer completes.
    const started = k.events.find((e): e is Extract<KernelEvent, { type: 'infer.started' }> => e.type === 'infer.started')!;
    expect(started).toMatchObject({ total: countTokens('{"q":"capital"}', 'o200k_base'), done: 0 });
    expect(first).toMatchObject({ tokensIn: 40 });
    expect(first!.slice.tokensIn + first!.correction!.tokensIn).toBe(40);
    expect(first!.slice.tokensOut + first!.correction!.tokensOut).toBe(9);
    // Both turns reported 40 in and 9 out: that is what the run was charged.
    expect([k.state.tokensIn, k.state.tokensOut]).toEqual([80, 18]);
    // The model was offered its tool, its own history's search (every agent has recall) and the kernel operations, with the system prompt; then saw the tool's result.
    const body = server.requests[0]!.body as { messages: { role: string; content: unknown }[]; tools: { function: { name: string } }[] };
    expect(body.tools.map((t) => t.function.name)).toEqual(['lookup', 'conversation_search', 'receive_message', 'write_artifact', 'read_reference', 'finish']);
    expect(JSON.stringify(body.messages[0])).toContain('You look things up');
    expect(JSON.stringify(server.requests[1]!.body)).toContain('Paris');
    expect(toJsonl(k.events)).not.toContain(KEY);
  });

  it('records a malformed call as a typed error the model sees and corrects on its next turn', async () => {
    server.script(OPENAI, call('c1', 'lookup', '{"q":'), call('c2', 'lookup', '{"q":"capital"}'), call('c3', 'finish', '{"text":"Paris"}'));
    const k = await run(spec('openai-compatible'), `${server.url}/v1`);
    expect(k.state.stopped?.reason).toBe('completed');
    const [bad, fixed] = completions(k.events);
    expect(bad).toMatchObject({ action: { kind: 'think' }, callError: { code: 'invalid-json', name: 'lookup' } });
    expect(fixed!.action).toMatchObject({ kind: 'call', tool: 'lookup' });
    expect(JSON.stringify(server.requests[1]!.body)).toContain('invalid-json');
  });

  it('a plain-text reply is think: the text enters the window, the turn ends, and a model that only repeats itself is stopped as livelocked', async () => {
    const same = { frames: openAiStream({ text: ['Let me think about it.'], finishReason: 'stop', usage: { prompt: 20, completion: 5 } }) };
    server.script(OPENAI, same, same, same, same, same, same);
    const k = await run(spec('openai-compatible'), `${server.url}/v1`);
    const [first] = completions(k.events);
    expect(first).toMatchObject({ action: { kind: 'think' }, text: 'Let me think about it.' });
    expect(k.state.stopped?.reason).toBe('livelock');
    expect(server.count(OPENAI)).toBe(3);
  });

  it('replays with the server stopped (same trace hash), and a fork after event k asks the server only for later turns', async () => {
    server.script(OPENAI, call('c1', 'lookup', '{"q":"capital"}'), call('c2', 'finish', '{"text":"Paris"}'));
    const s = spec('openai-compatible');
    const live = await run(s, `${server.url}/v1`);
    await server.close();
    const replay = Kernel.create(s, { runId: 'r1', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', live.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(live.traceHash());

    server = await WireServer.start();
    server.script('/v1/chat/completions', call('c9', 'finish', '{"text":"Lyon"}'));
    // Fork right after the first answer completed: turn 0 is recorded, turn 1 goes live.
    const k = completions(live.events)[0]!.seq;
    const fork = Kernel.fork(live.events, s, { runId: 'f1', seed: 1, parent: { run: 'r1', seq: k }, cpus: createModelCpus(s, { m: { wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY } }) });
    await fork.runUntil({ maxEvents: 10_000 });
    expect(server.count()).toBe(1);
    expect(fork.events.find((e) => e.type === 'agent.finished')).toMatchObject({ text: 'Lyon' });
  });
});

describe('onDelta: the live view of a streaming call', () => {
  it('reports every streamed text and argument fragment with its agent, turn, model and a growing token estimate; a replay reports none', async () => {
    server.script(OPENAI,
      { frames: openAiStream({ text: ['Looking ', 'it up.'], toolCalls: [{ id: 'c1', name: 'lookup', argumentChunks: ['{"q":', '"capital"}'] }], finishReason: 'tool_calls', usage: { prompt: 40, completion: 12 } }) },
      call('c2', 'finish', '{"text":"Paris"}'));
    const s = spec('openai-compatible');
    await loadEncodingsFor(s);
    const deltas: ModelDelta[] = [];
    const cpus = createModelCpus(s, { m: { wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY } }, {}, { onDelta: (d) => deltas.push(d) });
    const live = Kernel.create(s, { runId: 'r1', seed: 1, cpus });
    await live.runUntil({ maxEvents: 10_000 });
    expect(live.state.stopped?.reason).toBe('completed');
    const turn0 = deltas.filter((d) => d.turn === 0);
    expect(turn0.map((d) => d.text)).toEqual(['Looking ', 'it up.', '{"q":', '"capital"}']);
    expect(turn0.every((d) => d.agent === 'solo' && d.model === 'm')).toBe(true);
    const tokens = turn0.map((d) => d.tokens);
    expect(tokens[0]).toBeGreaterThan(0);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(deltas.filter((d) => d.turn === 1).map((d) => d.text).join('')).toBe('{"text":"Paris"}');
    expect(JSON.stringify(deltas)).not.toContain(KEY);

    const n = deltas.length;
    // The replay has the live CPU behind it (with the same listener), and never calls it.
    const again = Kernel.create(s, { runId: 'r1', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', live.events, cpus['openai-compatible']) } });
    await again.runUntil({ maxEvents: 10_000 });
    expect(again.traceHash()).toBe(live.traceHash());
    expect(deltas.length).toBe(n);
  });
});

describe('a real model drives an agent (Anthropic wire)', () => {
  it('calls a tool, then finishes', async () => {
    const use = (id: string, name: string, json: string) => ({ frames: anthropicStream({ toolUses: [{ id, name, jsonChunks: [json] }], stopReason: 'tool_use', inputTokens: 30, outputTokens: 6 }) });
    server.script(ANTHROPIC, use('t1', 'lookup', '{"q":"capital"}'), use('t2', 'finish', '{"text":"Paris"}'));
    const k = await run(spec('anthropic'), server.url, 'anthropic');
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count(ANTHROPIC)).toBe(2);
    expect(completions(k.events)[0]).toMatchObject({ action: { kind: 'call', tool: 'lookup' }, record: { provider: 'anthropic', reported: { tokensIn: 30, tokensOut: 6 } } });
    expect(toJsonl(k.events)).not.toContain(KEY);
  });
});
