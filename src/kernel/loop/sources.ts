/**
 * The run loop's event sources, in priority order. Each call to Kernel.next asks them in this
 * order; the first that has something to do emits exactly one event (or says the run waits),
 * and the rest are not asked. So the order IS the kernel's priority of decisions: a person's
 * input before anything else, decisions at the current instant before the clock moves, and the
 * clock last. sources.test.ts prints it.
 */
import { CEILINGS } from '../spec';
import { countTokens } from '../tokens';
import { decideMemory } from '../memory/memoryManager';
import { nextRetention, nextTaskEvent } from '../ipc/tasks';
import { finishStop } from '../term/finish';
import { evaluate, explain } from '../term/goals';
import { nextJudgement } from './judge';
import { nextValidityCheck } from './validitySource';
import { compact } from './compactSource';
import { act, recordInput, wake } from './actions';
import { advance } from './advance';
import { deliver } from './remoteAgentDelivery';
import { startInference } from './inference';
import type { RunContext, Step } from './runContext';
import { atBoundary, enqueueReady, pickFreeSlot, stopOnSpentRoot, throttleSpentGroup } from './schedule';
import { decideCall } from './syscalls';
import { faultFollowUp, requestGate } from './modelFaults';
import { nextCutoffEvent } from './cutoffSource';
import { nextTurnEvent } from './turnSource';
import { nextDelegationEvent } from './spawnSources';

/**
 * One source of events: `next` emits its event (or returns null: the run waits), or undefined
 * when it has nothing to do. Sources find the agents they act on through `ctx.index`
 * (runIndex.ts), the first in document order, never by scanning every agent.
 */
export interface EventSource {
  readonly name: string;
  next(ctx: RunContext): Step | undefined;
}

/** Stops the run when it reached one of the document's limits (steps, tokens, cost). */
function limitReached(ctx: RunContext): Step | undefined {
  const s = ctx.s;
  const limits = ctx.spec.limits;
  if (s.steps >= limits.maxSteps) return ctx.stop('max-steps', `${s.steps} agent turns reached the limit of ${limits.maxSteps}`);
  if (limits.maxTokens !== undefined && s.tokensIn + s.tokensOut >= limits.maxTokens) return ctx.stop('max-tokens', `${s.tokensIn + s.tokensOut} tokens reached the limit of ${limits.maxTokens}`);
  if (limits.maxCost !== undefined && s.cost >= limits.maxCost) return ctx.stop('max-cost', `$${s.cost.toFixed(6)} reached the limit of $${limits.maxCost}`);
  const maxEvents = limits.maxEvents ?? CEILINGS.maxEvents;
  if (s.seq + 1 >= maxEvents) return ctx.stop('max-events', `the trace reached ${s.seq + 1} events, its ceiling (limits.maxEvents ${maxEvents}); ${s.steps} agent turns so far`);
  const maxState = limits.maxStateBytes ?? CEILINGS.maxStateBytes;
  const size = ctx.stateSize();
  if (size > maxState) return ctx.stop('max-state', `the run's state grew to ${size} bytes as JSON, over its ceiling (limits.maxStateBytes ${maxState}); ${s.steps} agent turns so far`);
  return undefined;
}

/** Every agent is done or failed: the run completed, stopped with goals unmet, or stopped on its failed jobs (term/finish.ts). */
function allFinished(ctx: RunContext): Step | undefined {
  if (ctx.index.alive.size > 0) return undefined;
  const unmet = ctx.spec.goals.filter((g) => !ctx.s.goalsMet[g.id]).map((g) => g.name);
  const end = finishStop(ctx.spec.agents.length, ctx.spec.goals.length, unmet, ctx.watch.failures);
  return ctx.stop(end.reason, end.detail, ctx.s.now, end.evidence);
}

/** The seq of the goal's goal.met (the evidence of a stop it caused), searched from the end: it is recent. */
function goalMetSeq(ctx: RunContext, goal: string): number[] {
  for (let i = ctx.log.length - 1; i >= 0; i--) {
    const e = ctx.log[i]!;
    if (e.type === 'goal.met' && e.goal === goal) return [e.seq];
  }
  return [];
}

/** The sources in the order they are asked. */
export const EVENT_SOURCES: readonly EventSource[] = [
  { name: 'human-input', next: (ctx) => {
    const input = ctx.inputs.shift();
    return input ? recordInput(ctx, input) : undefined;
  } },
  { name: 'deadline-miss', next: (ctx) => {
    const miss = ctx.misses.next();
    if (miss === undefined) return undefined;
    const { cause, ...body } = miss;
    return ctx.emit(body, ctx.s.now, cause);
  } },
  { name: 'livelock', next: (ctx) => {
    const f = ctx.watch.finding;
    return f ? ctx.stop('livelock', `${f.kind}: ${f.detail}`, ctx.s.now, f.evidence) : undefined;
  } },
  { name: 'goal-stop', next: (ctx) => {
    // Semantic termination: a goal marked `stop` ends the run once met (e.g. a judge said "done").
    const g = ctx.spec.goals.find((goal) => goal.stop === true && ctx.s.goalsMet[goal.id]);
    return g === undefined ? undefined : ctx.stop('goal-reached', `goal "${g.name}" is met and stops the run: ${explain(g.when, ctx.s, ctx.spec.limits, g.id)}`, ctx.s.now, goalMetSeq(ctx, g.id));
  } },
  { name: 'model-fault', next: (ctx) => faultFollowUp(ctx) },
  { name: 'delegation', next: (ctx) => nextDelegationEvent(ctx) },
  { name: 'a2a-task', next: (ctx) => {
    const task = nextTaskEvent(ctx.s);
    return task ? ctx.emit(task) : undefined;
  } },
  { name: 'fact-retention', next: (ctx) => {
    const retained = nextRetention(ctx.s);
    return retained ? ctx.emit(retained) : undefined;
  } },
  { name: 'act', next: (ctx) => {
    const r = ctx.index.acting.next(0);
    if (r < 0) return undefined;
    const p = ctx.index.proc(ctx.s, r);
    return act(ctx, p, p.pending!);
  } },
  { name: 'syscall-decide', next: (ctx) => {
    const r = ctx.index.undecided.next(0);
    return r < 0 ? undefined : decideCall(ctx, ctx.index.proc(ctx.s, r));
  } },
  { name: 'lease-end', next: (ctx) => {
    const lease = ctx.index.endedLease(ctx.s);
    return lease ? ctx.emit(lease) : undefined;
  } },
  { name: 'memory', next: (ctx) => {
    // Agents with a level to announce or at 'compact' (only there can a step return nothing).
    for (let r = ctx.index.memory.next(0); r >= 0; r = ctx.index.memory.next(r + 1)) {
      const p = ctx.index.proc(ctx.s, r);
      const m = decideMemory(p, ctx.s.now, ctx.s.nextSeg, (text) => countTokens(text, p.encoding));
      if (m) return m.type === 'mem.compacted' ? compact(ctx, p, m) : ctx.emit(m);
    }
    return undefined;
  } },
  // A chunk's validity is judged at the instant it enters a window, before any turn reads it.
  { name: 'validity', next: (ctx) => nextValidityCheck(ctx) },
  { name: 'deliver', next: (ctx) => {
    const m = ctx.index.dueMessage(ctx.s.now);
    return m ? deliver(ctx, m, ctx.s.now) : undefined;
  } },
  { name: 'wake', next: (ctx) => {
    const r = ctx.index.wakeable.next(0);
    if (r < 0) return undefined;
    const p = ctx.index.proc(ctx.s, r);
    return wake(ctx, p, p.inbox.find((x) => p.waiting?.from === undefined || x.from === p.waiting.from)!);
  } },
  { name: 'budget-throttle', next: (ctx) => throttleSpentGroup(ctx) },
  { name: 'budget-stop', next: (ctx) => stopOnSpentRoot(ctx) },
  { name: 'slice-boundary', next: (ctx) => {
    const r = ctx.index.atBoundary.next(0);
    return r < 0 ? undefined : atBoundary(ctx, ctx.index.proc(ctx.s, r));
  } },
  // Scheduling over agents before slots: an agent cut off is never queued; only a group's speaker is.
  { name: 'cutoff', next: (ctx) => nextCutoffEvent(ctx) },
  { name: 'turn-taking', next: (ctx) => nextTurnEvent(ctx) },
  { name: 'enqueue', next: (ctx) => enqueueReady(ctx) },
  { name: 'pick', next: (ctx) => pickFreeSlot(ctx) },
  { name: 'start-inference', next: (ctx) => {
    for (let r = ctx.index.picked.next(0); r >= 0; r = ctx.index.picked.next(r + 1)) {
      const p = ctx.index.proc(ctx.s, r);
      // The endpoint's throttle (a 429, its rpm / tpm) holds the request back.
      const gate = requestGate(ctx, p);
      if (gate === 'wait') continue;
      return gate === 'go' ? startInference(ctx, p) : gate;
    }
    return undefined;
  } },
  { name: 'judge', next: (ctx) => nextJudgement(ctx) },
  { name: 'goal-met', next: (ctx) => {
    for (const g of ctx.spec.goals) {
      if (!ctx.s.goalsMet[g.id] && evaluate(g.when, ctx.s, ctx.spec.limits, g.id)) return ctx.emit({ type: 'goal.met', goal: g.id, name: g.name });
    }
    return undefined;
  } },
  { name: 'limits', next: (ctx) => limitReached(ctx) },
  { name: 'all-finished', next: (ctx) => allFinished(ctx) },
  { name: 'advance-clock', next: (ctx) => advance(ctx) },
];
