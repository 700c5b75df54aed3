/**
 * The cutoff source (sched/cutoff.ts): before each further turn of an agent that declares a
 * `cutoff`, it records `cutoff.decided` with the numbers; after a `stop`, it finishes the agent.
 * It is asked before turn-taking and the runqueues, so an agent that stops is never queued.
 */
import { decideCutoff } from '../sched/cutoff';
import { wantsTurn } from '../sched/turnTaking';
import type { AgentSpec, HarnessSpec, Predicate } from '../spec';
import type { KernelState } from '../state/state';
import { evaluate } from '../term/goals';
import type { RunContext, Step } from './runContext';

/** Agents that declare a cutoff, computed once per document. */
const CUTOFF_AGENTS = new WeakMap<HarnessSpec, AgentSpec[]>();

function cutoffAgents(spec: HarnessSpec): AgentSpec[] {
  let list = CUTOFF_AGENTS.get(spec);
  if (!list) CUTOFF_AGENTS.set(spec, (list = spec.agents.filter((a) => a.cutoff !== undefined)));
  return list;
}

/**
 * How far a goal's condition is from holding, 0..1: a leaf is 0 or 1; `all` the mean of its
 * parts; `any` its best part. A met condition is 1.
 */
export function predicateProgress(p: Predicate, s: Readonly<KernelState>, limits: HarnessSpec['limits'], goal: string, at = 'when'): number {
  if (p.kind === 'all') return p.of.length === 0 ? 1 : p.of.reduce((n, q, i) => n + predicateProgress(q, s, limits, goal, `${at}.of[${i}]`), 0) / p.of.length;
  if (p.kind === 'any') return p.of.reduce((n, q, i) => Math.max(n, predicateProgress(q, s, limits, goal, `${at}.of[${i}]`)), 0);
  return evaluate(p, s, limits, goal, at) ? 1 : 0;
}

/** The next cutoff event: a decision before an agent's further turn, or the finish a stop calls for. */
export function nextCutoffEvent(ctx: RunContext): Step | undefined {
  const s = ctx.s;
  for (const a of cutoffAgents(ctx.spec)) {
    const p = s.procs[a.id];
    if (!p || p.state === 'done' || p.state === 'failed') continue;
    const cut = a.cutoff!;
    const last = s.cutoffs?.[a.id];
    if (last?.outcome === 'stop') {
      return ctx.emit({ type: 'agent.finished', agent: a.id, text: `cut off before turn ${last.turn + 1}: another turn is not worth its cost (goal ${cut.goal}, progress ${last.progress.toFixed(2)})` });
    }
    if (!wantsTurn(p) || p.turn < (cut.minTurns ?? 1) || last?.turn === p.turn) continue;
    const goal = ctx.spec.goals.find((g) => g.id === cut.goal)!;
    const progress = s.goalsMet[goal.id] ? 1 : predicateProgress(goal.when, s, ctx.spec.limits, goal.id);
    const d = decideCutoff({ turns: p.turn, spent: p.cost, progress, value: cut.value, ...(cut.passRates ? { passRates: cut.passRates } : {}) });
    return ctx.emit({ type: 'cutoff.decided', agent: a.id, goal: goal.id, turn: p.turn, outcome: d.outcome, gain: d.gain, value: cut.value, cost: d.cost, expected: d.expected, progress, source: d.source, why: d.why });
  }
  return undefined;
}
