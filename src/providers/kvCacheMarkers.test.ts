/**
 * Anthropic's prompt cache works only where the request marks it (`cache_control: {type:
 * "ephemeral"}` on the tools, the system prompt and message blocks; at most four). On a model that
 * declares `prefixCache`, the Anthropic client marks where the kernel's prefix cache says the
 * prompt's warm and cached prefixes end; the stand-in endpoint checks the requests. The provider's
 * cache reads and writes land in the trace beside the model's prediction, and a replay asks no server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, loadEncodingsFor, parseHarness, type EventOf, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus } from './modelCpu';
import { WireServer } from './testing/wireServer';
import { anthropicStream } from './testing/anthropicWire';

const SYSTEM = 'You keep the release notes. Read what you are given, think once, then finish with the notes.';

function spec(prefixCache: boolean): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Marked prompts',
    models: [{
      id: 'm', name: 'M', provider: 'anthropic', model: 'claude-test', tokensPerSecond: 50, priceIn: 3, priceOut: 15,
      ...(prefixCache ? { prefixCache: { capacityTokens: 100_000, cachedPricePerMTok: 0.3 } } : {}),
    }],
    agents: [{ id: 'notes', name: 'Notes', model: 'm', systemPrompt: SYSTEM }],
    limits: { maxSteps: 10 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
  // Turn 0 writes the prompt to the cache; turns 1 and 2 read the prompt before them back and write what is new.
  server.script('/v1/messages',
    { frames: anthropicStream({ text: ['drafting'], inputTokens: 20, cacheWriteTokens: 400, outputTokens: 6 }) },
    { frames: anthropicStream({ text: ['revising'], inputTokens: 5, cacheReadTokens: 400, cacheWriteTokens: 30, outputTokens: 6 }) },
    { frames: anthropicStream({ toolUses: [{ id: 't1', name: 'finish', jsonChunks: ['{"text":"notes"}'] }], inputTokens: 5, cacheReadTokens: 430, cacheWriteTokens: 10, outputTokens: 8 }) });
});
afterEach(async () => {
  await server.close();
});

async function run(s: HarnessSpec): Promise<Kernel> {
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire: 'anthropic', baseUrl: server.url, apiKey: 'sk-test' } }) });
  await k.runUntil({ maxEvents: 10_000 });
  expect(k.state.stopped?.reason).toBe('completed');
  return k;
}

type Body = { system?: unknown; tools?: Array<Record<string, unknown>>; messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
const bodies = (): Body[] => server.requests.filter((r) => r.path === '/v1/messages').map((r) => r.body as Body);
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);
const EPHEMERAL = { type: 'ephemeral' };

describe('Anthropic cache_control markers from the prefix cache', () => {
  it('marks the tools, the system prompt and the window segments where the warm and cached prefixes end', async () => {
    const k = await run(spec(true));
    expect(bodies()).toHaveLength(3);
    for (const body of bodies()) {
      // The system prompt as a marked text block; the last tool definition marked, no other.
      expect(body.system).toEqual([{ type: 'text', text: SYSTEM, cache_control: EPHEMERAL }]);
      expect(body.tools!.at(-1)!.cache_control).toEqual(EPHEMERAL);
      expect(body.tools!.slice(0, -1).some((t) => 'cache_control' in t)).toBe(false);
      // Anthropic allows four breakpoints per request.
      expect(JSON.stringify(body).split('"cache_control"').length - 1).toBeLessThanOrEqual(4);
    }
    // The kernel's lookups: turn t hits the t segments of the prompt before it and caches all t + 1.
    expect(of(k.events, 'kv.matched').map((e) => [e.turn, e.hitBlocks, e.blocks])).toEqual([[0, 0, 1], [1, 1, 2], [2, 2, 3]]);
    const messages = bodies().map((b) => b.messages.map((m) => ({ role: m.role, blocks: m.content.map((c) => (c.cache_control ? `${String(c.text)} ◆` : String(c.text))) })));
    // Turn 0: the cached prefix is the system prompt (marked above); the opening line is no segment.
    expect(messages[0]).toEqual([{ role: 'user', blocks: ['Begin your task.'] }]);
    // Turn 1: the warm prefix ends at the system prompt; the cached one at its first answer.
    expect(messages[1]).toEqual([{ role: 'user', blocks: ['Begin your task.'] }, { role: 'assistant', blocks: ['drafting ◆'] }]);
    // Turn 2: one block per segment (not one joined text), so the warm prefix ends on a block boundary.
    expect(messages[2]).toEqual([{ role: 'user', blocks: ['Begin your task.'] }, { role: 'assistant', blocks: ['drafting ◆', 'revising ◆'] }]);
  });

  it("records the provider's cache reads and writes beside the model's prediction; a replay asks no server", async () => {
    const k = await run(spec(true));
    expect(of(k.events, 'infer.completed').map((e) => e.record?.reported)).toEqual([
      { tokensIn: 420, tokensOut: 6, cacheWrite: 400 },
      { tokensIn: 435, tokensOut: 6, cachedIn: 400, cacheWrite: 30 },
      { tokensIn: 445, tokensOut: 8, cachedIn: 430, cacheWrite: 10 },
    ]);
    const matched = of(k.events, 'kv.matched');
    const reported = of(k.events, 'kv.reported');
    // What the provider read and wrote, beside what the kernel's model predicted for the same turn.
    expect(reported.map((e) => ({ cached: e.cachedTokens, written: e.writtenTokens, modelledCached: e.modelled.cachedTokens, modelledInserted: e.modelledInserted }))).toEqual(
      [[0, 400], [400, 30], [430, 10]].map(([cached, written], i) => ({ cached, written, modelledCached: matched[i]!.cachedTokens, modelledInserted: matched[i]!.insertedTokens })),
    );
    const requests = server.requests.length;
    const replay = Kernel.create(spec(true), { runId: 'r1', seed: 1, cpus: { anthropic: RecordedCpu.fromTrace('anthropic', k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
    expect(server.requests.length).toBe(requests);
  });

  it('sends no marker without prefixCache: the system prompt stays a string, as before', async () => {
    await run(spec(false));
    expect(bodies()).toHaveLength(3);
    for (const body of bodies()) {
      expect(JSON.stringify(body)).not.toContain('cache_control');
      expect(body.system).toBe(SYSTEM);
    }
    // Consecutive segments of one role are one joined text, as before.
    expect(bodies()[2]!.messages[1]!.content).toEqual([{ type: 'text', text: 'drafting\n\nrevising' }]);
  });
});
