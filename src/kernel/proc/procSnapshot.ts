/**
 * /proc for agents: what one agent may learn of its own runtime state (or, with an allow rule,
 * another's), as structured JSON, after Linux's /proc/<pid>/status and /proc/<pid>/sched. The one
 * home of its content: the run loop records it on `proc.read`, the inspector shows it at the
 * cursor, and both call {@link procSnapshot} on a KernelState. Pure.
 *
 * Cost: O(the agent read) — its group chain, its handles (through the run index when one is
 * given), its tasks (through the task index), the goals of its scope. Never a scan of every agent.
 */
import { agentCacheFigures } from '../memory/kvCacheFigures';
import { SLAB_CLASS_NAMES } from '../alloc/slabClass';
import type { SlabLedger } from '../alloc/ledger';
import type { GroupState, KernelState, Proc } from '../state/state';
import type { HarnessSpec } from '../spec';
import type { Handle } from '../trust/types';
import type { ProcGroupBudget, ProcSnapshot } from './types';
import { SCHED_CLASSES } from '../sched';
import { finiteStats, throttleLiftsAt } from '../sched/core';
import { groupLeft } from '../sched/spawnBudget';
import { isLive } from '../trust/handles';
import { tasksAskedBy, tasksServedBy } from '../ipc/taskIndex';
import { isTerminal, taskStateName } from '../ipc/taskState';
import { evaluate, explain } from '../term/goals';

/** How procSnapshot reaches an agent's handles: the run index's list when it has one for this state, else null (then the handle table is read). */
export type HandlesOf = (state: Readonly<KernelState>, agent: string) => readonly Handle[] | null;

const minOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));

/** The group and its ancestors, nearest first (cycle-safe). */
function chain(s: Readonly<KernelState>, id: string | null): GroupState[] {
  const out: GroupState[] = [];
  const seen = new Set<string>();
  for (let g = id === null ? undefined : s.groups[id]; g && !seen.has(g.id); g = g.parent === null ? undefined : s.groups[g.parent]) {
    seen.add(g.id);
    out.push(g);
  }
  return out;
}

function groupBudget(groups: Readonly<Record<string, GroupState>>, g: GroupState): ProcGroupBudget {
  // What is left net of the unspent carves of live sub-agents (sched/spawnBudget.ts); without carves, quota − used.
  const left = groupLeft(groups, g);
  return {
    group: g.id, tokens: g.tokens, cost: g.cost, usedTokens: g.usedTokens, usedCost: g.usedCost,
    tokensLeft: left.tokens === null ? null : Math.max(0, left.tokens),
    costLeft: left.cost === null ? null : Math.max(0, left.cost),
    refillsAt: g.periodMs === null ? null : g.periodStart + g.periodMs,
    throttledUntil: g.throttledUntil,
  };
}

/** What holds the agent back: its class's throttle, a spent budget group, its model's endpoint. */
function throttles(s: Readonly<KernelState>, p: Proc): ProcSnapshot['sched']['throttled'] {
  const out: ProcSnapshot['sched']['throttled'] = [];
  const cls = SCHED_CLASSES.has(p.class) ? SCHED_CLASSES.classFor(p.class) : null;
  const rq = cls ? s.runqueues[p.model]?.[cls.name] : undefined;
  if (cls && rq !== undefined && cls.throttled(rq, p.id, s.now)) {
    const until = throttleLiftsAt(cls, rq, p.id, s.now);
    out.push({ by: 'class', what: cls.name, until: until < 0 ? null : until });
  }
  for (const g of chain(s, p.group)) if (g.throttledUntil !== null) out.push({ by: 'group', what: g.id, until: g.throttledUntil });
  const ep = s.endpoints?.[p.model];
  if (ep && ep.throttledUntil !== null && ep.throttledUntil > s.now) out.push({ by: 'endpoint', what: p.model, until: ep.throttledUntil });
  return out;
}

/**
 * The /proc snapshot of `agent` in `state` (`spec`: the run's document, for its goals and limits),
 * or null when the run has no such process. `handlesOf` answers the agent's handles from an
 * index (the run loop passes its RunIndex); without one the handle table is read.
 */
export function procSnapshot(state: Readonly<KernelState>, spec: Pick<HarnessSpec, 'goals' | 'limits'> & { alloc?: HarnessSpec['alloc'] }, agent: string, handlesOf?: HandlesOf): ProcSnapshot | null {
  const s = state;
  const p = Object.hasOwn(s.procs, agent) ? s.procs[agent] : undefined;
  if (!p) return null;

  const groups = chain(s, p.group).map((g) => groupBudget(s.groups, g));
  const limits = spec.limits;
  const harness = {
    tokensLeft: limits.maxTokens === undefined ? null : Math.max(0, limits.maxTokens - (s.tokensIn + s.tokensOut)),
    costLeft: limits.maxCost === undefined ? null : Math.max(0, limits.maxCost - s.cost),
    stepsLeft: Math.max(0, limits.maxSteps - s.steps),
  };
  let tokensLeft = harness.tokensLeft;
  let costLeft = harness.costLeft;
  for (const g of groups) {
    tokensLeft = minOrNull(tokensLeft, g.tokensLeft);
    costLeft = minOrNull(costLeft, g.costLeft);
  }

  const cls = SCHED_CLASSES.has(p.class) ? SCHED_CLASSES.classFor(p.class) : null;
  const rq = cls ? s.runqueues[p.model]?.[cls.name] : undefined;
  const numbers = cls && rq !== undefined ? { ...finiteStats(cls.stats(rq, p.id, s.now)) } : {};

  const open = (t: { state: Parameters<typeof isTerminal>[0] | null }): boolean => t.state !== null && !isTerminal(t.state);
  const tasks: ProcSnapshot['tasks'] = [
    ...tasksAskedBy(s.tasks, agent).filter(open).map((t) => ({ id: t.id, client: t.client, server: t.server, state: taskStateName(t.state!), role: 'client' as const })),
    ...tasksServedBy(s.tasks, agent).filter(open).map((t) => ({ id: t.id, client: t.client, server: t.server, state: taskStateName(t.state!), role: 'server' as const })),
  ];

  const held = handlesOf?.(s, agent) ?? Object.values(s.handles).filter((h) => h.agent === agent);
  const handles = held.map((h) => ({
    id: h.id, target: h.target, kind: h.kind, access: h.access, lease: h.lease, expiresAt: h.expiresAt, live: isLive(h, s.now),
    ended: h.ended === null ? null : `t=${h.ended.t}: ${h.ended.reason}`,
    ...(h.lentTo === undefined ? {} : { lentTo: h.lentTo }),
  }));

  const goals = spec.goals
    .filter((g) => g.scope === 'harness' || g.scope === agent)
    .map((g) => ({ id: g.id, name: g.name, scope: g.scope, met: evaluate(g.when, s, limits, g.id), why: explain(g.when, s, limits, g.id) }));

  const window = p.window;
  return {
    agent: p.id, pid: p.pid, state: p.state, at: s.now, seq: s.seq, model: p.model, turn: p.turn,
    budget: { own: { tokensIn: p.tokensIn, tokensOut: p.tokensOut, cost: p.cost }, groups, harness, tokensLeft, costLeft },
    window: {
      used: p.contextTokens, limit: window, segments: p.context.length,
      warnAt: p.memory.warnAt, compactAt: p.memory.compactAt,
      warnAtTokens: Math.ceil(p.memory.warnAt * window), compactAtTokens: Math.ceil(p.memory.compactAt * window),
      pressure: p.pressure, recalled: p.recall.length,
    },
    sched: { class: p.class, numbers, slot: p.slot >= 0 ? p.slot : null, throttled: throttles(s, p) },
    waitsFor: p.state === 'blocked' && p.waiting ? { agent: p.waiting.from ?? null } : null,
    call: p.call ? { tool: p.call.tool, decided: p.call.decided, asked: p.call.asked !== undefined } : null,
    tasks, handles, goals,
    ...cacheOf(s, p.id),
    // The run's slab classes, only where the document declares allocator policies (older traces keep their snapshots).
    ...(spec.alloc !== undefined && s.slabs !== undefined ? { slabs: slabsOf(s.slabs) } : {}),
  };
}

/** The agent's prefix-cache figures, where its model declares a cache (a snapshot without one is as before). */
function cacheOf(s: Readonly<KernelState>, agent: string): Pick<ProcSnapshot, 'cache'> {
  const figures = agentCacheFigures(s, agent);
  if (!figures) return {};
  const { agent: _agent, ...cache } = figures;
  return { cache };
}

function slabsOf(l: SlabLedger): NonNullable<ProcSnapshot['slabs']> {
  return SLAB_CLASS_NAMES.map((name) => ({ class: name, live: l[name].live, bytes: l[name].bytes, peak: l[name].peak, allocs: l[name].allocs, frees: l[name].frees }));
}

/** The snapshot as the text a reader gets back (its tool result): compact JSON, keys in the order above. */
export function procText(snapshot: ProcSnapshot): string {
  return JSON.stringify(snapshot);
}
