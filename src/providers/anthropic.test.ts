import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anthropicBase, createAnthropicProvider } from './anthropic';
import { ProviderError, type ProviderFailure } from './errors';
import type { ChatRequest, StreamDelta } from './types';
import { WireServer } from './testing/wireServer';
import { anthropicErrorBody, anthropicErrorEvent, anthropicModelList, anthropicStream, event } from './testing/anthropicWire';

const PATH = '/v1/messages';
const KEY = 'sk-ant-test-0123456789abcdef';

const request: ChatRequest = {
  model: 'claude-test',
  system: 'You are a writer.',
  messages: [{ role: 'user', text: 'Write one line about Paris.' }],
  tools: [{ name: 'search', description: 'Search the web', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }],
  toolChoice: 'required',
  temperature: 0.5,
  seed: 7,
  maxTokens: 256,
};

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

function provider(environment: 'browser' | 'node' = 'node') {
  return createAnthropicProvider({ wire: 'anthropic', baseUrl: server.url, apiKey: KEY }, { environment });
}

async function failureOf(p: Promise<unknown>): Promise<ProviderFailure> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return (err as ProviderError).failure;
}

describe('Anthropic Messages', () => {
  it('sends the key, version, system, messages and tools with their input schemas; no seed (the API has none)', async () => {
    server.script(PATH, { frames: anthropicStream({ text: ['ok'] }) });
    const res = await provider().chat(request);
    const sent = server.requests[0]!;
    expect(sent.headers['x-api-key']).toBe(KEY);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers['anthropic-dangerous-direct-browser-access']).toBeUndefined();
    expect(sent.body).toEqual({
      model: 'claude-test',
      max_tokens: 256,
      system: 'You are a writer.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Write one line about Paris.' }] }],
      tools: [{ name: 'search', description: 'Search the web', input_schema: request.tools![0]!.parameters }],
      tool_choice: { type: 'any' },
      temperature: 0.5,
      stream: true,
    });
    expect(res.requested).toEqual({ model: 'claude-test', temperature: 0.5, seed: null, maxTokens: 256 });
  });

  it('in a browser it sends the direct-browser-access header', async () => {
    server.script(PATH, { frames: anthropicStream({ text: ['ok'] }) });
    await provider('browser').chat(request);
    expect(server.requests[0]!.headers['anthropic-dangerous-direct-browser-access']).toBe('true');
  });

  it('streams text deltas and records text, usage, model, stop reason and timing', async () => {
    server.script(PATH, {
      splitBytes: 5,
      frames: anthropicStream({ text: ['Paris ', 'is lit, ', 'déjà ✓'], inputTokens: 40, outputTokens: 9, cacheReadTokens: 12, model: 'claude-test-2026-01-01', id: 'msg_42' }),
    });
    const deltas: StreamDelta[] = [];
    const res = await provider().chat(request, { onDelta: (d) => deltas.push(d) });
    expect(deltas).toEqual([
      { kind: 'text', text: 'Paris ' },
      { kind: 'text', text: 'is lit, ' },
      { kind: 'text', text: 'déjà ✓' },
    ]);
    expect(res).toMatchObject({
      wire: 'anthropic',
      text: 'Paris is lit, déjà ✓',
      model: 'claude-test-2026-01-01',
      responseId: 'msg_42',
      finishReason: 'stop',
      rawFinishReason: 'end_turn',
      usage: { inputTokens: 40, outputTokens: 9, cachedInputTokens: 12 },
    });
    expect(res.timing.totalMs).toBeGreaterThanOrEqual(0);
    expect(structuredClone(res)).toEqual(res);
  });

  it('assembles text and tool_use blocks whose input arrives as many partial_json fragments', async () => {
    server.script(PATH, {
      frames: anthropicStream({
        text: ['Let me look.'],
        toolUses: [
          { id: 'toolu_1', name: 'search', jsonChunks: ['{"q"', ': "Pa', 'ris"}'] },
          { id: 'toolu_2', name: 'weather', jsonChunks: ['{"city": "Lyon", ', '"days": 3}'] },
        ],
      }),
    });
    const res = await provider().chat(request);
    expect(res.text).toBe('Let me look.');
    expect(res.finishReason).toBe('tool-calls');
    expect(res.toolCalls).toEqual([
      { id: 'toolu_1', name: 'search', argumentsJson: '{"q": "Paris"}', ok: true, args: { q: 'Paris' } },
      { id: 'toolu_2', name: 'weather', argumentsJson: '{"city": "Lyon", "days": 3}', ok: true, args: { city: 'Lyon', days: 3 } },
    ]);
  });

  it('returns malformed tool input JSON as a typed result', async () => {
    server.script(PATH, { frames: anthropicStream({ toolUses: [{ id: 'toolu_bad', name: 'search', jsonChunks: ['{"q": "Par'] }] }) });
    const res = await provider().chat(request);
    expect(res.toolCalls[0]).toMatchObject({ id: 'toolu_bad', ok: false, argumentsJson: '{"q": "Par' });
  });

  it('skips unknown event types, as the versioning policy asks', async () => {
    const frames = anthropicStream({ text: ['a', 'b'] });
    frames.splice(2, 0, event('future_event', { index: 0, whatever: true }));
    server.script(PATH, { frames });
    expect((await provider().chat(request)).text).toBe('ab');
  });

  it('sends tool calls as tool_use and merges tool results into one user turn', async () => {
    server.script(PATH, { frames: anthropicStream({ text: ['done'] }) });
    await provider().chat({
      ...request,
      messages: [
        { role: 'user', text: 'go' },
        { role: 'assistant', text: 'Searching.', toolCalls: [{ id: 'toolu_1', name: 'search', args: { q: 'x' } }, { id: 'toolu_2', name: 'search', args: { q: 'y' } }] },
        { role: 'tool', toolCallId: 'toolu_1', text: 'result x' },
        { role: 'tool', toolCallId: 'toolu_2', text: 'no such page', isError: true },
      ],
    });
    expect((server.requests[0]!.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Searching.' },
          { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'x' } },
          { type: 'tool_use', id: 'toolu_2', name: 'search', input: { q: 'y' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'result x' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such page', is_error: true },
        ],
      },
    ]);
  });

  it('continues an assistant prefix (resume after preemption): sent as the last turn without trailing space, recorded as prefix', async () => {
    server.script(PATH, { frames: anthropicStream({ text: [' lit at night.'] }) });
    const res = await provider().chat({ ...request, assistantPrefix: 'Paris is ' });
    const messages = (server.requests[0]!.body as { messages: unknown[] }).messages;
    expect(messages[messages.length - 1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Paris is' }] });
    expect(res.prefix + res.text).toBe('Paris is lit at night.');
  });

  it('429 with retry-after is rate-limited with the delay', async () => {
    server.script(PATH, { status: 429, headers: { 'retry-after': '12', 'request-id': 'req_1' }, body: anthropicErrorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit') });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'rate-limited', retryAfterMs: 12_000, retryable: true, requestId: 'req_1' });
    expect(f.message).toContain('per-minute rate limit');
  });

  it('529 overloaded and 500 are retryable server failures', async () => {
    server.script(PATH, { status: 529, body: anthropicErrorBody('overloaded_error', 'Overloaded') }, { status: 500, body: anthropicErrorBody('api_error', 'Internal') });
    expect(await failureOf(provider().chat(request))).toMatchObject({ kind: 'server', status: 529, retryable: true });
    expect(await failureOf(provider().chat(request))).toMatchObject({ kind: 'server', status: 500, retryable: true });
  });

  it('an error event mid-stream fails the call with the partial output', async () => {
    const frames = anthropicStream({ text: ['Half a ', 'line'] }).slice(0, 4);
    server.script(PATH, { frames: [...frames, anthropicErrorEvent('overloaded_error', 'Overloaded')] });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'server', retryable: true });
    expect(f.partial?.text).toBe('Half a ');
  });

  it('a connection dropped mid-stream is a typed error carrying the partial output, tool input included', async () => {
    const frames = anthropicStream({ text: ['Looking'], toolUses: [{ id: 'toolu_1', name: 'search', jsonChunks: ['{"q": "Pa', 'ris"}'] }] });
    // message_start, ping, text start/delta/stop, tool start, empty delta, first fragment, then the socket dies.
    server.script(PATH, { frames, dropAfter: 8 });
    const f = await failureOf(provider().chat(request));
    expect(f.kind).toBe('dropped');
    expect(f.partial?.text).toBe('Looking');
    expect(f.partial?.toolCalls).toEqual([{ id: 'toolu_1', name: 'search', argumentsJson: '{"q": "Pa', ok: false, error: expect.stringMatching(/not valid JSON/) }]);
  });

  it('a stream that ends before message_stop counts as dropped', async () => {
    server.script(PATH, { frames: anthropicStream({ text: ['x'] }).slice(0, -1) });
    expect((await failureOf(provider().chat(request))).kind).toBe('dropped');
  });

  it('401 is an auth error naming the endpoint and the fix', async () => {
    server.script(PATH, { status: 401, body: anthropicErrorBody('authentication_error', 'invalid x-api-key') });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'auth', retryable: false });
    expect(f.message).toBe(`${server.url} refused the API key (HTTP 401: invalid x-api-key).`);
    expect(f.fix).toMatch(/API key/);
  });

  it('aborting mid-stream keeps the partial output', async () => {
    server.script(PATH, { frames: anthropicStream({ text: ['one ', 'two ', 'three'] }), hangAfter: 5 });
    const ctrl = new AbortController();
    const res = await provider().chat(request, { signal: ctrl.signal, onDelta: (d) => d.kind === 'text' && d.text === 'two ' && ctrl.abort() });
    expect(res.finishReason).toBe('aborted');
    expect(res.text).toBe('one two ');
  });

  it('lists models from /v1/models, following pages', async () => {
    server.script('/v1/models', { body: anthropicModelList(['claude-a', 'claude-b'], true) }, { body: anthropicModelList(['claude-c']) });
    const models = await provider().listModels();
    expect(models.map((m) => m.id)).toEqual(['claude-a', 'claude-b', 'claude-c']);
    expect(models[0]).toMatchObject({ displayName: 'CLAUDE-A', created: Date.parse('2026-01-01T00:00:00Z') });
    expect(server.requests[1]!.query).toBe('?limit=1000&after_id=claude-b');
    expect(server.requests[0]!.headers['x-api-key']).toBe(KEY);
  });

  it('tolerates a base URL that already ends in /v1', () => {
    expect(anthropicBase('https://api.anthropic.com/v1/')).toBe('https://api.anthropic.com');
  });
});
