/**
 * The run loop's prefix-cache decisions as events (memory/prefixCache.ts holds the rules): the
 * lookup before a prefill (`kv.evicted` first when the missed blocks need room, then
 * `kv.matched`), cache affinity when a slot frees (the warm agent among the class's first
 * candidates), and a real model's reported cached tokens (`kv.reported`). Only a model that
 * declares `prefixCache` gets any of it: other runs emit exactly what they did before.
 */
import type { AgentId } from '../ids';
import { planLookup, planUndo, prefixChain, warmPrefix } from '../memory/prefixCache';
import type { SchedClass } from '../sched/schedClass';
import type { Proc } from '../state/state';
import { rateAfter } from '../state/kvCacheReducers';
import type { InferResult } from '../cpu/cpu';
import type { AffinityTerm, KernelEvent, KvUndone } from '../trace/events';
import type { RunContext } from './runContext';

/**
 * Before the agent's prefill: its prompt is looked up in its model's cache. Emits `kv.evicted`
 * (room for the missed blocks) or `kv.matched` (the hit, priced by the prefill that follows), or
 * nothing when the model has no cache or this prefill was looked up already.
 */
export function kvLookupStep(ctx: RunContext, p: Proc): KernelEvent | undefined {
  const cache = ctx.s.kvCaches?.[p.model];
  if (!cache || p.kv?.pending) return undefined;
  const chain = prefixChain(p.context);
  const plan = planLookup(cache, chain);
  if (plan.evict.length > 0) {
    const blocks = plan.evict.map((hash) => {
      const b = cache.blocks[hash]!;
      return { hash, tokens: b.tokens, owner: b.owner, lastUsed: b.lastUsed };
    });
    return ctx.emit({ type: 'kv.evicted', agent: p.id, model: p.model, blocks, tokens: plan.evictTokens, need: plan.insertTokens, used: cache.used, capacity: cache.capacity });
  }
  return ctx.emit({
    type: 'kv.matched', agent: p.id, model: p.model, turn: p.turn, promptTokens: plan.promptTokens, cachedTokens: plan.hitTokens,
    hitBlocks: plan.hitBlocks, blocks: chain.length, insertedTokens: plan.insertTokens, used: cache.used + plan.insertTokens, capacity: cache.capacity,
    rate: rateAfter(p, plan.promptTokens, plan.hitTokens),
  });
}

/**
 * Cache affinity (opt-in, `prefixCache.affinity`): among the class's first `candidates` runnable
 * agents, the one with the most prompt tokens warm in the model's cache goes first if it has at
 * least `minWarmTokens` more than the class's own pick, unless that pick already waited
 * `maxWaitMs`. Ties keep the class's order, so the pick is deterministic. Null: not enabled.
 */
export function cacheAffinity(ctx: RunContext, model: string, cls: SchedClass, pick: AgentId): AffinityTerm | null {
  const affinity = ctx.models.get(model)?.prefixCache?.affinity;
  const cache = ctx.s.kvCaches?.[model];
  if (!affinity || !cache) return null;
  const s = ctx.s;
  const rq = s.runqueues[model]![cls.name];
  const view = ctx.schedView(model);
  const others = cls.queued(rq, s.now).filter((a) => a !== pick && !view.held?.(a) && !cls.throttled(rq, a, s.now));
  const candidates = [pick, ...others].slice(0, affinity.candidates).map((agent) => ({ agent, warmTokens: warmPrefix(cache, prefixChain(s.procs[agent]!.context)).tokens }));
  let best = candidates[0]!;
  for (const c of candidates) if (c.warmTokens > best.warmTokens) best = c;
  const gain = best.warmTokens - candidates[0]!.warmTokens;
  const waited = s.now - s.procs[pick]!.readyAt;
  const term = (chosen: AgentId, reason: string): AffinityTerm => ({ classPick: pick, chosen, candidates, reason });
  if (best.agent === pick) return term(pick, 'the class pick is the warmest candidate');
  if (gain < affinity.minWarmTokens) return term(pick, `${best.agent} is ${gain} tokens warmer, under minWarmTokens ${affinity.minWarmTokens}`);
  if (affinity.maxWaitMs !== undefined && waited >= affinity.maxWaitMs) return term(pick, `${pick} waited ${waited} ms, at least maxWaitMs ${affinity.maxWaitMs}`);
  return term(best.agent, `${best.agent} has ${gain} more prompt tokens cached than ${pick}`);
}

/** A real model's answer on a model with a prefix cache: the provider's prompt and cached tokens (null: none reported, or no cache). */
export function reportedCache(ctx: RunContext, p: Proc, result: InferResult): { promptTokens: number; cachedTokens: number } | null {
  const reported = result.record?.reported;
  if (!reported || !ctx.models.get(p.model)?.prefixCache) return null;
  return { promptTokens: reported.tokensIn, cachedTokens: Math.min(reported.cachedIn ?? 0, reported.tokensIn) };
}

/**
 * Before a real model's `infer.completed`: the provider's cached tokens as `kv.reported` (once
 * per turn), replacing the modelled figures of the turn's last lookup in the agent's hit rate.
 * A provider that reports its cache writes (Anthropic's `cache_creation_input_tokens`) gets them
 * beside the tokens the lookup modelled as inserted, so the trace compares the two.
 */
export function kvReportStep(ctx: RunContext, p: Proc, result: InferResult): KernelEvent | undefined {
  const rep = reportedCache(ctx, p, result);
  if (!rep) return undefined;
  const lastSeq = ctx.lastByAgent.get(p.id);
  const last = lastSeq === undefined ? undefined : ctx.log[lastSeq];
  if (last?.type === 'kv.reported' && last.turn === p.turn) return undefined;
  const lookup = p.kv?.last?.turn === p.turn ? p.kv.last : null;
  const modelled = lookup ? { promptTokens: lookup.promptTokens, cachedTokens: lookup.cachedTokens } : { promptTokens: 0, cachedTokens: 0 };
  const rate = rateAfter(p, rep.promptTokens - modelled.promptTokens, rep.cachedTokens - modelled.cachedTokens);
  const written = result.record?.reported?.cacheWrite;
  const writes = written === undefined ? {} : { writtenTokens: written, modelledInserted: lookup?.insertedTokens ?? 0 };
  return ctx.emit({ type: 'kv.reported', agent: p.id, model: p.model, turn: p.turn, promptTokens: rep.promptTokens, cachedTokens: rep.cachedTokens, modelled, rate, ...writes });
}

/**
 * A call that failed before its prefill started, on a model with a prefix cache: the lookup made
 * for it is taken back (a request that never reached the model warms nothing), and `infer.failed`
 * says so with the numbers. Undefined: no cache, or no lookup pending (the prefill had started:
 * the provider read the prompt, so its blocks stay).
 */
export function kvUndoneOnFailure(ctx: RunContext, p: Proc): KvUndone | undefined {
  const pending = p.kv?.pending;
  const cache = ctx.s.kvCaches?.[p.model];
  if (!pending || !cache) return undefined;
  const plan = pending.undo ? planUndo(cache, pending.undo.cache) : { removeTokens: 0, restoreTokens: 0 };
  return { promptTokens: pending.promptTokens, cachedTokens: pending.cachedTokens, removedTokens: plan.removeTokens, restoredTokens: plan.restoreTokens };
}
