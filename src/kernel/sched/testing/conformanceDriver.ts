/**
 * Test-only: the conformance driver. Plays a script of scheduler operations (spawn, wake,
 * pick, run a slice, preempt, yield, sleep, exit, let time pass) against ONE class over N
 * slots, calling the ops the way the kernel's reducer does, with the pick, the slice length
 * and the slice-boundary decision taken from the scheduler core (sched/core.ts) the kernel's
 * run loop calls, and records everything the class decided. Scripts are plain data, so
 * property tests generate them and shrink failures; a `check` callback sees the world after
 * every step. Deterministic: no clock, no randomness.
 */
import type { AgentId } from '../../ids';
import { atSliceBoundary, pickForSlot, sliceLength, type SchedView } from '../core';
import type { SchedClass, SchedEntity, SchedParams, SchedStats } from '../schedClass';
import { fireDueTimers } from './fireDueTimers';

/** An agent's scheduling attributes, as the reducer copies them from its spec. */
export type SchedSpec = SchedEntity['sched'];

/** One step of a script. `n` picks among the agents in that state (modulo their count). */
export type SchedOp =
  | { k: 'spawn'; sched: SchedSpec }
  | { k: 'wake'; n: number }
  | { k: 'pick' }
  | { k: 'run'; n: number; tokens: number }
  | { k: 'preempt'; n: number }
  | { k: 'yield'; n: number }
  | { k: 'sleep'; n: number; tokens: number }
  | { k: 'exit'; n: number }
  | { k: 'tick'; ms: number };

/** Where the driver believes an agent is. */
export type AgentPhase = 'queued' | 'running' | 'sleeping' | 'gone';

/** The driver's world after a step: the class's runqueue and the driver's own model of it. */
export interface OpsWorld<Q> {
  cls: SchedClass<Q>;
  rq: Q;
  params: SchedParams;
  now: number;
  agents: { id: AgentId; phase: AgentPhase; sched: SchedSpec }[];
  /** Outputs of the class so far, one entry per decision (compared across replays). */
  trace: unknown[];
}

/** Agent names, the first ones chosen to collide with Object.prototype members. */
export function agentName(i: number): AgentId {
  return ['constructor', 'toString', 'hasOwnProperty', 'valueOf'][i] ?? `a${i}`;
}

/** JSON clone, how snapshots, seeks and forks copy runqueues. */
export function jsonClone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

const inPhase = <Q>(w: OpsWorld<Q>, phase: AgentPhase) => w.agents.filter((a) => a.phase === phase);

function nth<T>(xs: T[], n: number): T | undefined {
  return xs.length === 0 ? undefined : xs[n % xs.length];
}

/** Fires every due class timer, as the kernel's sched.replenished does. */
function fireTimers<Q>(w: OpsWorld<Q>): void {
  fireDueTimers(w.cls, w.rq, w.now);
}

/** The one class's runqueue as the scheduler core sees it. */
function viewOf<Q>(w: OpsWorld<Q>): SchedView {
  return { classes: [w.cls as SchedClass], rqs: { [w.cls.name]: w.rq }, now: w.now };
}

/** What the class shows after a step: the pick, the queue, the timer and every agent's numbers. */
function observe<Q>(w: OpsWorld<Q>): unknown {
  const stats: Record<string, SchedStats> = {};
  for (const a of w.agents) if (a.phase !== 'gone') stats[a.id] = w.cls.stats(w.rq, a.id, w.now);
  const timer = w.cls.nextTimer(w.rq, w.now);
  return { now: w.now, pick: w.cls.pickNext(w.rq, w.now), queued: w.cls.queued(w.rq, w.now), size: w.cls.size(w.rq), timer: Number.isFinite(timer) ? timer : 'none', stats };
}

function enqueue<Q>(w: OpsWorld<Q>, a: OpsWorld<Q>['agents'][number], why: SchedEntity['why']): void {
  w.cls.enqueue(w.rq, { agent: a.id, t: w.now, sched: a.sched, why }, w.now);
  a.phase = 'queued';
}

/** One step of the script, applied as the kernel would (a slice never exceeds sliceFor). */
function step<Q>(w: OpsWorld<Q>, op: SchedOp): void {
  const { cls } = w;
  switch (op.k) {
    case 'spawn': {
      const a = { id: agentName(w.agents.length), phase: 'gone' as AgentPhase, sched: op.sched };
      w.agents.push(a);
      enqueue(w, a, 'new');
      break;
    }
    case 'wake': {
      const a = nth(inPhase(w, 'sleeping'), op.n);
      if (a) enqueue(w, a, 'wakeup');
      break;
    }
    case 'pick': {
      if (inPhase(w, 'running').length >= w.params.slots) break;
      const id = pickForSlot(viewOf(w))?.agent ?? null;
      w.trace.push({ picked: id });
      const a = w.agents.find((x) => x.id === id);
      if (!a) break;
      cls.dequeue(w.rq, a.id, w.now);
      a.phase = 'running';
      break;
    }
    case 'run': {
      const a = nth(inPhase(w, 'running'), op.n);
      if (!a) break;
      const tokens = sliceLength(cls, w.rq, a.id, op.tokens);
      w.now += tokens / w.params.tokensPerMs;
      cls.account(w.rq, a.id, tokens, w.now);
      fireTimers(w);
      // The slice boundary: a throttled runner leaves, else the class may preempt it.
      const decision = atSliceBoundary(viewOf(w), cls, a.id);
      const throttled = decision.kind === 'preempt' && decision.reason === 'throttled';
      const preempt = decision.kind === 'preempt';
      w.trace.push({ ran: a.id, tokens, throttled, preempt });
      if (preempt) enqueue(w, a, 'preempted');
      break;
    }
    case 'preempt':
    case 'yield': {
      const a = nth(inPhase(w, 'running'), op.n);
      if (a) enqueue(w, a, op.k === 'yield' ? 'yield' : 'preempted');
      break;
    }
    case 'sleep': {
      const a = nth(inPhase(w, 'running'), op.n);
      if (!a) break;
      if (op.tokens > 0) {
        w.now += op.tokens / w.params.tokensPerMs;
        cls.account(w.rq, a.id, op.tokens, w.now);
      }
      cls.sleep(w.rq, a.id, w.now);
      a.phase = 'sleeping';
      break;
    }
    case 'exit': {
      const a = nth(w.agents.filter((x) => x.phase !== 'gone'), op.n);
      if (!a) break;
      cls.exit(w.rq, a.id);
      a.phase = 'gone';
      break;
    }
    case 'tick':
      w.now += op.ms;
      break;
  }
  fireTimers(w);
}

/**
 * Plays `ops` against a fresh runqueue of `cls` and returns the world (its trace holds every
 * decision and, after each step, what `observe` saw). With `cloneEachStep` the runqueue is
 * replaced by a JSON clone after every step, as a snapshot-and-replay would.
 */
export function runOps<Q>(
  cls: SchedClass<Q>,
  params: SchedParams,
  ops: readonly SchedOp[],
  opts: { cloneEachStep?: boolean; check?: (w: OpsWorld<Q>, op: SchedOp) => void } = {},
): OpsWorld<Q> {
  const w: OpsWorld<Q> = { cls, rq: cls.init(params), params, now: 0, agents: [], trace: [] };
  for (const op of ops) {
    step(w, op);
    if (opts.cloneEachStep) w.rq = jsonClone(w.rq);
    w.trace.push(observe(w));
    opts.check?.(w, op);
  }
  return w;
}
