import type { AgentSpec, HarnessSpec } from '../spec';
import { numberParam } from './schedClass';

/**
 * Group weights, cgroup v2 style (cpu.weight, share_i = w_i / Σ siblings): a fair agent's
 * effective weight is its own (nice → cpu.weight, 0 → 100) scaled by each enclosing group's
 * weight / 100 and divided among that group's direct children, so a team of two gets what
 * one ungrouped agent of the team's weight would. Static: children are counted from the spec.
 */
export function effectiveSched(spec: HarnessSpec, agent: AgentSpec): AgentSpec['sched'] {
  const sc = agent.sched;
  if (sc.class !== 'fair' || sc.group === undefined) return sc;
  const byId = new Map(spec.groups.map((g) => [g.id, g]));
  const chainOf = (id: string | undefined): string[] => {
    const out: string[] = [];
    for (let g = id === undefined ? undefined : byId.get(id); g && out.length < 64; g = g.parent === undefined ? undefined : byId.get(g.parent)) out.push(g.id);
    return out;
  };
  const fairAgents = spec.agents.filter((a) => a.sched.class === 'fair');
  const holdsFair = (gid: string): boolean => fairAgents.some((a) => chainOf(a.sched.group).includes(gid));
  // A group's weight is shared among its direct children: fair agents in it and sub-groups holding some.
  const children = (gid: string): number =>
    fairAgents.filter((a) => a.sched.group === gid).length + spec.groups.filter((g) => g.parent === gid && holdsFair(g.id)).length;
  let w = numberParam(sc, 'weight') ?? Math.round(100 * 1.25 ** -(numberParam(sc, 'nice') ?? 0));
  for (const gid of chainOf(sc.group)) w = (w * byId.get(gid)!.weight) / 100 / Math.max(1, children(gid));
  return { ...sc, weight: Math.min(10_000, Math.max(1, Math.round(w))) };
}
