/**
 * The runqueues of a kernel state in the order the core serves them, for views: per model, the
 * classes in rank order, each with its queued agents in the class's own pick order (`queued`)
 * and what holds an agent back. Read from the runqueue data the state carries (snapshots, seeks
 * and forks carry it too), so a view shows the kernel's order and never restates a class's rule.
 */
import type { SchedRegistry } from './schedClass';

/** The parts of KernelState this reads (kept structural so sched/ does not import the reducer). */
export interface RunqueueSource {
  readonly now: number;
  /** model → class name → that class's runqueue (opaque JSON data). */
  readonly runqueues?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly procs: Readonly<Record<string, { readonly group: string | null }>>;
  readonly groups?: Readonly<Record<string, { readonly parent: string | null; readonly throttledUntil: number | null }>>;
}

/** One queued agent and what holds it back right now, as the core's pick sees it. */
export interface QueuedAgent {
  agent: string;
  /** `class`: its class throttles it (spent runtime, rt throttling); `group`: a budget group on its chain is spent. */
  heldBy: { kind: 'class' } | { kind: 'group'; group: string; until: number } | null;
}

/** One class's runqueue on a model, in pick order. */
export interface ClassRunqueue {
  class: string;
  agents: QueuedAgent[];
}

/** The first spent budget group on a group's chain (the core passes over its agents), or null. */
function spentGroup(s: RunqueueSource, group: string | null): { group: string; until: number } | null {
  const seen = new Set<string>();
  for (let id = group; id !== null && !seen.has(id); ) {
    seen.add(id);
    const g = s.groups?.[id];
    if (!g) return null;
    if (g.throttledUntil !== null) return { group: id, until: g.throttledUntil };
    id = g.parent;
  }
  return null;
}

/**
 * Per model, the non-empty runqueues in rank order, each agent in its class's pick order: the
 * first agent no one holds back, of the first class that has one, is the core's next pick on
 * that model (`registry`: the kernel's SCHED_CLASSES). Models or classes the state has no runqueue for (older traces) are left out.
 */
export function runqueueOrder(s: RunqueueSource, registry: SchedRegistry): Record<string, ClassRunqueue[]> {
  const out: Record<string, ClassRunqueue[]> = {};
  for (const [model, rqs] of Object.entries(s.runqueues ?? {})) {
    const classes: ClassRunqueue[] = [];
    for (const cls of registry.ordered) {
      const rq = rqs[cls.name];
      if (rq === undefined || cls.size(rq) === 0) continue;
      const agents = cls.queued(rq, s.now).map((agent): QueuedAgent => {
        const spent = spentGroup(s, s.procs[agent]?.group ?? null);
        if (spent) return { agent, heldBy: { kind: 'group', ...spent } };
        return { agent, heldBy: cls.throttled(rq, agent, s.now) ? { kind: 'class' } : null };
      });
      classes.push({ class: cls.name, agents });
    }
    out[model] = classes;
  }
  return out;
}
