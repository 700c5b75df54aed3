/**
 * Two-dimensional priority: urgency and quality per token combined as ONE declared objective
 * (the document's `sched.objective`), used in both places the kernel ranks work:
 *
 * - model routing (router.ts): for each model that meets the turn's quality need, the urgency
 *   term is the model's speed (its tokens/s over the fastest candidate's) to the power of the
 *   agent's urgency (an urgent turn wants a fast model badly, a patient one hardly cares), the
 *   quality term its quality per $/M tokens (priceIn + priceOut);
 * - picking among queued agents (the `objective` class, objectiveClass.ts): the urgency term is
 *   the agent's urgency × (1 + its wait in seconds), the quality term its declared `quality`
 *   per token it used per turn so far.
 *
 * `product`: score = U^urgencyWeight × Q^qualityWeight (scale-free: a unit change of either
 * term changes no ranking). `linear`: score = urgencyWeight·U/Umax + qualityWeight·Q/Qmax
 * (each term over the candidates' largest, so the weights compare like with like).
 * With qualityWeight 0 the objective is urgency alone; with urgencyWeight 0, quality per token alone.
 */

/** The document's `sched.objective`. */
export interface Objective {
  urgencyWeight: number;
  qualityWeight: number;
  form: 'product' | 'linear';
}

/** One candidate's two terms. */
export interface ObjectiveTerms {
  urgency: number;
  qualityPerToken: number;
}

/**
 * The product form's score of one candidate: it depends on that candidate alone, so the objective
 * class can rank by it without seeing the others (objectiveTournament.ts uses this very formula).
 */
export function productScore(o: Objective, urgency: number, qualityPerToken: number): number {
  return Math.pow(urgency, o.urgencyWeight) * Math.pow(qualityPerToken, o.qualityWeight);
}

/** Scores candidates under the objective (same order as given). */
export function objectiveScores(o: Objective, terms: readonly ObjectiveTerms[]): number[] {
  if (o.form === 'product') return terms.map((x) => productScore(o, x.urgency, x.qualityPerToken));
  const uMax = Math.max(0, ...terms.map((x) => x.urgency)) || 1;
  const qMax = Math.max(0, ...terms.map((x) => x.qualityPerToken)) || 1;
  return terms.map((x) => o.urgencyWeight * (x.urgency / uMax) + o.qualityWeight * (x.qualityPerToken / qMax));
}

/** The smallest price counted (per M tokens), so a free model's quality per price stays finite. */
export const PRICE_FLOOR = 0.001;

/** Quality per $/M tokens of a model. */
export function qualityPerPrice(quality: number, priceIn: number, priceOut: number): number {
  return quality / Math.max(PRICE_FLOOR, priceIn + priceOut);
}
