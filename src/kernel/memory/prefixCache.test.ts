/**
 * The prefix cache's rules on their own: a hit on a shared prefix, a miss from the first changed
 * segment on, LRU eviction at capacity (leaves first, the prompt's own hit kept), and the cached
 * price of prompt tokens.
 */
import { describe, expect, it } from 'vitest';
import { applyEviction, applyLookup, applyUndo, emptyPrefixCache, planLookup, prefixChain, promptCost, warmPrefix, type ChainSegment, type PrefixCacheState } from './prefixCache';

const seg = (text: string, tokens = 100, kind = 'message'): ChainSegment => ({ kind, role: kind === 'system' ? 'system' : 'user', text, tokens });

/** Looks a window up and applies it as the kernel does: evictions first, then the lookup. */
function lookup(cache: PrefixCacheState, window: readonly ChainSegment[], owner = 'a') {
  const chain = prefixChain(window);
  const plan = planLookup(cache, chain);
  const evicted = plan.evict.map((hash) => ({ hash, ...cache.blocks[hash]! }));
  applyEviction(cache, plan.evict);
  const undo = applyLookup(cache, chain, plan.hitBlocks, plan.insertBlocks, owner);
  undo.evicted = evicted;
  return Object.assign(plan, { undo });
}

describe('prefix cache', () => {
  it('hits the shared prefix of two prompts, block by block in order', () => {
    const cache = emptyPrefixCache(10_000);
    const guide = seg('the style guide', 300, 'system');
    expect(lookup(cache, [guide, seg('diff 1')], 'a')).toMatchObject({ hitBlocks: 0, hitTokens: 0, promptTokens: 400, insertTokens: 400 });
    // Another agent with the same system prompt: its first block is warm.
    expect(lookup(cache, [guide, seg('diff 2')], 'b')).toMatchObject({ hitBlocks: 1, hitTokens: 300, promptTokens: 400, insertTokens: 100 });
    // The first prompt grown by one segment: everything it sent before is warm.
    expect(lookup(cache, [guide, seg('diff 1'), seg('answer 1', 50)], 'a')).toMatchObject({ hitBlocks: 2, hitTokens: 400, insertTokens: 50 });
    expect(cache.used).toBe(550);
  });

  it('misses everything after a changed earlier segment, even where later segments are the same', () => {
    const cache = emptyPrefixCache(10_000);
    const window = [seg('system', 100, 'system'), seg('fact: budget 10'), seg('message'), seg('tool result')];
    lookup(cache, window);
    const edited = [window[0]!, seg('fact: budget 12'), window[2]!, window[3]!];
    const plan = planLookup(cache, prefixChain(edited));
    expect(plan).toMatchObject({ hitBlocks: 1, hitTokens: 100, promptTokens: 400 });
    // The same texts at other positions hash differently: a chain, not a set of segments.
    expect(prefixChain(edited)[2]!.hash).not.toBe(prefixChain(window)[2]!.hash);
    expect(warmPrefix(cache, prefixChain(window))).toEqual({ blocks: 4, tokens: 400 });
  });

  it('evicts the least recently used blocks at capacity, leaves first, and never the blocks the prompt hits', () => {
    const cache = emptyPrefixCache(500);
    const a = [seg('A system', 100, 'system'), seg('a1'), seg('a2')];
    const b = [seg('B system', 100, 'system'), seg('b1')];
    lookup(cache, a, 'a'); // 300 used
    lookup(cache, b, 'b'); // 500 used, full
    // a's prompt grows by 100 tokens: a is warm (its 300 hit), so b's blocks go, leaf first.
    const plan = lookup(cache, [...a, seg('a3')], 'a');
    expect(plan.hitTokens).toBe(300);
    const bChain = prefixChain(b);
    expect(plan.evict).toEqual([bChain[1]!.hash]);
    expect(plan.evictTokens).toBe(100);
    expect(cache.used).toBe(500);
    // b's system block stayed (its child went first), so b still hits it.
    expect(warmPrefix(cache, bChain)).toEqual({ blocks: 1, tokens: 100 });
    // A prompt larger than the cache caches only the leading blocks that fit.
    const huge = lookup(cache, [seg('C', 300, 'system'), seg('c1', 300)], 'c');
    expect(huge).toMatchObject({ insertBlocks: 1, insertTokens: 300 });
    expect(cache.used).toBeLessThanOrEqual(500);
  });

  it('takes a lookup back: exactly when nothing came between, keeping what a later lookup used otherwise', () => {
    const cache = emptyPrefixCache(500);
    const a = [seg('A system', 100, 'system'), seg('a1'), seg('a2')];
    const b = [seg('B system', 100, 'system'), seg('b1'), seg('b2')];
    lookup(cache, a, 'a');
    const before = structuredClone(cache);
    const failed = lookup(cache, b, 'b'); // evicts a2 to fit
    expect(failed.evictTokens).toBe(100);
    expect(applyUndo(cache, failed.undo)).toMatchObject({ removeTokens: 300, restoreTokens: 100 });
    expect(cache).toEqual(before);
    // Another lookup between: the block it went through stays, and no evicted block returns
    // (c's lookup evicted a1, so a2 would come back without its parent).
    const again = lookup(cache, b, 'b');
    lookup(cache, [b[0]!, seg('b1 other')], 'c');
    const plan = applyUndo(cache, again.undo);
    expect(plan.remove).toEqual([prefixChain(b)[1]!.hash, prefixChain(b)[2]!.hash]);
    expect(plan.restore).toEqual([]);
    expect(Object.hasOwn(cache.blocks, prefixChain(b)[0]!.hash)).toBe(true);
    expect(cache.used).toBeLessThanOrEqual(cache.capacity);
  });

  it('prices cached prompt tokens at the cached rate (per million, before the division)', () => {
    expect(promptCost(1000, 600, 0.15, 0.075)).toBeCloseTo(400 * 0.15 + 600 * 0.075);
    expect(promptCost(1000, 0, 0.15, 0.075)).toBeCloseTo(1000 * 0.15);
    // Never more cached than sent.
    expect(promptCost(100, 600, 0.15, 0.075)).toBeCloseTo(100 * 0.075);
  });
});
