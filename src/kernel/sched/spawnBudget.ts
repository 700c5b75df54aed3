/**
 * Budgets carved for sub-agents (kernel/loop/spawn.ts), cgroup-like: a spawn carves a child
 * group out of its spawner's group. The child's group is a sub-group (what it spends is charged
 * up the chain as any sub-group's), and until it exits, the part of its quota it has not spent yet
 * counts as spent in the spawner's group too: the carve is subtracted from what the spawner has
 * left, and what the child did not use returns when it exits (the group leaves `carvedTo`).
 */
import type { GroupState } from '../state/state';

/** What a group has left: its quota minus what it used and minus the unspent carves of its live sub-agents' groups (null: no quota). */
export function groupLeft(groups: Readonly<Record<string, GroupState>>, g: GroupState): { tokens: number | null; cost: number | null } {
  let tokens = g.tokens === null ? null : g.tokens - g.usedTokens;
  let cost = g.cost === null ? null : g.cost - g.usedCost;
  for (const id of g.carvedTo ?? []) {
    const c = groups[id];
    if (!c) continue;
    if (tokens !== null && c.tokens !== null) tokens -= Math.max(0, c.tokens - c.usedTokens);
    if (cost !== null && c.cost !== null) cost -= Math.max(0, c.cost - c.usedCost);
  }
  return { tokens, cost };
}

/** Whether a group is spent: nothing left of its token or cost quota once its live carves are set aside. */
export function groupSpent(groups: Readonly<Record<string, GroupState>>, g: GroupState): boolean {
  if (g.carvedTo === undefined || g.carvedTo.length === 0) {
    return (g.tokens !== null && g.usedTokens >= g.tokens) || (g.cost !== null && g.usedCost >= g.cost);
  }
  const left = groupLeft(groups, g);
  return (left.tokens !== null && left.tokens <= 0) || (left.cost !== null && left.cost <= 0);
}

/**
 * Whether a spent group's throttle never lifts: it is throttled and no period refills it. The one
 * rule for a budget spent for good, asked by the run loop: it ends what the group pays for, the
 * run for a root group (loop/schedule.ts, `run.stopped` reason budget) and the sub-agent for a
 * spawn's carve (loop/spawnSources.ts, `spawn.exited` code budget-exhausted).
 */
export function spentForGood(g: GroupState): boolean {
  return g.throttledUntil !== null && g.periodMs === null;
}
