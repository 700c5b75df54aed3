/**
 * The names a watch expression reads (kernel/trace/watchExpr.ts) over the state after an event:
 * a plain view of the kernel state, built from the kernel's own rules (the scheduling class's
 * stats, the budget left as goals count it), so the watch pane never restates one.
 *
 * - `agents.<id>`: state, model, turn, tokens, cost, window fill, inbox, and `sched` (the class,
 *   the agent's sched parameters and the class's live numbers: `lag`, `vruntime`, `deadline`…);
 * - `groups.<id>`: quotas, usage and `tokensLeft` / `costLeft` (null: no limit), ancestors included;
 * - `harness`: the run's totals and what the harness limits leave;
 * - `goals.<id>` (met so far), `artifacts.<name>` (text), `inflight` (messages), `now`, `seq`.
 */
import { finiteStats } from '../sched/core';
import { budgetLeft, type BudgetLimits } from '../term/goals';
import { rqOf } from './reduceHelpers';
import type { KernelState } from './state';

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

function left(s: Readonly<KernelState>, group: string | undefined, limits: BudgetLimits | undefined): { tokensLeft: number | null; costLeft: number | null } {
  const l = budgetLeft(s, group, limits);
  return { tokensLeft: l === null ? null : finiteOrNull(l.tokens), costLeft: l === null ? null : finiteOrNull(l.cost) };
}

/** The watch pane's names over `s`; `limits` (the document's) give the harness budget left. */
export function watchScope(s: Readonly<KernelState>, limits?: BudgetLimits): Record<string, unknown> {
  const agents: Record<string, unknown> = {};
  for (const id of s.order) {
    const p = s.procs[id];
    if (!p) continue;
    const { cls, rq } = rqOf(s as KernelState, p);
    const stats = rq === undefined ? {} : finiteStats(cls.stats(rq, p.id, s.now));
    agents[id] = {
      state: p.state, model: p.model, pid: p.pid, turn: p.turn, class: p.class, group: p.group,
      tokensIn: p.tokensIn, tokensOut: p.tokensOut, cost: p.cost,
      window: p.window, contextTokens: p.contextTokens, fill: p.window > 0 ? p.contextTokens / p.window : 0, segments: p.context.length, pressure: p.pressure,
      inbox: p.inbox.length, waiting: p.waiting, slot: p.slot, finished: p.finished, last: p.last, vars: p.vars, tools: p.tools,
      sched: { ...p.sched, ...stats, class: p.class },
    };
  }
  const groups: Record<string, unknown> = {};
  for (const g of Object.values(s.groups)) groups[g.id] = { ...g, ...left(s, g.id, undefined) };
  const artifacts: Record<string, string> = {};
  for (const [name, a] of Object.entries(s.artifacts)) artifacts[name] = a.text;
  return {
    agents,
    groups,
    harness: { tokensIn: s.tokensIn, tokensOut: s.tokensOut, tokens: s.tokensIn + s.tokensOut, cost: s.cost, steps: s.steps, ...left(s, undefined, limits) },
    goals: { ...s.goalsMet },
    artifacts,
    inflight: s.inflight.map((m) => ({ from: m.from, to: m.to, text: m.text, facts: m.facts, deliverAt: m.deliverAt })),
    now: s.now,
    seq: s.seq,
  };
}
