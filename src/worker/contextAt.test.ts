import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness, promptAt, type KernelEvent } from '../kernel';
import { ContextCache, answerOf, type ContextSource } from './contextAt';

async function run(name: string, seed: number): Promise<Kernel> {
  const parsed = parseHarness(JSON.parse(readFileSync(`public/examples/${name}.json`, 'utf8')));
  if (!parsed.ok) throw new Error(`${name} invalid`);
  await loadEncodingsFor(parsed.spec);
  const k = Kernel.create(parsed.spec, { runId: 'ctx', seed, snapshotEvery: 16 });
  await k.runUntil();
  return k;
}

/** A source over a kernel that counts the events it hands out (the replay's cost). */
function sourceOf(k: Kernel, asyncReads: boolean): ContextSource & { read: number } {
  const src = {
    spec: k.document, seed: k.seed, head: k.head, read: 0,
    events(from: number, to: number) {
      const out: readonly KernelEvent[] = k.events.slice(from, to + 1);
      src.read += out.length;
      return asyncReads ? Promise.resolve(out) : out;
    },
    stateAt: (seq: number) => (asyncReads ? Promise.resolve(k.stateAt(seq)) : k.stateAt(seq)),
  };
  return src;
}

describe('the context view’s kept replay (ContextCache)', () => {
  it('answers as a whole replay does, at every cursor and agent, moving forward and back in any order', async () => {
    for (const [name, asyncReads, every] of [['research-team', false, 1], ['contention', true, 29]] as const) {
      const k = await run(name, 2);
      const cache = new ContextCache();
      const src = sourceOf(k, asyncReads);
      const agents = k.document.agents.map((a) => a.id);
      // Forward, then a shuffled order (a person scrubbing back and forth).
      const seqs = Array.from({ length: Math.floor(k.head / every) + 1 }, (_, i) => i * every);
      const shuffled = seqs.map((_, i) => seqs[(i * 37) % seqs.length]!);
      for (const seq of [...seqs, ...shuffled]) {
        for (const agent of agents) {
          const got = await cache.answer('r', src, seq, agent);
          expect(got, `${name} @${seq} ${agent}`).toEqual(answerOf(k.document, promptAt(k.document, k.seed, k.events, seq, agent)));
        }
      }
    }
  }, 120_000);

  it('feeds each event to its replay once, however the cursor moves, and answers nothing outside the run', async () => {
    const k = await run('research-team', 1);
    const cache = new ContextCache();
    const src = sourceOf(k, false);
    await cache.answer('r', src, k.head, 'writer');
    const through = cache.replayed('r');
    expect(through).toBeGreaterThan(k.head - 20);
    for (let seq = k.head; seq >= 0; seq--) await cache.answer('r', src, seq, 'writer');
    expect(cache.replayed('r')).toBe(through);
    expect(await cache.answer('r', src, k.head + 1, 'writer')).toBeNull();
    expect(await cache.answer('r', src, 3, 'nobody')).toBeNull();
    cache.drop('r');
    expect(cache.replayed('r')).toBe(-1);
  });
});

describe('the context view’s wire body', () => {
  it('shows the cache_control markers an Anthropic endpoint is sent on a model with prefixCache', async () => {
    const k = await run('kv-cache', 1);
    // The same run's prompt, as the body an Anthropic endpoint for its model would get.
    const onAnthropic = { ...k.document, models: k.document.models.map((m) => ({ ...m, provider: 'anthropic' as const })) };
    const turn = k.events.filter((e) => e.type === 'kv.matched' && e.agent === 'reviewer-1' && e.hitBlocks > 1).at(-1)!;
    const view = promptAt(k.document, k.seed, k.events, turn.seq + 1, 'reviewer-1');
    const body = answerOf(onAnthropic, view)!.wire!.body as { system: unknown; messages: Array<{ content: Array<Record<string, unknown>> }> };
    expect(body.system).toEqual([expect.objectContaining({ type: 'text', cache_control: { type: 'ephemeral' } })]);
    const marked = body.messages.flatMap((m) => m.content).filter((b) => b.cache_control);
    expect(marked.length).toBeGreaterThanOrEqual(1);
    expect(marked.length).toBeLessThanOrEqual(2);
  });
});
