/**
 * The trace keeps each response once: the record leaves out the text and the parsed arguments
 * the event already holds, and loses nothing — the full ChatResponse comes back from the record
 * and the event's text, and a replay gives the same trace hash.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, loadEncodingsFor, parseHarness, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus, expandRecordedResponse } from './modelCpu';
import { createOpenAiProvider } from './openai';
import type { ChatResponse, Provider } from './types';
import { WireServer } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';

const PATH = '/v1/chat/completions';

function spec(): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Recorded once',
    models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', tokensPerSecond: 50 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Look it up.', capabilities: [{ target: 'lookup', access: 'use' }] }],
    tools: [{ id: 'lookup', name: 'lookup', description: 'Look a fact up', args: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false }, impl: { kind: 'sim', result: 'Paris', latencyMs: 10 } }],
    limits: { maxSteps: 30 },
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

describe('a recorded response', () => {
  it('holds neither the text nor the parsed arguments the event holds, and expands back to exactly the response the provider returned', async () => {
    const usage = { prompt: 30, completion: 8 };
    server.script(
      PATH,
      // text and a call
      { frames: openAiStream({ text: ['I will ', 'look it up.\nFirst line.'], toolCalls: [{ id: 'c1', name: 'lookup', argumentChunks: ['{"q":', '"capital"}'] }], usage }) },
      // a call alone
      { frames: openAiStream({ toolCalls: [{ id: 'c2', name: 'lookup', argumentChunks: ['{"q":"river"}'] }], usage }) },
      // a malformed call (kept whole: its text is what the model is told about)
      { frames: openAiStream({ text: ['Oops'], toolCalls: [{ id: 'c3', name: 'lookup', argumentChunks: ['{"q":'] }], usage }) },
      // parallel calls: only the first runs, all are recorded
      { frames: openAiStream({ toolCalls: [{ id: 'c4', name: 'lookup', argumentChunks: ['{"q":"a"}'] }, { id: 'c5', name: 'lookup', argumentChunks: ['{"q":"b"}'] }], usage }) },
      // text alone
      { frames: openAiStream({ text: ['Thinking it over.'], finishReason: 'stop', usage }) },
      { frames: openAiStream({ toolCalls: [{ id: 'c6', name: 'finish', argumentChunks: ['{"text":"Paris"}'] }], usage }) },
    );
    const inner = createOpenAiProvider({ wire: 'openai', baseUrl: `${server.url}/v1` });
    const returned: ChatResponse[] = [];
    const provider: Provider = { ...inner, chat: async (req, opts) => {
      const r = await inner.chat(req, opts);
      returned.push(r);
      return r;
    } };
    const s = spec();
    await loadEncodingsFor(s);
    const live = Kernel.create(s, { runId: 'r', seed: 1, cpus: createModelCpus(s, { m: provider }) });
    await live.runUntil({ maxEvents: 10_000 });
    expect(live.state.stopped?.reason).toBe('completed');

    const completed = live.events.filter((e): e is Extract<KernelEvent, { type: 'infer.completed' }> => e.type === 'infer.completed');
    expect(completed).toHaveLength(6);
    completed.forEach((e, i) => {
      const recorded = e.record!.response as Record<string, unknown> & { toolCalls: Record<string, unknown>[] };
      expect(recorded).not.toHaveProperty('text');
      for (const c of recorded.toolCalls) if (c.ok) expect(c).not.toHaveProperty('args');
      expect(expandRecordedResponse(recorded, e.text)).toEqual(JSON.parse(JSON.stringify(returned[i])));
    });
    expect(completed[0]!.text).toBe('I will look it up.\nFirst line.\ncall lookup({"q":"capital"})');

    const replay = Kernel.create(s, { runId: 'r', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', live.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(live.traceHash());
  });
});
