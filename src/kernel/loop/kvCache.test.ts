/**
 * The prefix cache in the run loop (kv-cache.json): lookups and evictions as events whose numbers
 * add up, cached prompt tokens priced at the cached rate in every slice, the hit rate per agent
 * in /proc, cache affinity changing the pick only when declared, and a seek that rebuilds the
 * same cache. A model without `prefixCache` emits none of it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import type { EventOf, KernelEvent, SliceCharge } from '../trace/events';
import { agentCacheFigures, kvCacheFigures } from '../memory/kvCacheFigures';
import { CpuFault } from '../cpu/fault';
import type { Cpu, InferRequest, InferResult } from '../cpu/cpu';
import { RecordedCpu } from '../cpu/recorded';

type Doc = Record<string, any>;

function example(edit?: (doc: Doc) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL('../../../public/examples/kv-cache.json', import.meta.url), 'utf8')) as Doc;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

async function run(spec: HarnessSpec, seed = 1): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'kv', seed });
  await k.runUntil({ maxEvents: 50_000 });
  expect(k.state.stopped?.reason).toBe('completed');
  return k;
}

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T): EventOf<T>[] => events.filter((e): e is EventOf<T> => e.type === type);
const slices = (events: readonly KernelEvent[]): SliceCharge[] => events.flatMap((e) => (e.type === 'infer.sliced' || e.type === 'infer.completed' ? [e.slice] : []));
const picks = (events: readonly KernelEvent[]): string[] => of(events, 'sched.picked').map((e) => e.agent);

describe('the prefix cache in a run', () => {
  it('hits the shared system prompt and each agent\'s previous prompt; the figures per agent add up', async () => {
    const k = await run(example());
    const matched = of(k.events, 'kv.matched');
    // Reviewer 2's first lookup hits the style guide Reviewer 1 cached (the same first block).
    const r2first = matched.find((e) => e.agent === 'reviewer-2')!;
    const guideTokens = matched.find((e) => e.agent === 'reviewer-1')!.promptTokens;
    expect(r2first).toMatchObject({ turn: 0, cachedTokens: guideTokens, hitBlocks: 1 });
    // A later turn re-reads the previous prompt from the cache: only what is new misses.
    const later = matched.filter((e) => e.agent === 'reviewer-2' && e.turn === 1)[0]!;
    expect(later.cachedTokens).toBeGreaterThan(0);
    expect(later.promptTokens - later.cachedTokens).toBeLessThan(later.promptTokens / 2);
    for (const agent of ['reviewer-1', 'reviewer-2', 'notes']) {
      const mine = matched.filter((e) => e.agent === agent);
      const prompt = mine.reduce((n, e) => n + e.promptTokens, 0);
      const cached = mine.reduce((n, e) => n + e.cachedTokens, 0);
      expect(agentCacheFigures(k.state, agent)).toMatchObject({ lookups: mine.length, promptTokens: prompt, cachedTokens: cached, hitRate: cached / prompt });
      expect(mine.at(-1)!.rate).toBeCloseTo(cached / prompt, 12);
    }
    const [cache] = kvCacheFigures(k.state);
    expect(cache!.used).toBeLessThanOrEqual(cache!.capacity);
    expect(cache!.used).toBe(matched.at(-1)!.used);
  });

  it('evicts at capacity with the numbers: the cache never holds more than its capacity', async () => {
    const k = await run(example());
    const evicted = of(k.events, 'kv.evicted');
    expect(evicted.length).toBeGreaterThan(0);
    for (const e of evicted) {
      expect(e.tokens).toBe(e.blocks.reduce((n, b) => n + b.tokens, 0));
      // Room for what the next lookup inserts: what stays plus what comes fits the capacity.
      expect(e.used - e.tokens + e.need).toBeLessThanOrEqual(e.capacity);
      const next = k.events[e.seq + 1]!;
      expect(next).toMatchObject({ type: 'kv.matched', agent: e.agent, insertedTokens: e.need });
    }
    for (const e of of(k.events, 'kv.matched')) expect(e.used).toBeLessThanOrEqual(e.capacity);
  });

  it('prices cached prompt tokens at the cached rate in every slice, and the run costs less for it', async () => {
    // Without the /proc read too: its text holds the cost, so its tokens would differ between the two.
    const noAffinity = (doc: Doc) => {
      delete doc.models[0].prefixCache.affinity;
      doc.agents[0].behaviour = doc.agents[0].behaviour.filter((s: Doc) => s.op !== 'proc');
    };
    const half = await run(example(noAffinity));
    const full = await run(example((doc) => {
      noAffinity(doc);
      doc.models[0].prefixCache.cachedPricePerMTok = doc.models[0].priceIn;
    }));
    let cached = 0;
    for (const s of slices(half.events)) {
      cached += s.cachedIn ?? 0;
      expect(s.cost).toBeCloseTo(((s.tokensIn - (s.cachedIn ?? 0)) * 0.15 + (s.cachedIn ?? 0) * 0.075 + s.tokensOut * 0.6) / 1e6, 15);
    }
    expect(cached).toBeGreaterThan(0);
    // Same schedule, same tokens: the difference is exactly the cached tokens' discount.
    expect(half.state.tokensIn).toBe(full.state.tokensIn);
    expect(full.state.cost - half.state.cost).toBeCloseTo((cached * (0.15 - 0.075)) / 1e6, 12);
  });

  it('shows the agent its hit rate in /proc', async () => {
    const k = await run(example());
    const read = of(k.events, 'proc.read').find((e) => e.agent === 'reviewer-1')!;
    const before = of(k.events.slice(0, read.seq), 'kv.matched').filter((e) => e.agent === 'reviewer-1');
    const prompt = before.reduce((n, e) => n + e.promptTokens, 0);
    const cached = before.reduce((n, e) => n + e.cachedTokens, 0);
    expect(read.snapshot.cache).toMatchObject({ model: 'sim', lookups: before.length, promptTokens: prompt, cachedTokens: cached, hitRate: cached / prompt });
  });

  it('changes the pick for the warm agent only when affinity is declared, and says why on the event', async () => {
    const withAffinity = await run(example());
    const without = await run(example((doc) => delete doc.models[0].prefixCache.affinity));
    const changed = of(withAffinity.events, 'sched.picked').filter((e) => e.affinity && e.affinity.chosen !== e.affinity.classPick);
    expect(changed.length).toBeGreaterThan(0);
    for (const e of changed) {
      const warm = (a: string) => e.affinity!.candidates.find((c) => c.agent === a)!.warmTokens;
      expect(e.agent).toBe(e.affinity!.chosen);
      expect(warm(e.agent) - warm(e.affinity!.classPick)).toBeGreaterThanOrEqual(100);
    }
    // The bound: a class pick that waited maxWaitMs is taken regardless.
    expect(of(withAffinity.events, 'sched.picked').some((e) => e.affinity?.reason.includes('maxWaitMs'))).toBe(true);
    expect(of(without.events, 'sched.picked').every((e) => e.affinity === undefined)).toBe(true);
    expect(picks(withAffinity.events)).not.toEqual(picks(without.events));
    // Declared but never worth it (minWarmTokens above any prompt): the class's picks, as without.
    const never = await run(example((doc) => (doc.models[0].prefixCache.affinity.minWarmTokens = 1_000_000)));
    expect(picks(never.events)).toEqual(picks(without.events));
  });

  it('rebuilds the same cache on a seek and a restore, and a model without prefixCache emits no kv event', async () => {
    const k = await run(example());
    const at = of(k.events, 'kv.evicted')[0]!.seq + 1;
    const live = Kernel.create(example(), { runId: 'kv', seed: 1 });
    await live.runUntil({ maxEvents: at + 1 });
    expect(k.stateAt(at).kvCaches).toEqual(live.state.kvCaches);
    const restored = Kernel.restore(k.events.slice(0, at + 1), example(), { runId: 'kv', seed: 1 });
    await restored.runUntil({ maxEvents: 50_000 });
    expect(restored.traceHash()).toBe(k.traceHash());
    const plain = await run(example((doc) => delete doc.models[0].prefixCache));
    expect(plain.events.some((e) => e.type.startsWith('kv.') || (e.type === 'sched.picked' && e.affinity !== undefined))).toBe(false);
    expect(slices(plain.events).some((s) => s.cachedIn !== undefined)).toBe(false);
    expect(plain.state.kvCaches).toBeUndefined();
  });
});

/** A CPU whose first call of each agent in `failing` throws a 503 (before any output: the request never reached the model). */
class FailsFirstCpu implements Cpu {
  readonly provider = 'openai-compatible';
  constructor(private readonly failing: ReadonlySet<string>) {}
  infer(req: InferRequest): InferResult {
    if (this.failing.has(req.agent.id) && (req.attempt ?? 0) === 0) {
      throw new CpuFault(req.model.id, { kind: 'server', message: 'scripted 503', fix: 'wait', retryable: true, retryAfterMs: null, status: 503, partial: null });
    }
    return { action: { kind: 'finish', text: 'ok' }, text: 'ok', tokensOut: 3, latencyMs: 0, nextPc: req.pc, record: { provider: this.provider, reported: null, estimate: { tokensIn: 1, tokensOut: 3 }, response: { text: 'ok' } } };
  }
}

function twoPrompts(capacityTokens: number): HarnessSpec {
  const prompt = (topic: string) => `You review ${topic}. ` + Array.from({ length: 30 }, (_, i) => `Rule ${i} for ${topic}: say why, name the line.`).join(' ');
  const r = parseHarness({
    version: 1, name: 'failed lookups',
    models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'x', slots: 1, prefixCache: { capacityTokens, cachedPricePerMTok: 0.1 } }],
    agents: [{ id: 'a', name: 'A', model: 'm', systemPrompt: prompt('payments') }, { id: 'b', name: 'B', model: 'm', systemPrompt: prompt('search') }],
  });
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

describe('a failed call after the lookup', () => {
  it('leaves the cache and the figures as they were before the lookup: a request that never reached the model warms nothing', async () => {
    const k = Kernel.create(twoPrompts(100_000), { runId: 'kv', seed: 1, cpus: { 'openai-compatible': new FailsFirstCpu(new Set(['b'])) } });
    await k.runUntil({ maxEvents: 10_000 });
    expect(k.state.stopped?.reason).toBe('completed');
    const failed = of(k.events, 'infer.failed');
    expect(failed.map((e) => e.agent)).toEqual(['b']);
    const lookup = of(k.events, 'kv.matched').filter((e) => e.agent === 'b');
    expect(lookup).toHaveLength(2);
    const [first, retry] = lookup as [EventOf<'kv.matched'>, EventOf<'kv.matched'>];
    expect(failed[0]!.kvUndone).toEqual({ promptTokens: first.promptTokens, cachedTokens: first.cachedTokens, removedTokens: first.insertedTokens, restoredTokens: 0 });
    // Right after the failure the cache is the one before the lookup, block for block.
    expect(k.stateAt(failed[0]!.seq).kvCaches).toEqual(k.stateAt(first.seq - 1).kvCaches);
    // The retry is looked up afresh and misses what the failed call would have cached.
    expect(retry.seq).toBeGreaterThan(failed[0]!.seq);
    expect(retry).toMatchObject({ cachedTokens: first.cachedTokens, insertedTokens: first.insertedTokens });
    // Its figures count the lookup that priced a prefill, not the one taken back.
    expect(agentCacheFigures(k.state, 'b')).toMatchObject({ lookups: 1, promptTokens: retry.promptTokens, cachedTokens: retry.cachedTokens });
  });

  it('brings back the blocks evicted for it, so the other agent\'s prefix is warm again', async () => {
    // Room for one agent's prompt, not two: b's lookup evicts a's.
    const spec = twoPrompts(450);
    const k = Kernel.create(spec, { runId: 'kv', seed: 1, cpus: { 'openai-compatible': new FailsFirstCpu(new Set(['b'])) } });
    await k.runUntil({ maxEvents: 10_000 });
    expect(k.state.stopped?.reason).toBe('completed');
    const failed = of(k.events, 'infer.failed')[0]!;
    const evicted = of(k.events, 'kv.evicted').find((e) => e.agent === 'b')!;
    expect(evicted.seq).toBeLessThan(failed.seq);
    expect(evicted.blocks.every((b) => b.owner === 'a')).toBe(true);
    expect(failed.kvUndone).toMatchObject({ restoredTokens: evicted.tokens });
    expect(k.stateAt(failed.seq).kvCaches).toEqual(k.stateAt(evicted.seq - 1).kvCaches);
    expect(agentCacheFigures(k.stateAt(failed.seq), 'a')!.warmTokens).toBe(agentCacheFigures(k.stateAt(evicted.seq - 1), 'a')!.warmTokens);
    // A seek, a restore after the failure and a replay rebuild the same cache.
    const restored = Kernel.restore(k.events.slice(0, failed.seq + 1), spec, { runId: 'kv', seed: 1, cpus: { 'openai-compatible': new FailsFirstCpu(new Set()) } });
    await restored.runUntil({ maxEvents: 10_000 });
    expect(restored.traceHash()).toBe(k.traceHash());
    const replay = Kernel.create(spec, { runId: 'kv', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
  });
});
