/**
 * FIFO: first come, first served over the model's slots, never preempted by its own kind
 * (the foundation's class; SCHED_FIFO without priorities). Ties keep enqueue order.
 */
import type { SchedClass } from './schedClass';

export interface FifoQueue {
  queue: string[];
  slice: number;
}

export const fifo: SchedClass<FifoQueue> = Object.freeze<SchedClass<FifoQueue>>({
  name: 'fifo',
  rank: 21,
  label: 'fifo',
  params: [],
  shows: [{ stat: 'position', label: 'position' }],
  checkParams: () => [],
  init: (p) => ({ queue: [], slice: p.sliceTokens }),
  enqueue(rq, se) {
    rq.queue.push(se.agent);
  },
  dequeue(rq, agent) {
    const i = rq.queue.indexOf(agent);
    if (i >= 0) rq.queue.splice(i, 1);
  },
  account() {},
  sleep() {},
  exit(rq, agent) {
    const i = rq.queue.indexOf(agent);
    if (i >= 0) rq.queue.splice(i, 1);
  },
  replenish() {},
  pickNext: (rq) => rq.queue[0] ?? null,
  checkPreempt: () => false,
  sliceFor: () => Number.POSITIVE_INFINITY,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats: (rq, agent) => ({ position: rq.queue.indexOf(agent) }),
  queued: (rq) => [...rq.queue],
  size: (rq) => rq.queue.length,
});
