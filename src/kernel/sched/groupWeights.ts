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
  const { byId, chainOf, children } = groupTree(spec);
  let w = numberParam(sc, 'weight') ?? Math.round(100 * 1.25 ** -(numberParam(sc, 'nice') ?? 0));
  for (const gid of chainOf(sc.group)) w = (w * byId.get(gid)!.weight) / 100 / Math.max(1, children.get(gid) ?? 0);
  return { ...sc, weight: Math.min(10_000, Math.max(1, Math.round(w))) };
}

interface GroupTree {
  byId: ReadonlyMap<string, HarnessSpec['groups'][number]>;
  /** A group and its ancestors, innermost first (at most 64: a cycle the parser missed stops there). */
  chainOf(id: string | undefined): string[];
  /** Per group, its direct children sharing its weight: fair agents in it and sub-groups holding some. */
  children: ReadonlyMap<string, number>;
}

const trees = new WeakMap<HarnessSpec, GroupTree>();

/** The document's group tree with each group's children counted, once per document (each spawn asks again; counting per call cost O(agents × groups)). */
function groupTree(spec: HarnessSpec): GroupTree {
  let tree = trees.get(spec);
  if (tree) return tree;
  const byId = new Map(spec.groups.map((g) => [g.id, g]));
  const chainOf = (id: string | undefined): string[] => {
    const out: string[] = [];
    for (let g = id === undefined ? undefined : byId.get(id); g && out.length < 64; g = g.parent === undefined ? undefined : byId.get(g.parent)) out.push(g.id);
    return out;
  };
  const children = new Map<string, number>();
  const holdsFair = new Set<string>();
  for (const a of spec.agents) {
    if (a.sched.class !== 'fair') continue;
    if (a.sched.group !== undefined) children.set(a.sched.group, (children.get(a.sched.group) ?? 0) + 1);
    for (const gid of chainOf(a.sched.group)) holdsFair.add(gid);
  }
  for (const g of spec.groups) if (g.parent !== undefined && holdsFair.has(g.id)) children.set(g.parent, (children.get(g.parent) ?? 0) + 1);
  tree = { byId, chainOf, children };
  trees.set(spec, tree);
  return tree;
}
