/**
 * What the kernel does on its own for spawned sub-agents (spawn.ts), one event at a time, in this
 * order: a spawner killed, cancelled or ended takes its live children with it (`agent.killed`,
 * generation by generation, so grandchildren follow their parent; a detached child stays); an
 * ended child exits to its spawner (`spawn.exited`: its answer, its unused carve and the spawner's
 * unique handles it held returned); a
 * child whose carve is spent for good (sched/spawnBudget.ts spentForGood: the rule that stops a run
 * over its root budget) exits failed once off its slot with no call in flight (`spawn.exited`, code
 * `budget-exhausted`, the carve's figures), so its spawner wakes with a result instead of waiting
 * on a throttle that never lifts; a
 * child's handle whose spawner's handle ended ends too (`cap.expired`); a durable handle's holder
 * that ended lets go of it (`cap.released`, the handle ends at 0 holders). Runs without a spawn or
 * a promoted handle never get here.
 */
import { groupLeft } from '../sched/spawnBudget';
import type { GroupState, KernelState, Proc, SpawnRecord } from '../state/state';
import type { KernelEvent } from '../trace/events';
import type { RunContext } from './runContext';

const ended = (p: Proc | undefined): boolean => p === undefined || p.state === 'done' || p.state === 'failed';

/** The tokens and cost a sub-agent spent, and what its carve returns (quota minus spent, at least 0). */
function exitNumbers(s: KernelState, r: SpawnRecord, child: Proc): { used: { tokens: number; cost: number }; returned: { tokens: number | null; cost: number | null } | null } {
  const used = { tokens: child.tokensIn + child.tokensOut, cost: child.cost };
  const g = r.group === null ? undefined : s.groups[r.group];
  if (!g) return { used, returned: null };
  return { used, returned: { tokens: g.tokens === null ? null : Math.max(0, g.tokens - g.usedTokens), cost: g.cost === null ? null : Math.max(0, g.cost - g.usedCost) } };
}

/** The spawner's unique handles moved to a sub-agent, given back as it exits (nothing when none). */
function lentBack(r: SpawnRecord): { lent?: string[] } {
  return r.lent === undefined ? {} : { lent: r.lent };
}

/** The figures of a carve spent for good, and the words for them. */
function exhaustion(s: KernelState, g: GroupState): { why: string; numbers: Record<string, number | string | null> } {
  const left = groupLeft(s.groups, g);
  const lent = (g.carvedTo ?? []).length > 0 ? ` (its own sub-agents' unspent carves included)` : '';
  const why = g.tokens !== null && left.tokens !== null && left.tokens <= 0
    ? `${g.usedTokens} of ${g.tokens} tokens used${lent}`
    : `$${g.usedCost.toFixed(6)} of $${g.cost} spent${lent}`;
  return { why, numbers: { group: g.id, tokens: g.tokens, usedTokens: g.usedTokens, leftTokens: left.tokens, cost: g.cost, usedCost: g.usedCost, leftCost: left.cost } };
}

/**
 * The next delegation event the state asks for, or undefined: the first spawn record (in table
 * order) whose child is to be killed, else the first whose child is to exit, else the first open
 * handle (in issue order) to end. Found through the run index (loop/delegationIndex.ts), not by a scan.
 */
export function nextDelegationEvent(ctx: RunContext): KernelEvent | undefined {
  const s = ctx.s;
  if (s.spawns === undefined && s.promoted === undefined) return undefined;
  const index = ctx.index.delegation;
  const next = index.nextSpawn(s);
  if (next !== undefined && next.kill) {
    const r = next.r;
    const parent = s.procs[r.parent];
    const how = parent?.killed;
    const mode = how?.mode ?? 'cancel';
    const reason = how
      ? `its spawner ${r.parent} was ${how.mode === 'kill' ? 'killed' : 'cancelled'} (${how.by === 'human' ? 'by a person' : `following ${how.origin}`})`
      : `its spawner ${r.parent} ended (${parent?.state ?? 'gone'}) before it`;
    return ctx.emit({ type: 'agent.killed', agent: r.child, by: r.parent, mode, origin: how?.origin ?? r.parent, depth: (how?.depth ?? 0) + 1, reason });
  }
  if (next !== undefined) {
    const r = next.r;
    const child = s.procs[r.child]!;
    if (!ended(child)) {
      // Its carve is spent for good, and it is off its slot with no call in flight.
      const g = s.groups[r.group!]!;
      const { why, numbers } = exhaustion(s, g);
      const text = `failed: budget-exhausted: its carved budget ${g.id} is spent (${why}) and no period refills it`;
      return ctx.emit({ type: 'spawn.exited', agent: r.child, parent: r.parent, task: r.task, msgId: `m${s.nextId}`, outcome: 'failed', code: 'budget-exhausted', text, group: r.group, ...exitNumbers(s, r, child), numbers, ...lentBack(r) });
    }
    const outcome = child.killed ? 'killed' : child.state === 'done' ? 'completed' : 'failed';
    const text = child.finished ?? (child.killed ? `killed: ${child.killed.mode} by ${child.killed.by}` : 'failed');
    return ctx.emit({ type: 'spawn.exited', agent: r.child, parent: r.parent, task: r.task, msgId: `m${s.nextId}`, outcome, text, group: r.group, ...exitNumbers(s, r, child), ...lentBack(r) });
  }
  const h = index.handleToEnd(s);
  if (h === undefined) return undefined;
  const src = h.from === undefined ? undefined : s.handles[h.from];
  if (src && src.ended !== null) {
    return ctx.emit({ type: 'cap.expired', agent: h.agent, handle: h.id, target: h.target, reason: `the spawner's handle ${src.id} it was narrowed from ended (${src.ended.reason})` });
  }
  const gone = h.refs!.find((a) => ended(s.procs[a]))!;
  const refs = h.refs!.length - 1;
  return ctx.emit({ type: 'cap.released', agent: gone, handle: h.id, target: h.target, refs, reason: `${gone} ended; ${refs} holder${refs === 1 ? '' : 's'} left${refs === 0 ? ', so the durable handle ends' : ''}` });
}
