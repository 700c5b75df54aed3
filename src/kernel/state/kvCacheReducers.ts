/**
 * The reducer's share of the prefix cache (memory/prefixCache.ts; loop/kvCacheStep.ts decides):
 * evictions and lookups change the model's cache, and each lookup adds to the agent's figures; a
 * provider's report replaces the modelled figures of its turn. Context rot changes no state: the
 * mistaken answer arrives on infer.completed like any other.
 */
import { idTable } from '../ids';
import { applyEviction, applyLookup, applyUndo, emptyPrefixCache, hitRate, planLookup, prefixChain, type LookupUndo, type PrefixCacheState } from '../memory/prefixCache';
import type { EventOf, ModelInfo } from '../trace/events';
import type { KernelState, Proc, ProcKv } from './state';
import { proc, type SubsystemReducers } from './reduceHelpers';
import { touchProc } from './touched';

/** The `kvCaches` table of a run's start state: one empty cache per model that declares one (none: absent). */
export function kvCachesAtStart(models: Readonly<Record<string, ModelInfo>>): { kvCaches?: Record<string, PrefixCacheState> } {
  const declared = Object.entries(models).filter(([, m]) => m.prefixCache !== undefined);
  if (declared.length === 0) return {};
  const kvCaches: Record<string, PrefixCacheState> = idTable();
  for (const [id, m] of declared) kvCaches[id] = emptyPrefixCache(m.prefixCache!.capacityTokens);
  return { kvCaches };
}

/** The agent's figures, made on its first lookup. */
export function procKv(p: Proc): ProcKv {
  return (p.kv ??= { lookups: 0, promptTokens: 0, cachedTokens: 0, pending: null, last: null });
}

/** The cached tokens a prefill of `tokensIn` is priced with (the pending lookup's, taken), or undefined. Called by infer.started's reducer. */
export function takePendingCached(p: Proc, tokensIn: number): number | undefined {
  const pending = p.kv?.pending;
  if (!pending || tokensIn <= 0) return undefined;
  p.kv!.pending = null;
  return Math.min(pending.cachedTokens, tokensIn);
}

/**
 * The pending lookup a failed call takes back (`infer.failed` with `kvUndone`): the model was not
 * asked, or did not start the prefill, so its cache was not warmed. The cache returns to what it
 * was (memory/prefixCache.ts planUndo) and the lookup leaves the agent's figures; the retry looks
 * the prompt up again. Called by infer.failed's reducer.
 */
export function undoPendingLookup(s: KernelState, e: EventOf<'infer.failed'>): void {
  if (!e.kvUndone) return;
  const kv = s.procs[e.agent]?.kv;
  const pending = kv?.pending;
  if (!kv || !pending) return;
  const cache = s.kvCaches?.[e.model];
  if (cache && pending.undo) applyUndo(cache, pending.undo.cache);
  kv.lookups -= 1;
  kv.promptTokens -= pending.promptTokens;
  kv.cachedTokens -= pending.cachedTokens;
  if (pending.undo) {
    kv.last = pending.undo.last;
    if (pending.undo.blocks) kv.blocks = pending.undo.blocks;
    else delete kv.blocks;
  }
  kv.pending = null;
}

/** The agent's hit rate once `promptTokens` / `cachedTokens` more are counted (what kv.matched and kv.reported carry). */
export function rateAfter(p: Proc, promptTokens: number, cachedTokens: number): number {
  return hitRate({ promptTokens: (p.kv?.promptTokens ?? 0) + promptTokens, cachedTokens: (p.kv?.cachedTokens ?? 0) + cachedTokens });
}

export const kvCacheReducers = {
  'kv.evicted': (s, e) => {
    const cache = s.kvCaches?.[e.model];
    if (!cache) return;
    // Kept for the lookup that follows, so a failed call can bring them back.
    const kv = procKv(proc(s, e.agent));
    for (const b of e.blocks) {
      const was = cache.blocks[b.hash];
      if (was) (kv.evicting ??= []).push({ hash: b.hash, ...was });
    }
    applyEviction(cache, e.blocks.map((b) => b.hash));
  },
  'kv.matched': (s, e) => {
    const cache = s.kvCaches?.[e.model];
    const p = proc(s, e.agent);
    touchProc(s, e.agent);
    const kv = procKv(p);
    const last = kv.last;
    const blocks = kv.blocks;
    let undo: LookupUndo | undefined;
    if (cache) {
      // The same plan the kernel emitted (its evictions were applied first): deterministic.
      const chain = prefixChain(p.context);
      const plan = planLookup(cache, chain);
      undo = applyLookup(cache, chain, plan.hitBlocks, plan.insertBlocks, e.agent);
      if (kv.evicting) undo.evicted = kv.evicting;
      kv.blocks = { warm: plan.hitBlocks, cached: plan.hitBlocks + plan.insertBlocks };
    }
    delete kv.evicting;
    kv.lookups += 1;
    kv.promptTokens += e.promptTokens;
    kv.cachedTokens += e.cachedTokens;
    kv.pending = { promptTokens: e.promptTokens, cachedTokens: e.cachedTokens, ...(undo ? { undo: { cache: undo, last, ...(blocks ? { blocks } : {}) } } : {}) };
    kv.last = { turn: e.turn, promptTokens: e.promptTokens, cachedTokens: e.cachedTokens, insertedTokens: e.insertedTokens };
  },
  'kv.reported': (s, e) => {
    const kv = procKv(proc(s, e.agent));
    kv.promptTokens += e.promptTokens - e.modelled.promptTokens;
    kv.cachedTokens += e.cachedTokens - e.modelled.cachedTokens;
    kv.last = { turn: e.turn, promptTokens: e.promptTokens, cachedTokens: e.cachedTokens, ...(kv.last?.turn === e.turn && kv.last.insertedTokens !== undefined ? { insertedTokens: kv.last.insertedTokens } : {}) };
  },
  'mem.rotted': () => {},
} satisfies SubsystemReducers;

/** The state's caches, for readers that take a state possibly stored before caches existed. */
export function kvCacheOf(s: Pick<KernelState, 'kvCaches'>, model: string): PrefixCacheState | undefined {
  return s.kvCaches?.[model];
}
