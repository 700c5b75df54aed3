/**
 * Context rot (opt-in, sim only): the chance that a turn's answer is a mistake grows with the
 * window's length by a declared curve (kernel/cpu/contextRot.ts). Declared on a model (all its
 * agents) or on an agent (which overrides its model's). Absent: the sim never rots.
 */
import { z } from 'zod';

const Probability = z.number().min(0).max(1);

export const ContextRotSchema = z.discriminatedUnion('curve', [
  /** p = min(max, base + perKTokens × tokens / 1000). */
  z.object({ curve: z.literal('linear'), perKTokens: Probability, base: Probability.default(0), max: Probability.default(1) }).strict(),
  /** p = max / (1 + e^(−steepness × (tokens − midpointTokens) / 1000)): little rot, then a steep rise around the midpoint. */
  z.object({ curve: z.literal('logistic'), midpointTokens: z.number().int().min(1), steepness: z.number().positive().max(100), max: Probability.default(1) }).strict(),
]);

export type ContextRotSpec = z.infer<typeof ContextRotSchema>;
