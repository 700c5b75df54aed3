/**
 * deadline: EDF over Constant Bandwidth Servers (SCHED_DEADLINE; Documentation/scheduler/
 * sched-deadline.rst §2–3, kernel/sched/deadline.c). An agent gets `runtime` tokens of service
 * every `period` ms, to be had within `deadline` ms of each period start. State per agent: the
 * scheduling deadline d (ms) and the remaining runtime q (tokens).
 *
 * Two treaps share one node pool: `ready` holds queued, unthrottled entities by (d, enqueue
 * order) for the EDF pick; `timers` holds throttled entities (queued or running) by the time
 * their replenishment is due, so pickNext and nextTimer are O(log n).
 */
import type { AgentId } from '../ids';
import { treapFirst, treapInOrder, treapInsert, treapPool, treapRemove, type TreapPool } from './augTreap';
import { admitEntity, entityIndex, entityOf, QUEUED, releaseEntity, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { numberParam, type AgentSched, type SchedClass, type SchedEntity, type SchedModel, type SchedParam, type SchedParamIssue, type SchedStats } from './schedClass';

/** The deadline runqueue of one model (JSON data). */
export interface DeadlineQueue {
  slice: number;
  /** Fallbacks for agents that leave a parameter out (the kernel's admission requires all three). */
  defaultPeriod: number;
  ids: EntityIndex;
  state: number[];
  /** dl_runtime (tokens), dl_deadline and dl_period (ms). */
  runtime: number[];
  rel: number[];
  period: number[];
  /** Scheduling deadline (ms) and remaining runtime (tokens). */
  d: number[];
  q: number[];
  /** 1 while throttled; `at` is then when the replenishment is due. */
  throttled: number[];
  at: number[];
  order: number[];
  tree: TreapPool;
  ready: number;
  timers: number;
  size: number;
  seq: number;
}

function setParams(rq: DeadlineQueue, i: number, se: SchedEntity): void {
  const s = se.sched;
  const runtime = numberParam(s, 'runtime');
  const deadline = numberParam(s, 'deadline');
  const period = Math.max(1, numberParam(s, 'period') ?? deadline ?? rq.defaultPeriod);
  rq.period[i] = period;
  rq.rel[i] = Math.max(1, Math.min(period, deadline ?? period));
  rq.runtime[i] = Math.max(1, runtime ?? rq.slice);
}

const PARAMS: readonly SchedParam[] = Object.freeze([
  { name: 'runtime', label: 'Runtime', kind: 'integer', min: 1, unit: 'tokens', step: 16, position: 6, required: true, description: 'SCHED_DEADLINE: tokens of service the agent gets every period.' },
  { name: 'deadline', label: 'Deadline', kind: 'integer', min: 1, unit: 'ms', step: 100, position: 7, required: true, description: 'SCHED_DEADLINE: within this many ms of each period start.' },
  { name: 'period', label: 'Period', kind: 'integer', min: 1, unit: 'ms', step: 100, position: 8, required: true, description: 'SCHED_DEADLINE: the period, in ms.' },
] satisfies SchedParam[]);

/** Runtime in ms of one slot at the model's decode speed. */
const runtimeMs = (runtime: number, model: SchedModel): number => (runtime / model.tokensPerSecond) * 1000;

/**
 * SCHED_DEADLINE's rule runtime ≤ deadline ≤ period (Documentation/scheduler/sched-deadline.rst
 * §4.1, sched_setattr's EINVAL), with runtime in tokens taken at the model's decode speed (all
 * three are `required` params). The one home of this rule: the parser, the job pipeline and the
 * inspector ask it through SchedRegistry.checkParams.
 */
export function checkDeadlineParams(sched: AgentSched, model: SchedModel | null): SchedParamIssue[] {
  const issues: SchedParamIssue[] = [];
  const runtime = numberParam(sched, 'runtime');
  const deadline = numberParam(sched, 'deadline');
  const period = numberParam(sched, 'period');
  if (runtime !== undefined && deadline !== undefined && model !== null && model.tokensPerSecond > 0 && runtimeMs(runtime, model) > deadline) {
    const fits = Math.floor((deadline * model.tokensPerSecond) / 1000);
    issues.push({
      param: 'runtime',
      message: `expected at most what the deadline allows (${fits} tokens in ${deadline} ms at ${model.tokensPerSecond} tokens/s), found ${runtime} tokens (${Math.round(runtimeMs(runtime, model))} ms)`,
      expected: `≤ ${fits}`, found: String(runtime),
    });
  }
  if (deadline !== undefined && period !== undefined && deadline > period) {
    issues.push({ param: 'deadline', message: `expected at most the period (${period} ms), found ${deadline} ms`, expected: `≤ ${period}`, found: String(deadline) });
  }
  return issues;
}

/** The bandwidth valid parameters reserve on the model: runtime / capacity(period), in slots. */
export function deadlineUtilization(sched: AgentSched, model: SchedModel): number {
  return (numberParam(sched, 'runtime') ?? 0) / (((numberParam(sched, 'period') ?? 1) * model.tokensPerSecond) / 1000);
}

function toReady(rq: DeadlineQueue, i: number): void {
  rq.order[i] = rq.seq++;
  rq.ready = treapInsert(rq.tree, rq.ready, i, rq.d[i]!, rq.order[i]!, 0);
}

function toTimers(rq: DeadlineQueue, i: number): void {
  rq.order[i] = rq.seq++;
  rq.timers = treapInsert(rq.tree, rq.timers, i, rq.at[i]!, rq.order[i]!, 0);
}

/** Takes i out of whichever tree holds it (a queued entity is in one, a running one only if throttled). */
function detach(rq: DeadlineQueue, i: number): void {
  if (rq.throttled[i] === 1) {
    if (rq.state[i] !== SLEEPING) rq.timers = treapRemove(rq.tree, rq.timers, i);
  } else if (rq.state[i] === QUEUED) {
    rq.ready = treapRemove(rq.tree, rq.ready, i);
  }
}

/** CBS wake-up rule: a fresh (d, q) if d has passed or q/(d − now) > runtime/period. */
function wakeRule(rq: DeadlineQueue, i: number, now: number): void {
  const d = rq.d[i]!;
  if (d <= now || rq.q[i]! * rq.period[i]! > rq.runtime[i]! * (d - now)) {
    rq.d[i] = now + rq.rel[i]!;
    rq.q[i] = rq.runtime[i]!;
  }
}

/**
 * replenish_dl_entity: d += period, q += runtime until q > 0; a server that lagged past its
 * deadline starts a new period at `now` ("DL replenish lagged too much").
 */
function refill(rq: DeadlineQueue, i: number, now: number): void {
  while (rq.q[i]! <= 0) {
    rq.d[i] = rq.d[i]! + rq.period[i]!;
    rq.q[i] = rq.q[i]! + rq.runtime[i]!;
  }
  if (rq.d[i]! < now) {
    rq.d[i] = now + rq.rel[i]!;
    rq.q[i] = rq.runtime[i]!;
  }
  rq.throttled[i] = 0;
  rq.at[i] = 0;
}

/**
 * Throttles a queued or running entity (in neither tree yet) until its next period starts,
 * d − deadline + period (start_dl_timer → dl_next_period); if that is past, replenishes at once.
 */
function throttle(rq: DeadlineQueue, i: number, now: number): void {
  const at = rq.d[i]! - rq.rel[i]! + rq.period[i]!;
  if (at <= now) {
    refill(rq, i, now);
    if (rq.state[i] === QUEUED) toReady(rq, i);
    return;
  }
  rq.throttled[i] = 1;
  rq.at[i] = at;
  toTimers(rq, i);
}

function enqueue(rq: DeadlineQueue, se: SchedEntity, now: number): void {
  let i = entityOf(rq.ids, se.agent);
  if (i >= 0 && rq.state[i] === QUEUED) return;
  if (i < 0) {
    // setup_new_dl_entity: the first period starts now.
    i = admitEntity(rq.ids, se.agent);
    setParams(rq, i, se);
    rq.d[i] = now + rq.rel[i]!;
    rq.q[i] = rq.runtime[i]!;
    rq.throttled[i] = 0;
    rq.at[i] = 0;
    rq.order[i] = 0;
  } else if (rq.state[i] === RUNNING) {
    rq.state[i] = QUEUED;
    rq.size++;
    // yield_task_dl: a yielder forfeits what is left of this period's runtime.
    if (se.why === 'yield' && rq.throttled[i] === 0) {
      rq.q[i] = 0;
      throttle(rq, i, now);
    } else if (rq.throttled[i] === 0) {
      toReady(rq, i);
    }
    return;
  } else {
    setParams(rq, i, se);
    // A throttled sleeper stays throttled until its replenishment time (enqueue_task_dl).
    if (rq.throttled[i] === 1 && now < rq.at[i]!) {
      rq.state[i] = QUEUED;
      rq.size++;
      toTimers(rq, i);
      return;
    }
    if (rq.throttled[i] === 1) refill(rq, i, now);
    wakeRule(rq, i, now);
  }
  rq.state[i] = QUEUED;
  rq.size++;
  // Runtime spent while asleep (a slice accounted after sleep) with the deadline still ahead.
  if (rq.q[i]! <= 0) throttle(rq, i, now);
  else toReady(rq, i);
}

function account(rq: DeadlineQueue, agent: AgentId, tokens: number, now: number): void {
  const i = entityOf(rq.ids, agent);
  if (i < 0 || !(tokens > 0)) return;
  rq.q[i] = rq.q[i]! - tokens;
  if (rq.q[i]! > 0 || rq.throttled[i] === 1 || rq.state[i] === SLEEPING) return;
  if (rq.state[i] === QUEUED) rq.ready = treapRemove(rq.tree, rq.ready, i);
  throttle(rq, i, now);
}

function replenish(rq: DeadlineQueue, now: number): void {
  for (let t = treapFirst(rq.tree, rq.timers); t >= 0 && rq.at[t]! <= now; t = treapFirst(rq.tree, rq.timers)) {
    rq.timers = treapRemove(rq.tree, rq.timers, t);
    refill(rq, t, now);
    if (rq.state[t] === QUEUED) toReady(rq, t);
  }
}

/**
 * The deadline class (rank 10). stats: runtimeLeft (tokens), deadline (absolute ms), period,
 * runtime, throttledUntil (ms, 0 when not throttled). Sources: sched-deadline.rst, deadline.c.
 */
export const deadline: SchedClass<DeadlineQueue> = Object.freeze<SchedClass<DeadlineQueue>>({
  name: 'deadline',
  rank: 10,
  label: 'deadline (EDF + CBS)',
  params: PARAMS,
  shows: [{ stat: 'runtimeLeft', label: 'runtimeLeft' }, { stat: 'deadline', label: 'deadline' }],
  checkParams: checkDeadlineParams,
  explainParams(sched, model) {
    const ms = Math.round(runtimeMs(numberParam(sched, 'runtime') ?? 0, model));
    return `runtime ${ms} ms at ${model.tokensPerSecond} tok/s ≤ deadline ≤ period; reserves ${Math.round(deadlineUtilization(sched, model) * 100)}% of one slot.`;
  },
  init: (p) => ({
    slice: Math.max(1, p.sliceTokens), defaultPeriod: Math.max(1, p.rtPeriodMs),
    ids: entityIndex(), state: [], runtime: [], rel: [], period: [], d: [], q: [], throttled: [], at: [], order: [],
    tree: treapPool(), ready: -1, timers: -1, size: 0, seq: 0,
  }),
  enqueue: (rq, se, now) => enqueue(rq, se, now),
  dequeue(rq, agent) {
    const i = entityOf(rq.ids, agent);
    if (i < 0 || rq.state[i] !== QUEUED) return;
    if (rq.throttled[i] === 0) rq.ready = treapRemove(rq.tree, rq.ready, i);
    rq.state[i] = RUNNING;
    rq.size--;
  },
  account: (rq, agent, tokens, now) => account(rq, agent, tokens, now),
  sleep(rq, agent) {
    const i = entityOf(rq.ids, agent);
    if (i < 0 || rq.state[i] === SLEEPING) return;
    detach(rq, i);
    if (rq.state[i] === QUEUED) rq.size--;
    rq.state[i] = SLEEPING;
  },
  exit(rq, agent) {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return;
    detach(rq, i);
    if (rq.state[i] === QUEUED) rq.size--;
    rq.state[i] = 0;
    releaseEntity(rq.ids, i);
  },
  replenish: (rq, now) => replenish(rq, now),
  pickNext(rq) {
    const i = treapFirst(rq.tree, rq.ready);
    return i < 0 ? null : rq.ids.agents[i]!;
  },
  checkPreempt(rq, running) {
    const i = entityOf(rq.ids, running);
    const b = treapFirst(rq.tree, rq.ready);
    if (i < 0 || b < 0) return false;
    return rq.throttled[i] === 1 || rq.d[b]! < rq.d[i]!;
  },
  sliceFor(rq, agent) {
    const i = entityOf(rq.ids, agent);
    return i < 0 ? rq.slice : Math.min(rq.slice, Math.max(1, rq.q[i]!));
  },
  nextTimer(rq) {
    const t = treapFirst(rq.tree, rq.timers);
    return t < 0 ? Number.POSITIVE_INFINITY : rq.at[t]!;
  },
  throttled(rq, agent) {
    const i = entityOf(rq.ids, agent);
    return i >= 0 && rq.throttled[i] === 1;
  },
  stats(rq, agent): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    return { runtimeLeft: rq.q[i]!, deadline: rq.d[i]!, period: rq.period[i]!, runtime: rq.runtime[i]!, throttledUntil: rq.at[i]! };
  },
  queued(rq) {
    const ready = treapInOrder(rq.tree, rq.ready);
    const waiting = treapInOrder(rq.tree, rq.timers).filter((i) => rq.state[i] === QUEUED);
    return [...ready, ...waiting].map((i) => rq.ids.agents[i]!);
  },
  size: (rq) => rq.size,
});
