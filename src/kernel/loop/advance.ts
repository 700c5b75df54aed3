/**
 * When nothing can happen at the current instant: the clock moves to the earliest pending
 * completion (a slice end, a tool's latency, a budget period, a class timer, a message's
 * delivery, a lease's end) and it happens; with none, the run waits for a person or deadlocks.
 */
import type { Proc } from '../state/state';
import { SCHED_CLASSES } from '../sched';
import { HUMAN } from '../spec';
import { explainCycle, waitForCycle } from '../term/deadlock';
import { endSlice } from './inference';
import type { RunContext, Step } from './runContext';
import { returnTool } from './syscalls';
import { deliver } from './remoteAgentDelivery';
import { offerEndpointReplenish } from './modelFaults';
import { enqueue } from './schedule';

/** Moves the clock to the earliest pending completion and emits it; a deadlock if none. */
export function advance(ctx: RunContext): Step {
  const s = ctx.s;
  const index = ctx.index;
  const agents = index.agents;
  let best: { t: number; rank: number; run: () => Step } | null = null;
  // Ties at the same instant go by rank: agents in document order, then groups, class timers, leases.
  // Each kind's earliest comes from its index (runIndex.ts): the same winner as offering them all.
  const offer = (t: number, rank: number, run: () => Step): void => {
    if (!best || t < best.t || (t === best.t && rank < best.rank)) best = { t, rank, run };
  };
  const timer = index.nextProcTimer(s.now);
  if (timer) {
    const p = index.proc(s, timer.rank);
    const kind = index.timerOf(timer.rank);
    offer(timer.t, timer.rank, kind === 'slice' ? () => endSlice(ctx, p) : kind === 'tool' ? () => returnTool(ctx, p) : () => enqueue(ctx, p, timer.t));
  }
  offerEndpointReplenish(ctx, offer);
  // The throttled group a period refills first, from the index (loop/delegationIndex.ts); its rank is its place in the groups table.
  const refill = index.delegation.nextRefill(s);
  if (refill) {
    const g = refill.g;
    offer(refill.t, 10_000 + refill.rank, () => ctx.emit({ type: 'sched.replenished', group: g.id, numbers: { usedTokens: g.usedTokens, usedCost: g.usedCost } }, refill.t));
  }
  Object.entries(s.runqueues).forEach(([model, rqs], mi) => {
    SCHED_CLASSES.ordered.forEach((cls, ci) => {
      const rq = rqs[cls.name];
      // A class timer matters while something is queued: a throttled entity refills at its
      // own time even while others of its class run (CBS replenishment, rt window rollover).
      if (cls.size(rq) === 0) return;
      const t = cls.nextTimer(rq, s.now);
      if (!Number.isFinite(t)) return;
      const at = Math.max(s.now, t);
      offer(at, 20_000 + mi * 100 + ci, () => ctx.emit({ type: 'sched.replenished', class: cls.name, model, numbers: { queued: cls.size(rq) } }, at));
    });
  });
  const m = index.nextDelivery();
  if (m) {
    // A message's rank is agents + its place in flight; only where that can reach the groups' 10,000 is the place looked up.
    const place = agents + s.inflight.length <= 10_000 ? 0 : s.inflight.indexOf(m);
    offer(m.deliverAt, agents + place, () => deliver(ctx, m, m.deliverAt));
  }
  const term = index.nextLeaseTerm(s);
  if (term) {
    const h = s.handles[term.id]!;
    offer(term.t, 30_000 + term.rank, () => ctx.emit({ type: 'cap.expired', agent: h.agent, handle: h.id, target: h.target, reason: `the lease term ended at ${h.expiresAt} ms` }, term.t));
  }
  const chosen = best as { t: number; run: () => Step } | null;
  if (chosen) {
    const max = ctx.spec.limits.maxTimeMs;
    if (max !== undefined && chosen.t > max) return ctx.stop('max-time', `virtual time would pass ${max} ms`);
    return chosen.run();
  }
  return waitOrDeadlock(ctx, s.order.map((id) => s.procs[id]!));
}

/** Nothing is pending: the run waits for a person, or no one can ever move it (a deadlock, with its cycle). */
function waitOrDeadlock(ctx: RunContext, procs: readonly Proc[]): Step {
  const s = ctx.s;
  // Only a human can move this run on: it waits (not a deadlock) until an ask is answered.
  if (waitsOnPerson(procs)) return null;
  // Nothing can run: name the wait-for cycle (or chain to an agent that will never send) and its events.
  const waits = new Map(procs.filter((p) => p.state === 'blocked').map((p) => [p.id, p.waiting?.from ?? null] as const));
  const alive = new Set(procs.filter((p) => p.state !== 'done' && p.state !== 'failed').map((p) => p.id));
  const stuck = waitForCycle(waits, alive, s.inflight.map((m) => ({ from: m.from, to: m.to })));
  if (stuck) {
    const evidence = stuck.map((a) => ctx.lastByAgent.get(a)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    return ctx.stop('deadlock', `nothing can run: ${explainCycle(stuck, waits)}`, s.now, evidence);
  }
  const waiting = procs.filter((p) => p.state === 'blocked').map((p) => `${p.id} waits for ${p.waiting?.from ?? 'any agent'}`);
  return ctx.stop('deadlock', waiting.length > 0 ? `nothing can run: ${waiting.join(', ')}` : 'nothing can run and nothing is pending');
}

/** True while a person must answer before an agent can go on (an ask, or a wait for a message from the human). */
export function waitsOnPerson(procs: readonly Proc[]): boolean {
  return procs.some((p) => p.call?.asked !== undefined || (p.state === 'blocked' && p.waiting?.from === HUMAN));
}
