/**
 * idle: work that runs only when no other class has anything to run (SCHED_IDLE's intent,
 * Documentation/scheduler/sched-design-CFS.rst; here a class of its own, asked last by the
 * core). FIFO among idle agents, no preemption among them; the slice is short so that any
 * other class's arrival takes the slot at the next boundary.
 */
import { admitEntity, entityIndex, entityOf, moveOut, QUEUED, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { indexLists, listMembers, pushBack, unlink, type IndexLists } from './indexList';
import type { SchedClass, SchedStats } from './schedClass';

/** The idle runqueue of one model (JSON data): one FIFO list over entity indices. */
export interface IdleQueue {
  slice: number;
  ids: EntityIndex;
  state: number[];
  list: IndexLists;
  size: number;
}

function takeOut(rq: IdleQueue, i: number): void {
  if (rq.state[i] !== QUEUED) return;
  unlink(rq.list, 0, i);
  rq.size--;
}

/** The idle class (rank 90). stats: position (0-based place in the queue, −1 when not queued). */
export const idle: SchedClass<IdleQueue> = Object.freeze<SchedClass<IdleQueue>>({
  name: 'idle',
  rank: 90,
  label: 'idle',
  params: [],
  shows: [],
  checkParams: () => [],
  init: (p) => ({ slice: Math.max(1, p.sliceTokens), ids: entityIndex(), state: [], list: indexLists(1), size: 0 }),
  enqueue(rq, se) {
    let i = entityOf(rq.ids, se.agent);
    if (i >= 0 && rq.state[i] === QUEUED) return;
    if (i < 0) i = admitEntity(rq.ids, se.agent);
    pushBack(rq.list, 0, i);
    rq.state[i] = QUEUED;
    rq.size++;
  },
  dequeue: (rq, agent) => void moveOut(rq, agent, RUNNING, takeOut),
  account() {},
  sleep: (rq, agent) => void moveOut(rq, agent, SLEEPING, takeOut),
  exit: (rq, agent) => void moveOut(rq, agent, 0, takeOut),
  replenish() {},
  pickNext: (rq) => (rq.list.head[0]! >= 0 ? rq.ids.agents[rq.list.head[0]!]! : null),
  checkPreempt: () => false,
  sliceFor: (rq) => rq.slice,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    return { position: rq.state[i] === QUEUED ? listMembers(rq.list, 0).indexOf(i) : -1 };
  },
  queued: (rq) => listMembers(rq.list, 0).map((i) => rq.ids.agents[i]!),
  size: (rq) => rq.size,
});
