/**
 * A real model's reported cached tokens, on a model that declares a prefix cache: the stand-in
 * servers report them (OpenAI `prompt_tokens_details.cached_tokens`, Anthropic
 * `cache_read_input_tokens`), the kernel records them (`reported.cachedIn`, `kv.reported`), the
 * hit rate and the cost use the provider's numbers, and a replay with no server gives the same trace.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, agentCacheFigures, loadEncodingsFor, parseHarness, type EventOf, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus } from './modelCpu';
import { WireServer } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';
import { anthropicStream } from './testing/anthropicWire';

const PRICE_IN = 1;
const CACHED = 0.25;
const PRICE_OUT = 2;

function spec(provider: 'openai-compatible' | 'anthropic', prefixCache = true): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Cached prompts',
    models: [{
      id: 'm', name: 'M', provider, model: 'test-model', tokensPerSecond: 50, priceIn: PRICE_IN, priceOut: PRICE_OUT,
      ...(prefixCache ? { prefixCache: { capacityTokens: 100_000, cachedPricePerMTok: CACHED } } : {}),
    }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Think twice, then finish.' }],
    limits: { maxSteps: 10 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);

/** Two turns: a text answer (input 400, 300 of them cached on the second) and a finish call. */
function script(provider: 'openai-compatible' | 'anthropic'): void {
  if (provider === 'anthropic') {
    // Anthropic's input_tokens leave the cache reads out: 100 new + 300 read = a 400-token prompt.
    server.script('/v1/messages',
      { frames: anthropicStream({ text: ['thinking'], inputTokens: 380, outputTokens: 6 }) },
      { frames: anthropicStream({ toolUses: [{ id: 't1', name: 'finish', jsonChunks: ['{"text":"ok"}'] }], inputTokens: 100, cacheReadTokens: 300, outputTokens: 8 }) });
  } else {
    server.script('/v1/chat/completions',
      { frames: openAiStream({ text: ['thinking'], usage: { prompt: 380, completion: 6 } }) },
      { frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: ['{"text":"ok"}'] }], finishReason: 'tool_calls', usage: { prompt: 400, completion: 8, cached: 300 } }) });
  }
}

async function run(s: HarnessSpec, provider: 'openai-compatible' | 'anthropic'): Promise<Kernel> {
  await loadEncodingsFor(s);
  const wire = provider === 'anthropic' ? 'anthropic' : 'openai';
  const baseUrl = provider === 'anthropic' ? server.url : `${server.url}/v1`;
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire, baseUrl, apiKey: 'sk-test' } }) });
  await k.runUntil({ maxEvents: 10_000 });
  return k;
}

describe("a real model's cached prompt tokens", () => {
  for (const provider of ['openai-compatible', 'anthropic'] as const) {
    it(`${provider}: recorded, used for the hit rate and priced at the cached rate; a replay asks no server`, async () => {
      script(provider);
      const k = await run(spec(provider), provider);
      expect(k.state.stopped?.reason).toBe('completed');
      const completed = of(k.events, 'infer.completed');
      expect(completed.map((e) => e.record?.reported)).toEqual([{ tokensIn: 380, tokensOut: 6 }, { tokensIn: 400, tokensOut: 8, cachedIn: 300 }]);
      const reported = of(k.events, 'kv.reported');
      expect(reported.map((e) => [e.promptTokens, e.cachedTokens])).toEqual([[380, 0], [400, 300]]);
      // Each kv.reported comes right before its turn's infer.completed and replaces the modelled figures.
      for (const e of reported) expect(k.events[e.seq + 1]).toMatchObject({ type: 'infer.completed', turn: e.turn });
      expect(agentCacheFigures(k.state, 'solo')).toMatchObject({ promptTokens: 780, cachedTokens: 300, hitRate: 300 / 780 });
      expect(reported.at(-1)!.rate).toBeCloseTo(300 / 780, 12);
      // Cost: the provider's usage, its cached tokens at the cached rate.
      const expected = (380 * PRICE_IN + 6 * PRICE_OUT + (100 * PRICE_IN + 300 * CACHED) + 8 * PRICE_OUT) / 1e6;
      expect(k.state.cost).toBeCloseTo(expected, 12);
      expect(k.state.tokensIn).toBe(780);

      await server.close();
      const replay = Kernel.create(spec(provider), { runId: 'r1', seed: 1, cpus: { [provider]: RecordedCpu.fromTrace(provider, k.events) } });
      await replay.runUntil({ maxEvents: 10_000 });
      expect(replay.traceHash()).toBe(k.traceHash());
      server = await WireServer.start();
    });
  }

  it('without prefixCache the cached tokens are recorded but priced and counted as before', async () => {
    script('openai-compatible');
    const k = await run(spec('openai-compatible', false), 'openai-compatible');
    expect(of(k.events, 'infer.completed').at(-1)!.record?.reported).toEqual({ tokensIn: 400, tokensOut: 8, cachedIn: 300 });
    expect(k.events.some((e) => e.type.startsWith('kv.'))).toBe(false);
    expect(k.state.cost).toBeCloseTo((780 * PRICE_IN + 14 * PRICE_OUT) / 1e6, 12);
  });
});
