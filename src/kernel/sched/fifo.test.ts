import { describe, expect, it } from 'vitest';
import { fifo, type FifoQueue } from './fifo';
import type { AgentSched, SchedParams } from './schedClass';

const PARAMS: SchedParams = { sliceTokens: 8, rtPeriodMs: 100, rtRuntimeShare: 0.5, dlBound: 0.95, agingStepMs: 10, slots: 1, tokensPerMs: 1 };
const SCHED = { class: 'fifo', rtPolicy: 'rr', nice: 0, priority: 0 } as AgentSched;

/** A deterministic stream of numbers in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('fifo', () => {
  it('picks, sizes and places agents as a plain first-come list does, with agents leaving from anywhere', () => {
    const rnd = lcg(3);
    const rq = fifo.init(PARAMS);
    const ref: string[] = [];
    for (let step = 0; step < 4000; step++) {
      const agent = `a${Math.floor(rnd() * 120)}`;
      const r = rnd();
      if (r < 0.5) {
        fifo.enqueue(rq, { agent, t: step, sched: SCHED, why: 'new' }, step);
        if (!ref.includes(agent)) ref.push(agent);
      } else if (r < 0.8) {
        fifo.dequeue(rq, agent, step);
        if (ref.includes(agent)) ref.splice(ref.indexOf(agent), 1);
      } else {
        fifo.exit(rq, agent);
        if (ref.includes(agent)) ref.splice(ref.indexOf(agent), 1);
      }
      expect(fifo.pickNext(rq, step)).toBe(ref[0] ?? null);
      expect(fifo.size(rq)).toBe(ref.length);
      expect(fifo.stats(rq, agent, step)).toEqual({ position: ref.indexOf(agent) });
    }
    expect(fifo.queued(rq, 0)).toEqual(ref);
    // Compaction keeps the array within a constant factor of the agents queued.
    expect(rq.queue.length).toBeLessThanOrEqual(Math.max(32, 2 * ref.length) + 1);
  });

  it('reads a runqueue stored as a plain list (before its index fields) and goes on from it', () => {
    const old: FifoQueue = JSON.parse(JSON.stringify({ queue: ['x', 'y', 'z'], slice: 8 })) as FifoQueue;
    expect(fifo.pickNext(old, 0)).toBe('x');
    expect(fifo.size(old)).toBe(3);
    expect(fifo.stats(old, 'z', 0)).toEqual({ position: 2 });
    fifo.dequeue(old, 'x', 0);
    fifo.enqueue(old, { agent: 'w', t: 1, sched: SCHED, why: 'wakeup' }, 1);
    expect(fifo.queued(old, 1)).toEqual(['y', 'z', 'w']);
    expect(fifo.stats(old, 'w', 1)).toEqual({ position: 2 });
    expect(JSON.parse(JSON.stringify(old))).toEqual(old);
  });
});
