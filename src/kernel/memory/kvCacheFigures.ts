/**
 * The prefix cache's figures at a state, for /proc and the studio's Prompt cache section: per
 * model its fill, per agent its lookups, prompt and cached tokens, hit rate, and how much of its
 * window is warm now (what cache affinity compares). One home, so the two never disagree.
 */
import { hitRate, prefixChain, warmPrefix } from './prefixCache';
import type { KernelState } from '../state/state';
import type { AgentCacheFigures, ModelCacheFigures } from './kvCacheTypes';

export type { AgentCacheFigures, ModelCacheFigures } from './kvCacheTypes';

/** The agent's figures, or null when its model has no prefix cache. */
export function agentCacheFigures(s: Readonly<KernelState>, agent: string): AgentCacheFigures | null {
  const p = s.procs[agent];
  const cache = p ? s.kvCaches?.[p.model] : undefined;
  if (!p || !cache) return null;
  const kv = p.kv ?? { lookups: 0, promptTokens: 0, cachedTokens: 0 };
  return {
    agent, model: p.model, lookups: kv.lookups, promptTokens: kv.promptTokens, cachedTokens: kv.cachedTokens,
    hitRate: hitRate(kv), warmTokens: warmPrefix(cache, prefixChain(p.context)).tokens,
  };
}

/** Every model's cache with its agents in document order (empty: no model declares one). */
export function kvCacheFigures(s: Readonly<KernelState>): ModelCacheFigures[] {
  if (!s.kvCaches) return [];
  return Object.keys(s.kvCaches).sort().map((model) => {
    const cache = s.kvCaches![model]!;
    const agents = s.order.filter((a) => s.procs[a]?.model === model).map((a) => agentCacheFigures(s, a)!);
    return { model, used: cache.used, capacity: cache.capacity, blocks: Object.keys(cache.blocks).length, agents };
  });
}
