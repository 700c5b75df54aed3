/**
 * FIFO: first come, first served over the model's slots, never preempted by its own kind
 * (the foundation's class; SCHED_FIFO without priorities). Ties keep enqueue order.
 *
 * O(1) amortized per operation and O(log n) for an agent's position: agents stay at the place
 * they were enqueued at (one leaving from the middle leaves a hole, '') with a Fenwick tree
 * counting the places still held, and the array is compacted once holes are the majority.
 */
import type { AgentId } from '../ids';
import type { SchedClass } from './schedClass';

export interface FifoQueue {
  /** Agents in enqueue order; '' where one left. Places before `head` are all holes. */
  queue: string[];
  /** The first place held (queue.length when empty): the pick. */
  head?: number;
  /** agent → its place in `queue`. */
  at?: Record<string, number>;
  /** Fenwick tree (1-based) over places: 1 where an agent is queued, so a position is a prefix sum. */
  live?: number[];
  /** Agents queued. */
  count?: number;
  slice: number;
}

/** A FifoQueue with every field (a runqueue stored before they existed holds only `queue`). */
type Fifo = Required<FifoQueue>;

const lowBit = (k: number): number => k & -k;

function prefix(live: readonly number[], k: number): number {
  let sum = 0;
  for (; k > 0; k -= lowBit(k)) sum += live[k]!;
  return sum;
}

function addAt(live: number[], k: number, d: number): void {
  for (; k < live.length; k += lowBit(k)) live[k] = live[k]! + d;
}

/** Lays the agents out again from place 0 without holes (all places held: live[k] = lowBit(k)). */
function rebuild(rq: FifoQueue, agents: readonly string[]): Fifo {
  rq.queue = [...agents];
  rq.head = 0;
  rq.at = {};
  rq.live = [0];
  for (let i = 0; i < agents.length; i++) {
    rq.at[agents[i]!] = i;
    rq.live.push(lowBit(i + 1));
  }
  rq.count = agents.length;
  return rq as Fifo;
}

/** The queue with its index fields (built once for a runqueue stored as a plain list). */
function full(rq: FifoQueue): Fifo {
  return rq.at === undefined || rq.live === undefined || rq.head === undefined || rq.count === undefined ? rebuild(rq, rq.queue.filter((a) => a !== '')) : (rq as Fifo);
}

function placeOf(rq: Fifo, agent: AgentId): number {
  const i = rq.at[agent];
  return typeof i === 'number' && rq.queue[i] === agent ? i : -1;
}

function push(rq: Fifo, agent: AgentId): void {
  const i = rq.queue.length;
  rq.queue.push(agent);
  rq.at[agent] = i;
  // The new tree node covers places (k − lowBit(k), k]: this one plus those already counted.
  const k = i + 1;
  rq.live.push(1 + prefix(rq.live, k - 1) - prefix(rq.live, k - lowBit(k)));
  rq.count++;
}

function remove(rq: Fifo, agent: AgentId): void {
  const i = placeOf(rq, agent);
  if (i < 0) return;
  rq.queue[i] = '';
  delete rq.at[agent];
  addAt(rq.live, i + 1, -1);
  rq.count--;
  while (rq.head < rq.queue.length && rq.queue[rq.head] === '') rq.head++;
  // Holes are the majority: compact (amortized O(1) per removal).
  if (rq.queue.length > 32 && rq.queue.length > 2 * rq.count) rebuild(rq, rq.queue.slice(rq.head).filter((a) => a !== ''));
}

function inOrder(rq: FifoQueue): string[] {
  return rq.queue.filter((a) => a !== '');
}

export const fifo: SchedClass<FifoQueue> = Object.freeze<SchedClass<FifoQueue>>({
  name: 'fifo',
  rank: 21,
  label: 'fifo',
  params: [],
  shows: [{ stat: 'position', label: 'position' }],
  checkParams: () => [],
  init: (p) => ({ queue: [], head: 0, at: {}, live: [0], count: 0, slice: p.sliceTokens }),
  enqueue(rq, se) {
    const q = full(rq);
    // An agent is queued once: a second enqueue keeps its place.
    if (placeOf(q, se.agent) < 0) push(q, se.agent);
  },
  dequeue(rq, agent) {
    remove(full(rq), agent);
  },
  account() {},
  sleep() {},
  exit(rq, agent) {
    remove(full(rq), agent);
  },
  replenish() {},
  pickNext: (rq) => (rq.head === undefined ? (inOrder(rq)[0] ?? null) : (rq.queue[rq.head] ?? null)),
  checkPreempt: () => false,
  sliceFor: () => Number.POSITIVE_INFINITY,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent) {
    if (rq.at === undefined || rq.live === undefined) return { position: inOrder(rq).indexOf(agent) };
    const i = placeOf(rq as Fifo, agent);
    return { position: i < 0 ? -1 : prefix(rq.live, i) };
  },
  queued: (rq) => inOrder(rq),
  size: (rq) => (rq.count === undefined ? inOrder(rq).length : rq.count),
});
