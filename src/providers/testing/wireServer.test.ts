import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WireServer } from './wireServer';
import { openAiStream, sse } from './openaiWire';
import { anthropicStream, event } from './anthropicWire';

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

describe('the wire server', () => {
  it('frames events byte for byte as the APIs document them', () => {
    expect(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } })).toBe(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n',
    );
    expect(event('message_stop', {})).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
    expect(sse('[DONE]')).toBe('data: [DONE]\n\n');
    const frames = openAiStream({ text: ['Hi'], usage: { prompt: 1, completion: 1 } });
    expect(frames[frames.length - 1]).toBe('data: [DONE]\n\n');
    expect(JSON.parse(frames[1]!.slice('data: '.length))).toMatchObject({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }], usage: null });
    expect(JSON.parse(frames[frames.length - 2]!.slice('data: '.length))).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    expect(anthropicStream({ text: ['a'] }).map((f) => f.split('\n')[0])).toEqual([
      'event: message_start', 'event: ping', 'event: content_block_start', 'event: content_block_delta', 'event: content_block_stop', 'event: message_delta', 'event: message_stop',
    ]);
  });

  it('serves scripted responses in order per path, records requests, answers preflights and refuses what is not scripted', async () => {
    server.script('/v1/chat/completions', { frames: ['data: [DONE]\n\n'] }, { status: 503, body: '{}' });
    const post = () => fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' });
    const first = await post();
    expect(first.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await first.text()).toBe('data: [DONE]\n\n');
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(418);
    const preflight = await fetch(`${server.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:4173', 'access-control-request-headers': 'x-api-key' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4173');
    expect(server.count('/v1/chat/completions')).toBe(3);
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: { model: 'm' } });
  });

  it('spaces frames by frameDelayMs, so a client sees the first ones long before the last', async () => {
    const frames = ['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n', 'data: 4\n\n'];
    server.script('/s', { frames, frameDelayMs: 60 });
    const t0 = performance.now();
    const res = await fetch(`${server.url}/s`);
    const reader = res.body!.getReader();
    const arrivals: { at: number; text: string }[] = [];
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ at: performance.now() - t0, text: decoder.decode(value) });
    }
    expect(arrivals.map((a) => a.text).join('')).toBe(frames.join(''));
    const first = arrivals.find((a) => a.text.includes('data: 1'))!;
    const last = arrivals.find((a) => a.text.includes('data: 4'))!;
    // Three gaps of 60 ms between the first frame and the last (timers may fire a little early).
    expect(last.at - first.at).toBeGreaterThanOrEqual(150);
  });
});
