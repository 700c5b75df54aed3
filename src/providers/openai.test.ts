import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiProvider, openAiBase } from './openai';
import { ProviderError, type ProviderFailure } from './errors';
import type { ChatRequest, StreamDelta } from './types';
import { WireServer } from './testing/wireServer';
import { openAiErrorBody, openAiModelList, openAiStream, sse } from './testing/openaiWire';

const PATH = '/v1/chat/completions';
const KEY = 'sk-test-openai-0123456789abcdef';

const request: ChatRequest = {
  model: 'gpt-test',
  system: 'You are a researcher.',
  messages: [{ role: 'user', text: 'Find the capital of France.' }],
  tools: [{ name: 'search', description: 'Search the web', parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }],
  temperature: 0.2,
  seed: 7,
};

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

function provider(extra: { environment?: 'browser' | 'node'; fetch?: typeof fetch } = {}) {
  return createOpenAiProvider({ wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY }, extra);
}

async function failureOf(p: Promise<unknown>): Promise<ProviderFailure> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return (err as ProviderError).failure;
}

describe('OpenAI-style chat completions', () => {
  it('sends the system prompt, messages, tools as functions, seed and temperature, and asks for usage', async () => {
    server.script(PATH, { frames: openAiStream({ text: ['ok'], usage: { prompt: 3, completion: 1 } }) });
    await provider().chat(request);
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are a researcher.' },
        { role: 'user', content: 'Find the capital of France.' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'search', description: 'Search the web', parameters: request.tools![0]!.parameters } }],
      temperature: 0.2,
      seed: 7,
    });
  });

  it('streams text deltas as they arrive and records text, usage from the last chunk, model, finish reason and timing', async () => {
    let tick = 0;
    server.script(PATH, {
      // 7-byte writes split frames, lines and the UTF-8 bytes of é and ✓.
      splitBytes: 7,
      frames: openAiStream({ text: ['Par', 'is, café ', '✓'], usage: { prompt: 21, completion: 4, cached: 8 }, model: 'gpt-test-2026-01-01', systemFingerprint: 'fp_abc' }),
    });
    const deltas: StreamDelta[] = [];
    const res = await createOpenAiProvider({ wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY }, { now: () => (tick += 5) }).chat(request, {
      onDelta: (d) => deltas.push(d),
    });
    expect(deltas).toEqual([
      { kind: 'text', text: 'Par' },
      { kind: 'text', text: 'is, café ' },
      { kind: 'text', text: '✓' },
    ]);
    expect(res.text).toBe('Paris, café ✓');
    expect(res.usage).toEqual({ inputTokens: 21, outputTokens: 4, cachedInputTokens: 8 });
    expect(res.model).toBe('gpt-test-2026-01-01');
    expect(res.systemFingerprint).toBe('fp_abc');
    expect(res.responseId).toBe('chatcmpl-test1');
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.requested).toEqual({ model: 'gpt-test', temperature: 0.2, seed: 7, maxTokens: null });
    expect(res.toolCalls).toEqual([]);
    expect(res.timing.headersMs).toBeGreaterThan(0);
    expect(res.timing.firstTokenMs).toBeGreaterThan(res.timing.headersMs!);
    expect(res.timing.totalMs).toBeGreaterThan(res.timing.firstTokenMs!);
    // Plain data: it survives structured cloning unchanged (worker boundary, trace).
    expect(structuredClone(res)).toEqual(res);
  });

  it('assembles a tool call whose name and arguments arrive across many chunks', async () => {
    server.script(PATH, {
      frames: openAiStream({
        toolCalls: [{ id: 'call_1', name: 'search', argumentChunks: ['{"', 'q', '":"', 'capital of ', 'Fra', 'nce"', '}'] }],
        usage: { prompt: 30, completion: 12 },
      }),
    });
    const deltas: StreamDelta[] = [];
    const res = await provider().chat(request, { onDelta: (d) => deltas.push(d) });
    expect(res.finishReason).toBe('tool-calls');
    expect(res.toolCalls).toEqual([{ id: 'call_1', name: 'search', argumentsJson: '{"q":"capital of France"}', ok: true, args: { q: 'capital of France' } }]);
    expect(deltas.filter((d) => d.kind === 'tool-call').map((d) => (d as { argumentsDelta: string }).argumentsDelta).join('')).toBe('{"q":"capital of France"}');
  });

  it.each([false, true])('assembles parallel tool calls (fragments interleaved: %s) by index', async (interleave) => {
    server.script(PATH, {
      frames: openAiStream({
        interleave,
        toolCalls: [
          { id: 'call_a', name: 'search', argumentChunks: ['{"q":', '"Paris"}'] },
          { id: 'call_b', name: 'weather', argumentChunks: ['{"ci', 'ty":"Lyon"', ',"days":3}'] },
        ],
      }),
    });
    const res = await provider().chat(request);
    expect(res.toolCalls).toEqual([
      { id: 'call_a', name: 'search', argumentsJson: '{"q":"Paris"}', ok: true, args: { q: 'Paris' } },
      { id: 'call_b', name: 'weather', argumentsJson: '{"city":"Lyon","days":3}', ok: true, args: { city: 'Lyon', days: 3 } },
    ]);
  });

  it('keeps parallel calls apart when a server streams them all at index 0 (Ollama)', async () => {
    const chunk = (tc: unknown, finish: string | null = null) =>
      sse(JSON.stringify({ id: 'chatcmpl-o', object: 'chat.completion.chunk', created: 1, model: 'qwen2.5', choices: [{ index: 0, delta: tc === null ? {} : { role: 'assistant', content: '', tool_calls: [tc] }, finish_reason: finish }] }));
    server.script(PATH, {
      frames: [
        chunk({ id: 'call_x1', index: 0, type: 'function', function: { name: 'write', arguments: '{"path":"a.txt"}' } }),
        chunk({ id: 'call_x2', index: 0, type: 'function', function: { name: 'write', arguments: '{"path":"b.txt"}' } }),
        chunk(null, 'tool_calls'),
        sse('[DONE]'),
      ],
    });
    const res = await provider().chat(request);
    expect(res.toolCalls.map((c) => [c.id, c.ok && c.args])).toEqual([
      ['call_x1', { path: 'a.txt' }],
      ['call_x2', { path: 'b.txt' }],
    ]);
  });

  it('returns malformed tool-call JSON as a typed result instead of throwing', async () => {
    server.script(PATH, {
      frames: openAiStream({
        toolCalls: [
          { id: 'call_bad', name: 'search', argumentChunks: ['{"q": "Paris"', ', }'] },
          { id: 'call_arr', name: 'search', argumentChunks: ['[1,2]'] },
          { id: 'call_none', name: 'finish', argumentChunks: [] },
        ],
      }),
    });
    const res = await provider().chat(request);
    const [bad, arr, none] = res.toolCalls;
    expect(bad).toMatchObject({ id: 'call_bad', name: 'search', ok: false, argumentsJson: '{"q": "Paris", }' });
    expect(bad!.ok === false && bad!.error).toMatch(/not valid JSON/);
    expect(arr).toMatchObject({ ok: false, error: 'arguments must be a JSON object, got an array' });
    expect(none).toMatchObject({ ok: true, args: {} });
  });

  it('sends earlier tool calls and their results back in the wire shape', async () => {
    server.script(PATH, { frames: openAiStream({ text: ['done'] }) });
    await provider().chat({
      ...request,
      messages: [
        { role: 'user', text: 'go' },
        { role: 'assistant', text: '', toolCalls: [{ id: 'call_1', name: 'search', args: { q: 'x' } }] },
        { role: 'tool', toolCallId: 'call_1', text: 'result x' },
      ],
    });
    expect((server.requests[0]!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{"q":"x"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'result x' },
    ]);
  });

  it('429 with retry-after in seconds is rate-limited with the delay', async () => {
    server.script(PATH, { status: 429, headers: { 'retry-after': '3' }, body: openAiErrorBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded') });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'rate-limited', status: 429, retryable: true, retryAfterMs: 3000 });
    expect(f.message).toContain(`${server.url}/v1 is rate limiting requests (HTTP 429: Rate limit reached for requests)`);
  });

  it('429 with retry-after as an HTTP date is rate-limited with the delay until then', async () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    server.script(PATH, { status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:30 GMT' }, body: '' });
    const p = createOpenAiProvider({ wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY }, { now: () => now });
    expect(await failureOf(p.chat(request))).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30_000 });
  });

  it('500 is a retryable server failure', async () => {
    server.script(PATH, { status: 500, body: openAiErrorBody('The server had an error', 'server_error') });
    expect(await failureOf(provider().chat(request))).toMatchObject({ kind: 'server', status: 500, retryable: true });
  });

  it('an error object inside the stream fails the call with the partial output', async () => {
    const frames = openAiStream({ text: ['Hal'] }).slice(0, 2);
    server.script(PATH, { frames: [...frames, sse(JSON.stringify({ error: { message: 'model overloaded' } }))] });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'server', retryable: true });
    expect(f.partial?.text).toBe('Hal');
  });

  it('a connection dropped mid-stream is a typed error carrying the partial output', async () => {
    const frames = openAiStream({ text: ['The capital ', 'is ', 'Paris.'], usage: { prompt: 5, completion: 4 } });
    server.script(PATH, { frames, dropAfter: 3 });
    const deltas: string[] = [];
    const f = await failureOf(provider().chat(request, { onDelta: (d) => d.kind === 'text' && deltas.push(d.text) }));
    expect(f.kind).toBe('dropped');
    expect(f.retryable).toBe(true);
    expect(f.message).toContain('dropped in the middle of the answer');
    expect(f.partial?.text).toBe('The capital is ');
    expect(f.partial?.text).toBe(deltas.join(''));
    expect(structuredClone(f)).toEqual(f);
  });

  it('a stream that ends without [DONE] and without a finish reason counts as dropped', async () => {
    server.script(PATH, { frames: openAiStream({ text: ['half'] }).slice(0, 2) });
    const f = await failureOf(provider().chat(request));
    expect(f.kind).toBe('dropped');
    expect(f.partial?.text).toBe('half');
  });

  it('401 is an auth error naming the endpoint and the fix', async () => {
    server.script(PATH, { status: 401, body: openAiErrorBody('Invalid authentication', 'invalid_request_error', 'invalid_api_key') });
    const f = await failureOf(provider().chat(request));
    expect(f).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(f.message).toBe(`${server.url}/v1 refused the API key (HTTP 401: Invalid authentication).`);
    expect(f.fix).toMatch(/API key for this endpoint/);
  });

  it("Ollama's empty 403 to a page origin names OLLAMA_ORIGINS", async () => {
    server.script(PATH, { status: 403, body: '' });
    const f = await failureOf(provider({ environment: 'browser' }).chat(request));
    expect(f.kind).toBe('origin-forbidden');
    expect(f.fix).toContain('OLLAMA_ORIGINS');
  });

  it('a 403 with a reason is a permission error', async () => {
    server.script(PATH, { status: 403, body: openAiErrorBody('You are not allowed to use this model', 'invalid_request_error') });
    const f = await failureOf(provider({ environment: 'browser' }).chat(request));
    expect(f.kind).toBe('auth');
    expect(f.message).toContain('not allowed to use this model');
  });

  it('a browser fetch that fails before any response is named a CORS failure', async () => {
    const blocked = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const f = await failureOf(provider({ environment: 'browser', fetch: blocked }).chat(request));
    expect(f.kind).toBe('cors');
    expect(f.message).toContain('(CORS)');
    expect(f.message).toContain('TypeError: Failed to fetch');
  });

  it('an unreachable server is a retryable network error', async () => {
    const gone = await WireServer.start();
    const url = gone.url;
    await gone.close();
    const p = createOpenAiProvider({ wire: 'openai', baseUrl: `${url}/v1` }, { environment: 'node' });
    const f = await failureOf(p.chat(request));
    expect(f).toMatchObject({ kind: 'network', retryable: true });
    expect(f.message).toContain('ECONNREFUSED');
  });

  it('aborting mid-stream keeps the partial output', async () => {
    server.script(PATH, { frames: openAiStream({ text: ['one ', 'two ', 'three'] }), hangAfter: 3 });
    const ctrl = new AbortController();
    const res = await provider().chat(request, {
      signal: ctrl.signal,
      onDelta: (d) => d.kind === 'text' && d.text === 'two ' && ctrl.abort(),
    });
    expect(res.finishReason).toBe('aborted');
    expect(res.text).toBe('one two ');
  });

  it('a signal aborted before the request leaves gives an empty aborted answer and no error', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const res = await provider().chat(request, { signal: ctrl.signal });
    expect(res).toMatchObject({ finishReason: 'aborted', text: '', toolCalls: [] });
  });

  it('an answer sent as one JSON object (stream ignored) is read too', async () => {
    server.script(PATH, {
      body: JSON.stringify({
        id: 'chatcmpl-2', object: 'chat.completion', model: 'llama-3', created: 1,
        choices: [{ index: 0, message: { role: 'assistant', content: 'hi', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"a"}' } }] }, finish_reason: 'tool_calls' }],
        usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
      }),
    });
    const res = await provider().chat(request);
    expect(res).toMatchObject({ text: 'hi', model: 'llama-3', finishReason: 'tool-calls', usage: { inputTokens: 4, outputTokens: 2 } });
    expect(res.toolCalls[0]).toMatchObject({ name: 'search', ok: true, args: { q: 'a' } });
  });

  it('refuses an assistant prefix, which this wire cannot continue', async () => {
    const f = await failureOf(provider().chat({ ...request, assistantPrefix: 'The capital' }));
    expect(f.kind).toBe('unsupported');
    expect(server.count()).toBe(0);
  });

  it('lists models from /v1/models', async () => {
    server.script('/v1/models', { body: openAiModelList(['llama3.2', 'qwen2.5']) });
    const models = await provider().listModels();
    expect(models.map((m) => m.id)).toEqual(['llama3.2', 'qwen2.5']);
    expect(models[0]).toMatchObject({ ownedBy: 'test', created: 1_700_000_000_000 });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('a bare origin gets /v1', () => {
    expect(openAiBase('http://127.0.0.1:11434/')).toBe('http://127.0.0.1:11434/v1');
    expect(openAiBase('https://openrouter.ai/api/v1')).toBe('https://openrouter.ai/api/v1');
  });
});
