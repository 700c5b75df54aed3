/**
 * priority: a teaching class — static `priority` (higher first) plus aging, the textbook cure
 * for starvation (Silberschatz, Operating System Concepts §5.3.4): while queued, an agent's
 * effective priority is priority + ⌊waitMs / agingStepMs⌋, the wait counted from its enqueue
 * and restarted when it is picked. agingStepMs = 0 turns aging off, so a low priority starves
 * while higher ones keep arriving. Ties go to the earliest enqueued.
 *
 * O(log n) despite the time-varying key: with t = k·s + r (s = agingStepMs, 0 ≤ r < s) and
 * now = K·s + R, ⌊(now − t)/s⌋ = K − k − [r > R]. So effective = c + K − [r > R] with the
 * time-invariant c = priority − k. A treap ordered by (−c, enqueue order) and augmented with
 * min r finds the best of the top two c groups with two descents (augTreap.ts).
 */
import { treapFirst, treapFirstAtMost, treapInOrder, treapInsert, treapPool, treapRemove, type TreapPool } from './augTreap';
import { admitEntity, entityIndex, entityOf, moveOut, QUEUED, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { PRIORITY_PARAM } from './rt';
import { numberParam, type SchedClass, type SchedEntity, type SchedStats } from './schedClass';

/** The priority runqueue of one model (JSON data). */
export interface PriorityQueue {
  slice: number;
  /** agingStepMs; 0 = no aging. */
  step: number;
  ids: EntityIndex;
  state: number[];
  prio: number[];
  /** Enqueue time (ms), and its split t = k·step + r into c = prio − k and r. */
  t: number[];
  c: number[];
  r: number[];
  order: number[];
  tree: TreapPool;
  root: number;
  size: number;
  seq: number;
}

/** ⌊now/step⌋ and the remainder, the split every effective priority is measured against. */
function split(step: number, x: number): [number, number] {
  if (step <= 0) return [0, 0];
  const k = Math.floor(x / step);
  return [k, x - k * step];
}

function effective(rq: PriorityQueue, i: number, now: number): number {
  if (rq.state[i] !== QUEUED) return rq.prio[i]!;
  const [K, R] = split(rq.step, now);
  return rq.c[i]! + K - (rq.r[i]! > R ? 1 : 0);
}

/** The queued entity with the highest effective priority at `now` (earliest enqueued on ties). */
function best(rq: PriorityQueue, now: number): number {
  const first = treapFirst(rq.tree, rq.root);
  if (first < 0 || rq.step <= 0) return first;
  const R = split(rq.step, now)[1];
  const top = rq.c[first]!;
  // The first (in order) entity whose r ≤ R reaches its group's full effective priority.
  const x = treapFirstAtMost(rq.tree, rq.root, 0, 1, R);
  if (x < 0) return first;
  if (rq.c[x] === top) return x;
  // The top group all lag one step behind: ties with the next group's full ones.
  if (rq.c[x] === top - 1 && rq.order[x]! < rq.order[first]!) return x;
  return first;
}

function enqueue(rq: PriorityQueue, se: SchedEntity): void {
  let i = entityOf(rq.ids, se.agent);
  if (i >= 0 && rq.state[i] === QUEUED) return;
  if (i < 0) i = admitEntity(rq.ids, se.agent);
  const p = Math.trunc(numberParam(se.sched, 'priority') ?? 0);
  const [k, r] = split(rq.step, se.t);
  rq.prio[i] = p;
  rq.t[i] = se.t;
  rq.c[i] = p - k;
  rq.r[i] = r;
  rq.order[i] = rq.seq++;
  rq.state[i] = QUEUED;
  // Key k − p = −c, written as a difference so that it is never −0 (JSON has no −0).
  rq.root = treapInsert(rq.tree, rq.root, i, k - p, rq.order[i]!, r);
  rq.size++;
}

function takeOut(rq: PriorityQueue, i: number): void {
  if (rq.state[i] !== QUEUED) return;
  rq.root = treapRemove(rq.tree, rq.root, i);
  rq.size--;
}

/**
 * The priority class (rank 40). stats: priority, effective (with aging), waitedMs (since the
 * enqueue, 0 unless queued). Preempts a running agent when a queued one's effective priority
 * exceeds the runner's static priority.
 */
export const priority: SchedClass<PriorityQueue> = Object.freeze<SchedClass<PriorityQueue>>({
  name: 'priority',
  rank: 40,
  label: 'priority (aging)',
  params: [{ ...PRIORITY_PARAM, hint: () => '0–99, rises while waiting' }],
  shows: [{ stat: 'priority', label: 'priority' }, { stat: 'effective', label: 'effective' }],
  checkParams: () => [],
  init: (p) => ({
    slice: Math.max(1, p.sliceTokens), step: Math.max(0, p.agingStepMs),
    ids: entityIndex(), state: [], prio: [], t: [], c: [], r: [], order: [],
    tree: treapPool(), root: -1, size: 0, seq: 0,
  }),
  enqueue: (rq, se) => enqueue(rq, se),
  dequeue: (rq, agent) => void moveOut(rq, agent, RUNNING, takeOut),
  account() {},
  sleep: (rq, agent) => void moveOut(rq, agent, SLEEPING, takeOut),
  exit: (rq, agent) => void moveOut(rq, agent, 0, takeOut),
  replenish() {},
  pickNext(rq, now) {
    const i = best(rq, now);
    return i < 0 ? null : rq.ids.agents[i]!;
  },
  checkPreempt(rq, running, now) {
    const i = entityOf(rq.ids, running);
    const b = best(rq, now);
    return i >= 0 && b >= 0 && effective(rq, b, now) > rq.prio[i]!;
  },
  sliceFor: (rq) => rq.slice,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent, now): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    const queued = rq.state[i] === QUEUED;
    return { priority: rq.prio[i]!, effective: effective(rq, i, now), waitedMs: queued ? Math.max(0, now - rq.t[i]!) : 0 };
  },
  queued(rq, now) {
    const ranked = treapInOrder(rq.tree, rq.root).map((i) => ({ i, eff: effective(rq, i, now) }));
    ranked.sort((a, b) => b.eff - a.eff || rq.order[a.i]! - rq.order[b.i]!);
    return ranked.map((x) => rq.ids.agents[x.i]!);
  },
  size: (rq) => rq.size,
});
