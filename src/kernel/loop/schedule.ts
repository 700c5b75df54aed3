/**
 * The run loop's scheduling decisions as events: budgets spent, a runnable agent entering its
 * runqueue (routed first), a free slot picked, and the slice boundary. What to decide is the
 * scheduler core's (sched/core.ts); this file turns its answers into events.
 */
import type { GroupState, Proc } from '../state/state';
import { rqOf } from '../state/reduce';
import { atSliceBoundary, finiteStats, FOREVER, pickForSlot, throttleLiftsAt, type PreemptReason } from '../sched/core';
import { decideRoute } from '../sched/router';
import type { EventOf, KernelEvent } from '../trace/events';
import { continueInference } from './inference';
import { backingOff, endpointThrottled, guardStream } from './modelFaults';
import type { RunContext, Step } from './runContext';
import { abortStreamed } from './streamed';
import { heldForTurn } from './turnSource';
import type { PartialAnswer } from '../cpu/cpu';
import { cacheAffinity } from './kvCacheStep';

function spentWhy(g: GroupState): string {
  if (g.tokens !== null && g.usedTokens >= g.tokens) return `${g.usedTokens} of ${g.tokens} tokens used`;
  return `$${g.usedCost.toFixed(6)} of $${g.cost} spent`;
}

/**
 * The first budget group (in table order) that has spent its quota and is not throttled yet:
 * `sched.throttled`. Found through the run index (loop/delegationIndex.ts), not by a scan.
 */
export function throttleSpentGroup(ctx: RunContext): KernelEvent | undefined {
  const g = ctx.index.delegation.groupToThrottle(ctx.s);
  if (g === undefined) return undefined;
  const until = g.periodMs === null ? FOREVER : g.periodStart + g.periodMs;
  return ctx.emit({
    type: 'sched.throttled', group: g.id, reason: spentWhy(g), until,
    numbers: { usedTokens: g.usedTokens, tokens: g.tokens ?? -1, usedCost: g.usedCost, cost: g.cost ?? -1 },
  });
}

/** A spent root budget that no period refills ends the run (sched/spawnBudget.ts spentForGood; a spawn's carve ends its sub-agent instead). */
export function stopOnSpentRoot(ctx: RunContext): KernelEvent | undefined {
  const root = ctx.index.delegation.spentRoot(ctx.s);
  return root ? ctx.stop('budget', `the budget of ${root.id} is spent: ${spentWhy(root)}`) : undefined;
}

/** At a slice boundary: preempt (budget, class throttle, a higher class, the class's own rule) or go on. */
export function atBoundary(ctx: RunContext, p: Proc): Step {
  const s = ctx.s;
  const gen = p.gen!;
  const { cls, rq } = rqOf(s, p);
  const decision = atSliceBoundary(ctx.schedView(p.model), cls, p.id);
  if (decision.kind === 'continue') return continueInference(ctx, p);
  if (decision.reason === 'throttled' && p.slotPhase === 'boundary') {
    // Announced first (with when the class lifts it); the preemption is the next event.
    return ctx.emit({ type: 'sched.throttled', agent: p.id, class: cls.name, model: p.model, reason: `${cls.name} runtime spent`, until: throttleLiftsAt(cls, rq, p.id, s.now), numbers: finiteStats(cls.stats(rq, p.id, s.now)) });
  }
  const reason: PreemptReason = decision.reason;
  const preempted = (partial?: PartialAnswer): KernelEvent => ctx.emit({
    type: 'sched.preempted', agent: p.id, class: cls.name, model: p.model, slot: p.slot, reason, by: decision.by, byClass: decision.byClass,
    done: gen.done, remaining: gen.total === null ? null : gen.total - gen.done, slice: { tokensIn: 0, tokensOut: 0, cost: 0 }, stats: finiteStats(cls.stats(rq, p.id, s.now)),
    ...(partial ? { partial } : {}),
  });
  // A real model's stream stops here; what it produced is recorded (the resume starts from it).
  if (gen.total !== null) return preempted();
  return guardStream(ctx, p, () => {
    const partial = abortStreamed(ctx, p);
    return partial instanceof Promise ? partial.then(preempted) : preempted(partial);
  });
}

/**
 * The first ready agent that is not in a runqueue: its first turn here checked against its
 * signature (a fork may carry an edited prompt), routed to a model for a new turn, then enqueued.
 */
export function enqueueReady(ctx: RunContext): KernelEvent | undefined {
  const s = ctx.s;
  const ready = ctx.index.toEnqueue;
  for (let r = ready.next(0); r >= 0; r = ready.next(r + 1)) {
    const p = ctx.index.proc(s, r);
    // A conversation group's member waits on its turn (sched/turnTaking.ts): only the speaker queues.
    if (backingOff(p, s.now) || heldForTurn(ctx, p)) continue;
    if (ctx.spec.policy.requireSigned && !ctx.turnChecked.has(p.id)) {
      // A context rebuild: the first turn this kernel runs for an agent (after a fork, its prompt may have been edited).
      ctx.turnChecked.add(p.id);
      if (ctx.signatureProblem(p.id, 'turn') !== null) return ctx.log[ctx.log.length - 1]!;
    }
    if (p.gen === null && p.routedTurn !== p.turn) {
      const need = ctx.cpuFor(p).precision?.(ctx.request(p));
      const routed = decideRoute(ctx.spec, ctx.cpus, p, ctx.agents.get(p.id)!, need);
      if (routed) return ctx.emit(routed);
    }
    return enqueue(ctx, p, s.now);
  }
  return undefined;
}

/** The agent enters its runqueue at `t` (now, or when its retry after a failed call is due). */
export function enqueue(ctx: RunContext, p: Proc, t: number): KernelEvent {
  const s = ctx.s;
  const { cls, rq } = rqOf(s, p);
  const why = p.gen !== null ? 'preempted' : p.turn === 0 ? 'new' : 'wakeup';
  // queue and stats are read after the enqueue is applied: where the class placed it.
  return ctx.emit({ type: 'sched.enqueued', agent: p.id, class: cls.name, model: p.model, why, queue: 0, stats: {} }, t, undefined, (e) => {
    const placed = e as EventOf<'sched.enqueued'>;
    placed.queue = cls.size(rq);
    placed.stats = finiteStats(cls.stats(rq, p.id, t));
  });
}

/** The first free slot of a model (in model order) goes to the scheduler core's pick. */
export function pickFreeSlot(ctx: RunContext): KernelEvent | undefined {
  const s = ctx.s;
  for (const [model, slots] of Object.entries(s.slots)) {
    const slot = slots.indexOf(null);
    if (slot < 0 || endpointThrottled(s, model)) continue;
    const pick = pickForSlot(ctx.schedView(model));
    if (pick === null) continue;
    const { cls } = pick;
    // Cache affinity (opt-in on the model's prefixCache): the warm agent may go first; the term is on the event.
    const affinity = cacheAffinity(ctx, model, cls, pick.agent);
    const agent = affinity?.chosen ?? pick.agent;
    const rq = s.runqueues[model]![cls.name];
    const p = s.procs[agent]!;
    const slice = ctx.sliceFor(p);
    return ctx.emit({
      type: 'sched.picked', agent, class: cls.name, model, slot, waitedMs: s.now - p.readyAt, queue: cls.size(rq) - 1,
      slice: Number.isFinite(slice) ? slice : -1, stats: finiteStats(cls.stats(rq, agent, s.now)),
      ...(affinity ? { affinity } : {}),
    });
  }
  return undefined;
}
