/**
 * FIFO: first come, first served over the model's slots, no preemption (SCHED_FIFO without
 * priorities). Ties in arrival time keep enqueue order.
 */
import type { SchedClass } from './schedClass';

export interface FifoQueue {
  queue: string[];
}

export const fifo: SchedClass<FifoQueue> = Object.freeze<SchedClass<FifoQueue>>({
  name: 'fifo',
  rank: 50,
  init: () => ({ queue: [] }),
  enqueue(rq: FifoQueue, se) {
    rq.queue.push(se.agent);
  },
  dequeue(rq: FifoQueue, agent) {
    const i = rq.queue.indexOf(agent);
    if (i >= 0) rq.queue.splice(i, 1);
  },
  pickNext: (rq: FifoQueue) => rq.queue[0] ?? null,
  size: (rq: FifoQueue) => rq.queue.length,
});
