/**
 * Snapshots stay bounded in number and evenly spaced at any run length, and a seek anywhere in a
 * long run (kernel and view projection) gives the state that running to that event gives.
 */
import { describe, expect, it } from 'vitest';
import { Projection } from '../trace/projection';
import { harness, TestKernel } from '../test/TestKernel';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { MAX_SNAPSHOTS, SnapshotLog, nearestSnapshot } from './snapshots';
import { cloneState } from './reduce';
import { immutable } from './immutable';
import type { KernelState } from './state';

const fake = (seq: number) => ({ seq }) as unknown as KernelState;

describe('SnapshotLog', () => {
  it('doubles its spacing instead of growing past its bound, keeping the snapshots evenly spaced', () => {
    const log = new SnapshotLog(3, 8);
    for (let seq = 0; seq <= 300; seq++) if (log.due(seq)) log.add(seq, fake(seq));
    expect(log.list.length).toBeLessThanOrEqual(8);
    expect(log.every).toBe(48);
    expect(log.list.map((s) => s.seq)).toEqual([0, 48, 96, 144, 192, 240, 288]);
  });

  it('finds the last snapshot at or before a seq', () => {
    const snaps = [0, 5, 10, 20].map((seq) => ({ seq }));
    for (let seq = -1; seq <= 25; seq++) {
      const linear = [...snaps].reverse().find((s) => s.seq <= seq);
      expect(nearestSnapshot(snaps, seq)).toBe(linear);
    }
  });
});

/** Four agents thinking and filling small windows for a long time: thousands of events. */
const long = harness({
  slots: 2,
  agents: Array.from({ length: 4 }, (_, a) => ({
    id: `a${a}`, name: `A${a}`, model: 'm', memory: { window: 256 }, temperature: 0.3,
    behaviour: Array.from({ length: 220 }, (_, i) => ({ op: 'think' as const, text: `Agent ${a} note ${i}: ${'word '.repeat(5 + ((i * 7 + a) % 13))}` })),
  })),
  limits: { maxSteps: 100_000 },
} as never);

describe('seek in a long run', () => {
  it('kernel and projection seeks equal the state reached by running to the event, at sampled points, with snapshots bounded', async () => {
    const every = 2;
    const full = Kernel.create(long, { runId: asRunId('r'), seed: 4, snapshotEvery: every });
    await full.runUntil({ maxEvents: 50_000 });
    const head = full.head;
    // Long enough that the spacing doubled several times.
    expect(head).toBeGreaterThan(every * MAX_SNAPSHOTS * 4);
    const snaps = full.snapshots();
    expect(snaps.length).toBeLessThanOrEqual(MAX_SNAPSHOTS);
    const gaps = new Set(snaps.slice(1).map((s, i) => s.seq - snaps[i]!.seq));
    expect(gaps.size).toBe(1);

    const projection = new Projection(every);
    projection.append(full.events);
    const points = [0, 1, 2, 3, ...Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * head) / 41)), ...snaps.slice(-3).map((s) => s.seq), head - 1, head].sort((x, y) => x - y);
    const stepped = Kernel.create(long, { runId: asRunId('r'), seed: 4, snapshotEvery: 7 });
    for (const k of points) {
      if (k < stepped.head) continue;
      await stepped.runUntil({ maxEvents: k - stepped.head });
      expect(stepped.head).toBe(k);
      expect(full.stateAt(k), `kernel seek to ${k}`).toEqual(stepped.state);
      expect(projection.stateAt(k), `projection seek to ${k}`).toEqual(stepped.state);
    }
  });

  it('a state a seek returned can be changed without changing the run or a later seek', async () => {
    const t = await new TestKernel(long, { snapshotEvery: 16 }).step(1500);
    const k = 1400;
    const before = JSON.stringify(t.stateAt(k));
    const seen = t.stateAt(k);
    for (const p of Object.values(seen.procs)) {
      // An agent's lists and tables are frozen (shared with the run's snapshots): a change replaces them.
      expect(() => p.context.push(p.context[0]!)).toThrow(TypeError);
      p.context = [];
      p.recall = [];
      p.vars = { ...p.vars, x: 'changed' };
      p.turn = -1;
    }
    seen.order.length = 0;
    expect(JSON.stringify(t.stateAt(k))).toBe(before);
  });
});

describe('cloneState', () => {
  it('shares immutable parts and copies the rest', () => {
    const frozen = immutable({ id: 's1', reads: [1, 2] });
    const s = { procs: { a: { recall: [frozen], context: [{ id: 's2', reads: [3] }] } } } as unknown as KernelState;
    const c = cloneState(s) as unknown as { procs: { a: { recall: unknown[]; context: { reads: number[] }[] } } };
    expect(c.procs.a.recall[0]).toBe(frozen);
    expect(c.procs.a.recall).not.toBe((s as unknown as typeof c).procs.a.recall);
    c.procs.a.context[0]!.reads.push(4);
    expect((s as unknown as typeof c).procs.a.context[0]!.reads).toEqual([3]);
  });

  it('gives what a JSON round trip gives for values JSON changes (the studio resumed wrongly when a copy kept Infinity)', () => {
    const s = { procs: { a: { gen: { slice: Number.POSITIVE_INFINITY, done: -0, f: () => 1, u: undefined, list: [Number.NaN, undefined, 1] } } } } as unknown as KernelState;
    const c = cloneState(s);
    expect(JSON.stringify(c)).toBe(JSON.stringify(s));
    expect(c).toEqual(JSON.parse(JSON.stringify(s)));
    expect(Object.is((c as unknown as { procs: { a: { gen: { done: number } } } }).procs.a.gen.done, 0)).toBe(true);
  });
});
