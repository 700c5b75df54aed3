import type { Cpu } from '../cpu/cpu';
import type { Proc } from '../state/state';
import type { AgentSpec, HarnessSpec, ModelSpec } from '../spec';
import type { KernelEventBody, RouteObjective } from '../trace/events';
import { objectiveScores, qualityPerPrice, type Objective } from './objective';
import { numberParam } from './schedClass';

/**
 * Model routing: when the next step declares the quality tier it needs, pick the cheapest
 * model that meets it (ties: the higher tier); steps that declare none use the agent's own.
 * With the document's `sched.objective` (objective.ts), every turn is routed by it instead:
 * among the models that meet the need (0 when none is declared), the best score of the urgency
 * term speed^urgency against quality per price — one objective, not two knobs.
 */
export function decideRoute(spec: HarnessSpec, cpus: Readonly<Record<string, Cpu>>, p: Proc, agent: AgentSpec, need: number | undefined): KernelEventBody | null {
  const objective = spec.sched.objective;
  if (objective !== undefined) return routeByObjective(spec, cpus, p, agent, need ?? 0, objective);
  if (need === undefined) {
    if (p.model === agent.model) return null;
    return { type: 'sched.routed', agent: p.id, need: 0, model: agent.model, from: p.model, reason: `no precision declared: back to ${agent.model}`, candidates: [] };
  }
  const price = (m: ModelSpec): number => m.priceIn + m.priceOut;
  const candidates = spec.models.map((m) => ({ model: m.id, quality: m.quality, priceIn: m.priceIn, priceOut: m.priceOut, ok: m.quality >= need && cpus[m.provider] !== undefined }));
  const fit = spec.models.filter((m, i) => candidates[i]!.ok).sort((a, b) => price(a) - price(b) || b.quality - a.quality);
  const best = [...spec.models].sort((a, b) => b.quality - a.quality || price(a) - price(b))[0]!;
  const chosen = fit[0] ?? best;
  const reason = fit[0]
    ? `cheapest of ${fit.length} model${fit.length > 1 ? 's' : ''} with quality ≥ ${need}: ${chosen.id} (q${chosen.quality}, $${price(chosen)}/M in+out)`
    : `no model reaches quality ${need}; the best is ${chosen.id} (q${chosen.quality})`;
  return { type: 'sched.routed', agent: p.id, need, model: chosen.id, from: p.model, reason, candidates };
}

const short = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

/**
 * Routing by the objective: for each model that meets `need` (and has a CPU here), the urgency
 * term is its speed (tokens/s over the fastest candidate's) to the power of the agent's
 * `sched.urgency` (default 1): speed counts as many times as the agent is urgent; the quality
 * term is its quality per $/M tokens. The highest score wins (ties: cheaper, then document order).
 */
export function routeByObjective(spec: HarnessSpec, cpus: Readonly<Record<string, Cpu>>, p: Proc, agent: AgentSpec, need: number, objective: Objective): KernelEventBody {
  const candidates = spec.models.map((m) => ({ model: m.id, quality: m.quality, priceIn: m.priceIn, priceOut: m.priceOut, ok: m.quality >= need && cpus[m.provider] !== undefined }));
  const fit = spec.models.filter((_, i) => candidates[i]!.ok);
  const urgency = numberParam(agent.sched, 'urgency') ?? 1;
  const objectiveOf = (scores: RouteObjective['scores']): RouteObjective => ({ form: objective.form, urgencyWeight: objective.urgencyWeight, qualityWeight: objective.qualityWeight, urgency, scores });
  if (fit.length === 0) {
    const best = [...spec.models].sort((a, b) => b.quality - a.quality || a.priceIn + a.priceOut - (b.priceIn + b.priceOut))[0]!;
    return { type: 'sched.routed', agent: p.id, need, model: best.id, from: p.model, reason: `no model reaches quality ${need}; the best is ${best.id} (q${best.quality})`, candidates, objective: objectiveOf([]) };
  }
  const fastest = Math.max(...fit.map((m) => m.tokensPerSecond));
  // Speed counts `urgency`-fold: an urgent agent (3) wants the fast model badly, a patient one (0.5) hardly cares.
  const speeds = fit.map((m) => m.tokensPerSecond / fastest);
  const terms = fit.map((m, i) => ({ urgency: Math.pow(speeds[i]!, urgency), qualityPerToken: qualityPerPrice(m.quality, m.priceIn, m.priceOut) }));
  const scores = objectiveScores(objective, terms);
  let at = 0;
  for (let i = 1; i < fit.length; i++) {
    const d = scores[i]! - scores[at]!;
    if (d > 0 || (d === 0 && fit[i]!.priceIn + fit[i]!.priceOut < fit[at]!.priceIn + fit[at]!.priceOut)) at = i;
  }
  const chosen = fit[at]!;
  const form = objective.form === 'product' ? `(speed^${short(urgency)})^${objective.urgencyWeight} × (quality/price)^${objective.qualityWeight}` : `${objective.urgencyWeight}·speed^${short(urgency)} + ${objective.qualityWeight}·quality/price (each over its largest)`;
  const reason = `objective ${form}: ${chosen.id} scores ${short(scores[at]!)} (speed ${short(speeds[at]!)}, q/price ${short(terms[at]!.qualityPerToken)})${fit.length > 1 ? ` of ${fit.length} models with quality ≥ ${need}` : ''}`;
  return {
    type: 'sched.routed', agent: p.id, need, model: chosen.id, from: p.model, reason, candidates,
    objective: objectiveOf(fit.map((m, i) => ({ model: m.id, speed: speeds[i]!, qualityPerPrice: terms[i]!.qualityPerToken, score: scores[i]! }))),
  };
}
