/**
 * A planted API key must never leave the adapter: not in a returned record, a streamed delta, an
 * error's message, fix, stack or failure data — even when the server echoes it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from './index';
import { ProviderError } from './errors';
import type { ChatRequest, WireFormat } from './types';
import { WireServer, type ScriptedResponse } from './testing/wireServer';
import { openAiErrorBody, openAiStream, sse } from './testing/openaiWire';
import { anthropicErrorBody, anthropicErrorEvent, anthropicStream } from './testing/anthropicWire';

const KEY = 'sk-planted-KEY-do-not-leak-4242424242';
const MASKED = 'sk-plan************************4242';

const request: ChatRequest = { model: 'm', system: 's', messages: [{ role: 'user', text: 'hi' }], tools: [{ name: 't', description: 'd', parameters: { type: 'object' } }] };

let server: WireServer;
beforeAll(async () => {
  server = await WireServer.start();
});
afterAll(async () => {
  await server.close();
});

/** Everything an outcome exposes, as text: records, errors (message, stack, failure), deltas. */
function exposed(outcome: unknown, deltas: unknown[]): string {
  const parts = [JSON.stringify(deltas)];
  if (outcome instanceof Error) parts.push(outcome.message, outcome.stack ?? '', String(outcome));
  if (outcome instanceof ProviderError) parts.push(JSON.stringify(outcome.failure));
  else parts.push(JSON.stringify(outcome));
  return parts.join('\n');
}

const echo = `Incorrect API key provided: ${KEY} (also shown as ${MASKED}); Authorization: Bearer ${KEY}`;

const cases: Record<WireFormat, Array<[string, ScriptedResponse]>> = {
  openai: [
    ['a streamed answer', { frames: openAiStream({ text: ['fine'], toolCalls: [{ id: 'c', name: 't', argumentChunks: ['{}'] }], usage: { prompt: 1, completion: 1 } }) }],
    ['401 echoing the key', { status: 401, body: openAiErrorBody(echo, 'invalid_request_error', 'invalid_api_key') }],
    ['403 echoing the key', { status: 403, body: openAiErrorBody(echo, 'invalid_request_error') }],
    ['429 echoing the key', { status: 429, headers: { 'retry-after': '1' }, body: openAiErrorBody(echo, 'requests') }],
    ['400 echoing the key as text', { status: 400, headers: { 'content-type': 'text/plain' }, body: echo }],
    ['500', { status: 500, body: openAiErrorBody(echo, 'server_error') }],
    ['an error in the stream', { frames: [...openAiStream({ text: ['a'] }).slice(0, 2), sse(JSON.stringify({ error: { message: echo } }))] }],
    ['a dropped stream', { frames: openAiStream({ text: ['a', 'b'] }), dropAfter: 2 }],
  ],
  anthropic: [
    ['a streamed answer', { frames: anthropicStream({ text: ['fine'], toolUses: [{ id: 'tu', name: 't', jsonChunks: ['{}'] }] }) }],
    ['401 echoing the key', { status: 401, body: anthropicErrorBody('authentication_error', echo) }],
    ['429 echoing the key', { status: 429, headers: { 'retry-after': '1' }, body: anthropicErrorBody('rate_limit_error', echo) }],
    ['529', { status: 529, body: anthropicErrorBody('overloaded_error', echo) }],
    ['an error event', { frames: [...anthropicStream({ text: ['a'] }).slice(0, 3), anthropicErrorEvent('overloaded_error', echo)] }],
    ['a dropped stream', { frames: anthropicStream({ text: ['a', 'b'] }), dropAfter: 4 }],
  ],
};

describe('API keys never leave the adapter', () => {
  for (const wire of ['openai', 'anthropic'] as const) {
    const path = wire === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    it.each(cases[wire])(`${wire}: %s`, async (_name, scripted) => {
      server.script(path, scripted);
      const p = createProvider({ wire, baseUrl: wire === 'openai' ? `${server.url}/v1` : server.url, apiKey: KEY }, { environment: 'browser' });
      const deltas: unknown[] = [];
      const outcome = await p.chat(request, { onDelta: (d) => deltas.push(d) }).catch((e: unknown) => e);
      // The key did reach the server (so the test planted it where it matters)…
      expect(JSON.stringify(server.requests[server.requests.length - 1]!.headers)).toContain(KEY);
      // …and nothing the caller can see carries it, whole or masked.
      const text = exposed(outcome, deltas);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(MASKED);
      expect(JSON.stringify(p)).not.toContain(KEY);
    });

    it(`${wire}: a failed model listing and a failed connection carry no key`, async () => {
      server.script(wire === 'openai' ? '/v1/models' : '/v1/models', { status: 401, body: openAiErrorBody(echo, 'invalid_request_error') });
      const p = createProvider({ wire, baseUrl: wire === 'openai' ? `${server.url}/v1` : server.url, apiKey: KEY });
      expect(exposed(await p.listModels().catch((e: unknown) => e), [])).not.toContain(KEY);
      const leaky = (() => Promise.reject(new TypeError(`Failed to fetch (${KEY})`))) as typeof fetch;
      const q = createProvider({ wire, baseUrl: server.url, apiKey: KEY }, { environment: 'browser', fetch: leaky });
      const err = await q.chat(request).catch((e: unknown) => e);
      expect((err as ProviderError).failure.kind).toBe('cors');
      expect(exposed(err, [])).not.toContain(KEY);
    });
  }
});
