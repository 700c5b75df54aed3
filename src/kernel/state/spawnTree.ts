/**
 * The process table as a tree (`ps --forest`): each spawned sub-agent under its spawner, in the
 * order they were spawned; agents that started with the run are roots, in the table's order.
 */
import type { KernelState } from './state';

/** One row of the tree: the agent, its spawner (null for a root) and its depth (0 for a root). */
export interface SpawnTreeRow {
  id: string;
  parent: string | null;
  depth: number;
  /** A detached sub-agent: it outlives its spawner. */
  detached: boolean;
}

/** The processes of `s` in tree order (depth first). Without spawns: the table's own order, all roots. */
export function spawnTree(s: Pick<KernelState, 'order' | 'procs' | 'spawns'>): SpawnTreeRow[] {
  const spawns = s.spawns;
  if (spawns === undefined) return s.order.filter((id) => s.procs[id] !== undefined).map((id) => ({ id, parent: null, depth: 0, detached: false }));
  const children = new Map<string, string[]>();
  for (const id of s.order) {
    const r = spawns[id];
    if (r) children.set(r.parent, [...(children.get(r.parent) ?? []), id]);
  }
  const out: SpawnTreeRow[] = [];
  const seen = new Set<string>();
  const visit = (id: string, parent: string | null, depth: number): void => {
    if (seen.has(id) || s.procs[id] === undefined) return;
    seen.add(id);
    out.push({ id, parent, depth, detached: spawns[id]?.detach === true });
    for (const c of children.get(id) ?? []) visit(c, id, depth + 1);
  };
  for (const id of s.order) if (!spawns[id]) visit(id, null, 0);
  // A sub-agent whose spawner is not in the table (a cut trace) still shows, as a root.
  for (const id of s.order) visit(id, spawns[id]?.parent ?? null, 0);
  return out;
}
