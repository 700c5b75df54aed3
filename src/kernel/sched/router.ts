import type { Cpu } from '../cpu/cpu';
import type { Proc } from '../state/state';
import type { AgentSpec, HarnessSpec, ModelSpec } from '../spec';
import type { KernelEventBody } from '../trace/events';

/**
 * Model routing: when the next step declares the quality tier it needs, pick the cheapest
 * model that meets it (ties: the higher tier); steps that declare none use the agent's own.
 */
export function decideRoute(spec: HarnessSpec, cpus: Readonly<Record<string, Cpu>>, p: Proc, agent: AgentSpec, need: number | undefined): KernelEventBody | null {
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
