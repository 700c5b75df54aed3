/**
 * A model endpoint's prefix cache, declared on the model (`prefixCache`): the kernel models the
 * provider's KV cache as an LRU of prompt prefixes (kernel/memory/prefixCache.ts), prices cached
 * prompt tokens at the provider's cached rate, and may prefer the agent whose prefix is warm.
 * Absent: no cache is modelled and every event and cost is as before.
 */
import { z } from 'zod';

/**
 * Cache affinity (opt-in): when a slot frees, the first `candidates` agents of the picking class
 * (in the class's own order) are compared by their warm prefix, and the warmest is picked if it
 * has at least `minWarmTokens` more cached tokens than the class's own pick; `maxWaitMs` bounds
 * how long the class's pick may be passed over (it is taken regardless once it waited that long).
 */
export const CacheAffinitySchema = z
  .object({
    candidates: z.number().int().min(2).max(64).default(2),
    minWarmTokens: z.number().int().min(1).default(1),
    maxWaitMs: z.number().int().min(0).optional(),
  })
  .strict();

export const PrefixCacheSchema = z
  .object({
    /** How many prompt tokens the endpoint keeps cached (its KV-cache blocks), over all agents. */
    capacityTokens: z.number().int().min(1).max(1_000_000_000),
    /** Price in USD per million cached prompt tokens (OpenAI's cached input, Anthropic's cache reads). */
    cachedPricePerMTok: z.number().min(0),
    affinity: CacheAffinitySchema.optional(),
  })
  .strict();

export type PrefixCacheSpec = z.infer<typeof PrefixCacheSchema>;
export type CacheAffinitySpec = z.infer<typeof CacheAffinitySchema>;
