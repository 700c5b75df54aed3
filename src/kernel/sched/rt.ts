/**
 * rt: static priorities 0..99, higher first (SCHED_FIFO / SCHED_RR, kernel/sched/rt.c), with rt
 * throttling (Documentation/scheduler/sched-rt-group.rst): rt work may use at most
 * rtRuntimeShare × rtPeriodMs × tokensPerMs × slots tokens per rtPeriodMs window, so that a
 * runaway rt agent cannot lock the model up; windows are aligned to multiples of rtPeriodMs.
 *
 * One FIFO list per priority (rt_prio_array). rtPolicy fifo runs until it sleeps or a higher
 * priority arrives; rr rotates to the tail of its list after rrSlice (default sliceTokens)
 * tokens when a peer of equal priority waits (task_tick_rt).
 */
import type { AgentId } from '../ids';
import { admitEntity, entityIndex, entityOf, moveOut, QUEUED, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { indexLists, listMembers, pushBack, pushFront, unlink, type IndexLists } from './indexList';
import { numberParam, type SchedClass, type SchedEntity, type SchedParam, type SchedStats } from './schedClass';

/** Number of rt priorities (MAX_RT_PRIO). */
export const RT_PRIOS = 100;

/** The rt runqueue of one model (JSON data). */
export interface RtQueue {
  slice: number;
  ids: EntityIndex;
  state: number[];
  prio: number[];
  /** 1 for SCHED_RR, 0 for SCHED_FIFO. */
  rr: number[];
  /** rr quantum in tokens, and what is left of it (p->rt.time_slice). */
  quantum: number[];
  left: number[];
  /** 1 when the quantum ran out with a peer waiting: goes to the tail when put back. */
  rotate: number[];
  lists: IndexLists;
  size: number;
  /** Tokens of rt work allowed per window; −1 = unlimited (share ≥ 1, sched_rt_runtime_exceeded). */
  budget: number;
  period: number;
  used: number;
  windowEnd: number;
}

/** rt_rq_throttled at `now`: the window's budget is spent and the window has not rolled over. */
function throttledAt(rq: RtQueue, now: number): boolean {
  if (rq.budget < 0 || rq.used < rq.budget) return false;
  return rq.budget === 0 || now < rq.windowEnd;
}

/** Starts the window holding `now` if the current one is over (sched_rt_period_timer). */
function roll(rq: RtQueue, now: number): void {
  if (now < rq.windowEnd) return;
  rq.windowEnd = (Math.floor(now / rq.period) + 1) * rq.period;
  rq.used = 0;
}

function top(rq: RtQueue): number {
  const head = rq.lists.head;
  for (let l = RT_PRIOS - 1; l >= 0; l--) if (head[l]! >= 0) return head[l]!;
  return -1;
}

function enqueue(rq: RtQueue, se: SchedEntity): void {
  let i = entityOf(rq.ids, se.agent);
  if (i >= 0 && rq.state[i] === QUEUED) return;
  const quantum = Math.max(1, numberParam(se.sched, 'rrSlice') ?? rq.slice);
  if (i < 0) {
    i = admitEntity(rq.ids, se.agent);
    rq.left[i] = quantum;
    rq.rotate[i] = 0;
  }
  rq.prio[i] = Math.min(RT_PRIOS - 1, Math.max(0, Math.trunc(numberParam(se.sched, 'priority') ?? 0)));
  rq.rr[i] = se.sched.rtPolicy === 'fifo' ? 0 : 1;
  rq.quantum[i] = quantum;
  // A task preempted by a higher priority keeps its place at the head; one whose rr quantum
  // expired, a yielder and a newcomer or waker go to the tail (enqueue_task_rt, yield_task_rt).
  if (se.why === 'preempted' && rq.state[i] === RUNNING && rq.rotate[i] === 0) pushFront(rq.lists, rq.prio[i]!, i);
  else pushBack(rq.lists, rq.prio[i]!, i);
  rq.rotate[i] = 0;
  rq.state[i] = QUEUED;
  rq.size++;
}

/** The static priority field, shared with the priority class (declared alike in both). */
export const PRIORITY_PARAM: SchedParam = Object.freeze<SchedParam>({
  name: 'priority', label: 'Priority', kind: 'integer', min: 0, max: RT_PRIOS - 1, default: 0, step: 1, position: 4,
  description: 'rt: static priority, higher first; priority class: the base that aging raises while the agent waits.',
});

const PARAMS: readonly SchedParam[] = Object.freeze([
  {
    name: 'rtPolicy', label: 'rt policy', kind: 'choice', choices: ['fifo', 'rr'], default: 'rr', position: 1,
    description: 'rt class: SCHED_FIFO (run until done or blocked) or SCHED_RR (rotate every rrSlice tokens).',
  },
  { ...PRIORITY_PARAM, hint: () => '0–99, higher first' },
  {
    name: 'rrSlice', label: 'rr slice', kind: 'integer', min: 1, unit: 'tokens', step: 16, position: 5,
    description: 'rt class, rr policy: tokens before rotating to a peer of equal priority (default: the harness slice).',
    appliesTo: (s) => s.rtPolicy !== 'fifo',
  },
] satisfies SchedParam[]);

function account(rq: RtQueue, agent: AgentId, tokens: number, now: number): void {
  const i = entityOf(rq.ids, agent);
  if (i < 0 || !(tokens > 0)) return;
  roll(rq, now);
  rq.used += tokens;
  if (rq.rr[i] === 0) return;
  rq.left[i] = rq.left[i]! - tokens;
  if (rq.left[i]! > 0) return;
  // task_tick_rt: a fresh quantum; requeue at the tail only if a peer of equal priority waits.
  rq.left[i] = rq.quantum[i]!;
  if (rq.state[i] === RUNNING && rq.lists.head[rq.prio[i]!]! >= 0) rq.rotate[i] = 1;
}

function takeOut(rq: RtQueue, i: number): void {
  if (rq.state[i] !== QUEUED) return;
  unlink(rq.lists, rq.prio[i]!, i);
  rq.size--;
}

/**
 * The rt class (rank 20). stats: priority, used (rt tokens this window), budget (−1 unlimited),
 * windowEnd, sliceLeft (rr quantum left). Sources: kernel/sched/rt.c, sched-rt-group.rst.
 */
export const rt: SchedClass<RtQueue> = Object.freeze<SchedClass<RtQueue>>({
  name: 'rt',
  rank: 20,
  label: 'rt (fifo / rr)',
  params: PARAMS,
  shows: [{ stat: 'priority', label: 'priority' }, { stat: 'used', label: 'used' }, { stat: 'budget', label: 'budget' }],
  checkParams: () => [],
  init: (p) => {
    const period = Math.max(1, p.rtPeriodMs);
    const share = Math.max(0, p.rtRuntimeShare);
    return {
      slice: Math.max(1, p.sliceTokens),
      ids: entityIndex(), state: [], prio: [], rr: [], quantum: [], left: [], rotate: [],
      lists: indexLists(RT_PRIOS), size: 0,
      budget: share >= 1 ? -1 : share * period * p.tokensPerMs * p.slots,
      period, used: 0, windowEnd: period,
    };
  },
  enqueue: (rq, se) => enqueue(rq, se),
  dequeue: (rq, agent) => void moveOut(rq, agent, RUNNING, takeOut),
  account: (rq, agent, tokens, now) => account(rq, agent, tokens, now),
  sleep(rq, agent) {
    const i = moveOut(rq, agent, SLEEPING, takeOut);
    if (i >= 0) rq.rotate[i] = 0;
  },
  exit: (rq, agent) => void moveOut(rq, agent, 0, takeOut),
  replenish: (rq, now) => roll(rq, now),
  pickNext(rq, now) {
    if (rq.size === 0 || throttledAt(rq, now)) return null;
    return rq.ids.agents[top(rq)]!;
  },
  checkPreempt(rq, running) {
    const i = entityOf(rq.ids, running);
    if (i < 0 || rq.size === 0) return false;
    const p = rq.prio[i]!;
    if (rq.rotate[i] === 1 && rq.lists.head[p]! >= 0) return true;
    for (let l = RT_PRIOS - 1; l > p; l--) if (rq.lists.head[l]! >= 0) return true;
    return false;
  },
  sliceFor(rq, agent) {
    const i = entityOf(rq.ids, agent);
    const own = i >= 0 && rq.rr[i] === 1 ? Math.max(1, rq.left[i]!) : rq.slice;
    // Never plan past the window's budget: the boundary that follows is where throttling bites.
    return rq.budget < 0 ? own : Math.max(1, Math.min(own, Math.ceil(rq.budget - rq.used)));
  },
  // The rollover matters only where a budget can be spent: not when unlimited, not when zero.
  nextTimer: (rq, now) => (rq.budget > 0 && rq.used > 0 && rq.windowEnd > now ? rq.windowEnd : Number.POSITIVE_INFINITY),
  throttled: (rq, _agent, now) => throttledAt(rq, now),
  stats(rq, agent, now): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    const stale = now >= rq.windowEnd;
    return {
      priority: rq.prio[i]!, used: stale ? 0 : rq.used, budget: rq.budget,
      windowEnd: stale ? (Math.floor(now / rq.period) + 1) * rq.period : rq.windowEnd, sliceLeft: rq.rr[i] === 1 ? rq.left[i]! : 0,
    };
  },
  queued(rq) {
    const out: number[] = [];
    for (let l = RT_PRIOS - 1; l >= 0; l--) listMembers(rq.lists, l, out);
    return out.map((i) => rq.ids.agents[i]!);
  },
  size: (rq) => rq.size,
});
