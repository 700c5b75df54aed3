/**
 * fair: EEVDF in tokens (kernel/sched/fair.c since v6.6; Documentation/scheduler/sched-eevdf.rst).
 * Service is output tokens: v_i += tokens·1024/w_i. V is the load-weighted average vruntime of
 * every runnable entity, the running ones included (avg_vruntime counts curr); an entity is
 * eligible when its lag w_i·(V − v_i) ≥ 0, and the pick is the eligible one with the earliest
 * virtual deadline vd_i = v_i + slice·1024/w_i, found in O(log n) with two binary heaps
 * (keyedHeap.ts): `ready` by deadline and `later` by vruntime. Every op that moves V ends by
 * moving newly eligible entities from `later` to `ready` and ineligible tops of `ready` back,
 * so the top of `ready` is the eligible entity with the earliest deadline (Linux keeps one
 * rb-tree augmented with min_vruntime; two heaps give the same pick for far less work per op).
 *
 * Entity states: queued (in a heap), running (dequeued to a slot but still in V, like curr),
 * sleeping (out of V, keeping its clamped lag for the next placement).
 *
 * Arithmetic is fixed point, as in Linux: vruntimes are integers in units of 2^-14 of
 * tokens·1024/w, so the avg_vruntime sums are exact (while |Σ w·(v − v0)| < 2^53), V rounds
 * toward −∞ and an entity placed at V is always eligible. Stats convert back to tokens·1024/w.
 */
import type { AgentId } from '../ids';
import { heapPush, heapRemove, heapTop } from './keyedHeap';
import { admitEntity, entityIndex, entityOf, QUEUED, releaseEntity, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { numberParam, type AgentSched, type SchedClass, type SchedEntity, type SchedParam, type SchedStats } from './schedClass';

/** NICE_0_LOAD: the weight of a nice-0 task, the unit of calc_delta_fair (kernel/sched/sched.h). */
export const NICE_0_LOAD = 1024;

/** sched_prio_to_weight[40] for nice −20…19, ×≈1.25 per step (kernel/sched/core.c). */
export const SCHED_PRIO_TO_WEIGHT: readonly number[] = Object.freeze([
  88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
  9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
  1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
  110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
]);

/**
 * The load weight of an agent: cgroup cpu.weight when set, DIV_ROUND_CLOSEST(weight·1024, 100)
 * (kernel/sched/sched.h, Documentation/admin-guide/cgroup-v2.rst), else the nice table.
 */
export function fairWeight(s: Readonly<Partial<AgentSched>>): number {
  const weight = numberParam(s, 'weight');
  if (weight !== undefined) return Math.max(1, Math.round((weight * NICE_0_LOAD) / 100));
  const nice = Math.min(19, Math.max(-20, Math.trunc(numberParam(s, 'nice') ?? 0)));
  return SCHED_PRIO_TO_WEIGHT[nice + 20]!;
}

const PARAMS: readonly SchedParam[] = Object.freeze([
  {
    name: 'nice', label: 'Nice', kind: 'integer', min: -20, max: 19, default: 0, step: 1, position: 2,
    description: 'fair class: −20 (most) … 19 (least); each step is ×≈1.25 of load (sched_prio_to_weight).',
    appliesTo: (s) => s.weight === undefined,
    hint: (s) => `−20…19 · load ${fairWeight({ nice: numberParam(s, 'nice') ?? 0 })}`,
  },
  {
    name: 'weight', label: 'Weight', kind: 'integer', min: 1, max: 10_000, step: 10, position: 3,
    description: 'fair class: cgroup cpu.weight, 100 = nice 0; when set it replaces nice.',
    hint: () => '100 = nice 0; replaces nice',
  },
] satisfies SchedParam[]);

/** Fixed-point scale of vruntime (units per tokens·1024/w), and of service: Δv = tokens·2^24/w. */
const V_UNIT = 2 ** 14;
const SERVICE_UNIT = NICE_0_LOAD * V_UNIT;

/** The fair runqueue of one model (JSON data; per-entity fields are parallel arrays). */
export interface FairQueue {
  /** Base slice in tokens (sysctl_sched_base_slice). */
  slice: number;
  ids: EntityIndex;
  state: number[];
  weight: number[];
  /** vruntime, integer, in 2^-14 of tokens·1024/w. */
  v: number[];
  /** Virtual deadline, same units. */
  vd: number[];
  /** Saved lag V − v of a sleeper (entity_lag), clamped to ±2 vslices; same units. */
  vlag: number[];
  /** vd when it was picked: protected from same-class preemption until vd moves (RUN_TO_PARITY). */
  parity: number[];
  /** Tie-break of equal deadlines (and vruntimes): enqueue order. */
  order: number[];
  /**
   * Queued entities by (vd, order). Holds every eligible queued entity, and its top is eligible
   * after every op (`settle`); entities below the top may have become ineligible since.
   */
  ready: number[];
  /** Queued entities not eligible when last settled, by (v, vd, order). */
  later: number[];
  /** Per entity: which heap holds it (READY, LATER, or 0 for neither), and its place there. */
  heap: number[];
  pos: number[];
  /** Entities queued (in either heap). */
  count: number;
  seq: number;
  /** avg_vruntime bookkeeping over queued and running entities: V = v0 + ⌊avg/load⌋. */
  v0: number;
  load: number;
  avg: number;
}

/** calc_delta_fair: tokens of service as vruntime of an entity of weight w. */
function delta(tokens: number, w: number): number {
  return Math.round((tokens * SERVICE_UNIT) / w);
}

/** avg_vruntime: v0 + ⌊avg/load⌋, the division rounded toward −∞ exactly (as div_s64 after the bias). */
function avgVruntime(rq: FairQueue): number {
  if (rq.load === 0) return rq.v0;
  let q = Math.floor(rq.avg / rq.load);
  if (q * rq.load > rq.avg) q--;
  else if ((q + 1) * rq.load <= rq.avg) q++;
  return rq.v0 + q;
}

/** vruntime_eligible: V ≥ v ⇔ Σ(v_j − v0)·w_j ≥ (v − v0)·Σw_j, no division. */
function eligible(rq: FairQueue, v: number): boolean {
  return (v - rq.v0) * rq.load <= rq.avg;
}

const READY = 1;
const LATER = 2;

/**
 * The eligible queued entity with the earliest deadline (pick_eevdf), else the one with the
 * lowest vruntime (the earliest deadline among equal ones). O(1): `settle` keeps the tops right.
 */
function best(rq: FairQueue): number {
  const r = heapTop(rq.ready);
  return r >= 0 ? r : heapTop(rq.later);
}

function vslice(rq: FairQueue, i: number): number {
  return delta(rq.slice, rq.weight[i]!);
}

function pushReady(rq: FairQueue, i: number): void {
  rq.heap[i] = READY;
  heapPush(rq.ready, rq.pos, rq.vd, rq.order, rq.order, i);
}

function pushLater(rq: FairQueue, i: number): void {
  rq.heap[i] = LATER;
  heapPush(rq.later, rq.pos, rq.v, rq.vd, rq.order, i);
}

function insert(rq: FairQueue, i: number): void {
  if (eligible(rq, rq.v[i]!)) pushReady(rq, i);
  else pushLater(rq, i);
  rq.count++;
}

function remove(rq: FairQueue, i: number): void {
  if (rq.heap[i] === READY) heapRemove(rq.ready, rq.pos, rq.vd, rq.order, rq.order, i);
  else heapRemove(rq.later, rq.pos, rq.v, rq.vd, rq.order, i);
  rq.heap[i] = 0;
  rq.count--;
}

/**
 * Restores the heaps' invariant after V moved: entities of `later` that became eligible go to
 * `ready` (lowest vruntime first), then ineligible tops of `ready` go to `later`. Afterwards
 * every eligible entity is in `ready` and its top is eligible, or `ready` is empty.
 */
function settle(rq: FairQueue): void {
  for (let i = heapTop(rq.later); i >= 0 && eligible(rq, rq.v[i]!); i = heapTop(rq.later)) {
    heapRemove(rq.later, rq.pos, rq.v, rq.vd, rq.order, i);
    pushReady(rq, i);
  }
  for (let i = heapTop(rq.ready); i >= 0 && !eligible(rq, rq.v[i]!); i = heapTop(rq.ready)) {
    heapRemove(rq.ready, rq.pos, rq.vd, rq.order, rq.order, i);
    pushLater(rq, i);
  }
}

/**
 * The runqueue with its heaps: a runqueue stored before them (a treap held the queued entities
 * then) gets them built from its queued entities, in enqueue order. Pure: a copy when built.
 */
function withHeaps(rq: FairQueue): FairQueue {
  if (rq.ready !== undefined) return rq;
  const out: FairQueue = { ...rq, ready: [], later: [], heap: rq.state.map(() => 0), pos: rq.state.map(() => -1), count: 0 };
  const queued = out.state.flatMap((st, i) => (st === QUEUED ? [i] : [])).sort((a, b) => out.order[a]! - out.order[b]!);
  for (const i of queued) insert(out, i);
  settle(out);
  return out;
}

/** The runqueue given, brought to today's shape in place (see withHeaps), for the mutating ops. */
function upgraded(rq: FairQueue): FairQueue {
  if (rq.ready !== undefined) return rq;
  const { ready, later, heap, pos, count } = withHeaps(rq);
  const old = rq as FairQueue & { tree?: unknown; root?: unknown };
  delete old.tree;
  delete old.root;
  return Object.assign(rq, { ready, later, heap, pos, count });
}

/** Takes a queued or running entity out of V. */
function leave(rq: FairQueue, i: number): void {
  rq.load -= rq.weight[i]!;
  if (rq.load === 0) rq.avg = 0;
  else rq.avg -= rq.weight[i]! * (rq.v[i]! - rq.v0);
}

/**
 * place_entity with PLACE_LAG: adding weight w moves V by −w·vl/(W + w), so the saved lag is
 * inflated by (W + w)/W first and the entity keeps it; a new entity gets half a slice
 * (PLACE_DEADLINE_INITIAL). sched-eevdf.rst; kernel/sched/fair.c place_entity.
 */
function place(rq: FairQueue, i: number, initial: boolean): void {
  const w = rq.weight[i]!;
  let lag = rq.vlag[i]!;
  if (rq.load > 0) lag = Math.trunc((lag * (rq.load + w)) / rq.load);
  rq.v[i] = avgVruntime(rq) - lag;
  rq.vd[i] = rq.v[i]! + (initial ? Math.floor(vslice(rq, i) / 2) : vslice(rq, i));
  rq.avg += w * (rq.v[i]! - rq.v0);
  rq.load += w;
}

function enqueue(rq: FairQueue, se: SchedEntity): void {
  let i = entityOf(rq.ids, se.agent);
  if (i >= 0 && rq.state[i] === QUEUED) return;
  if (i >= 0 && rq.state[i] === RUNNING) {
    // Put back after a slice: still in V, keeps its vruntime and deadline. A yield gives up
    // the current request (yield_task_fair: deadline += one vslice).
    if (se.why === 'yield') rq.vd[i] = rq.vd[i]! + vslice(rq, i);
  } else {
    const w = fairWeight(se.sched);
    const initial = i < 0;
    if (initial) {
      i = admitEntity(rq.ids, se.agent);
      rq.vlag[i] = 0;
      rq.weight[i] = w;
    } else if (rq.weight[i] !== w) {
      // reweight_entity: the saved lag is kept in service terms, vlag' = vlag·w_old/w_new.
      rq.vlag[i] = Math.trunc((rq.vlag[i]! * rq.weight[i]!) / w);
      rq.weight[i] = w;
    }
    place(rq, i, initial);
    rq.parity[i] = 0;
  }
  rq.state[i] = QUEUED;
  rq.order[i] = rq.seq++;
  insert(rq, i);
  settle(rq);
}

function account(rq: FairQueue, agent: AgentId, tokens: number): void {
  const i = entityOf(rq.ids, agent);
  if (i < 0 || !(tokens > 0)) return;
  const w = rq.weight[i]!;
  const dv = delta(tokens, w);
  const state = rq.state[i];
  if (state === SLEEPING) {
    const limit = 2 * vslice(rq, i);
    rq.v[i] = rq.v[i]! + dv;
    rq.vlag[i] = Math.max(-limit, Math.min(limit, rq.vlag[i]! - dv));
    return;
  }
  const queued = state === QUEUED;
  if (queued) remove(rq, i);
  rq.v[i] = rq.v[i]! + dv;
  rq.avg += w * dv;
  // update_deadline: a spent request gets a new one from the current vruntime.
  if (rq.v[i]! >= rq.vd[i]!) rq.vd[i] = rq.v[i]! + vslice(rq, i);
  if (queued) insert(rq, i);
  // Keep the reference point at V so avg stays small (the role of min_vruntime/zero_vruntime).
  const V = avgVruntime(rq);
  rq.avg -= rq.load * (V - rq.v0);
  rq.v0 = V;
  settle(rq);
}

/** Saves the lag of a queued or running entity and takes it out of V (dequeue_entity → entity_lag). */
function sleep(rq: FairQueue, agent: AgentId): void {
  const i = entityOf(rq.ids, agent);
  if (i < 0 || rq.state[i] === SLEEPING) return;
  if (rq.state[i] === QUEUED) remove(rq, i);
  const limit = 2 * vslice(rq, i);
  rq.vlag[i] = Math.max(-limit, Math.min(limit, avgVruntime(rq) - rq.v[i]!));
  leave(rq, i);
  rq.state[i] = SLEEPING;
  settle(rq);
}

/** Lag in tokens of service, w·(V − v) (a sleeper's saved one); ≥ 0 exactly when eligible. */
function lagTokens(rq: FairQueue, i: number): number {
  const vlag = rq.state[i] === SLEEPING ? rq.vlag[i]! : avgVruntime(rq) - rq.v[i]!;
  return (rq.weight[i]! * vlag) / SERVICE_UNIT;
}

/** Runnable agents in pick order: eligible ones by deadline, then the rest by vruntime. */
function queued(rq: FairQueue): AgentId[] {
  const ready: number[] = [];
  const later: number[] = [];
  for (const i of [...rq.ready, ...rq.later]) (eligible(rq, rq.v[i]!) ? ready : later).push(i);
  ready.sort((a, b) => rq.vd[a]! - rq.vd[b]! || rq.order[a]! - rq.order[b]!);
  later.sort((a, b) => rq.v[a]! - rq.v[b]! || rq.vd[a]! - rq.vd[b]! || rq.order[a]! - rq.order[b]!);
  return [...ready, ...later].map((i) => rq.ids.agents[i]!);
}

/**
 * The fair class (rank 30). stats: vruntime, vdeadline and V in tokens·1024/w, lag in tokens of
 * service owed (w·(V − v)/1024), weight. Sources: kernel/sched/fair.c (v6.6+), REFERENCES §1.1, §1.6.
 */
export const fair: SchedClass<FairQueue> = Object.freeze<SchedClass<FairQueue>>({
  name: 'fair',
  rank: 30,
  label: 'fair (EEVDF)',
  params: PARAMS,
  shows: [{ stat: 'vruntime', label: 'vruntime' }, { stat: 'lag', label: 'lag' }, { stat: 'vdeadline', label: 'vdeadline' }],
  checkParams: () => [],
  init: (p) => ({
    slice: Math.max(1, p.sliceTokens),
    ids: entityIndex(), state: [], weight: [], v: [], vd: [], vlag: [], parity: [], order: [],
    ready: [], later: [], heap: [], pos: [], count: 0, seq: 0, v0: 0, load: 0, avg: 0,
  }),
  enqueue: (rq, se) => enqueue(upgraded(rq), se),
  dequeue(rq, agent) {
    const i = entityOf(upgraded(rq).ids, agent);
    if (i < 0 || rq.state[i] !== QUEUED) return;
    remove(rq, i);
    rq.state[i] = RUNNING;
    rq.parity[i] = rq.vd[i]!;
    settle(rq);
  },
  account: (rq, agent, tokens) => account(upgraded(rq), agent, tokens),
  sleep: (rq, agent) => sleep(upgraded(rq), agent),
  exit(rq, agent) {
    const i = entityOf(upgraded(rq).ids, agent);
    if (i < 0) return;
    if (rq.state[i] === QUEUED) remove(rq, i);
    if (rq.state[i] !== SLEEPING) leave(rq, i);
    rq.state[i] = 0;
    releaseEntity(rq.ids, i);
    settle(rq);
  },
  replenish() {},
  pickNext: (rq) => (rq.count === 0 ? null : rq.ids.agents[best(withHeaps(rq))]!),
  checkPreempt(stored, running) {
    const rq = withHeaps(stored);
    const i = entityOf(rq.ids, running);
    if (i < 0 || rq.state[i] !== RUNNING || rq.count === 0) return false;
    const curEligible = eligible(rq, rq.v[i]!);
    // RUN_TO_PARITY: a picked entity runs until it is no longer eligible or its request is spent.
    if (curEligible && rq.vd[i] === rq.parity[i]) return false;
    const b = best(rq);
    if (!eligible(rq, rq.v[b]!)) return false;
    return !curEligible || rq.vd[b]! < rq.vd[i]!;
  },
  sliceFor: (rq) => rq.slice,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    return { vruntime: rq.v[i]! / V_UNIT, lag: lagTokens(rq, i), vdeadline: rq.vd[i]! / V_UNIT, weight: rq.weight[i]!, V: avgVruntime(rq) / V_UNIT };
  },
  queued: (rq) => queued(withHeaps(rq)),
  size: (rq) => rq.count,
});
