/**
 * Spilling old events to blocks changes nothing a reader sees: the same events in the same
 * order, the same trace hash, the same state at every seek, the same fork, for the kernel and
 * the view projection.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { runToStop } from '../runToStop';
import { parseHarness } from '../spec';
import { harness } from '../test/TestKernel';
import { loadEncodingsFor } from '../tokens';
import { EventLog, SPILL_BLOCK, type BlockCodec } from './eventLog';
import type { KernelEvent } from './events';
import { traceHash } from './hash';
import { jsonlChunks } from './jsonl';
import { Projection } from './projection';

/** A codec that is not the identity (so a block is really written out and read back) and counts its work. */
function countingCodec(): BlockCodec & { encoded: number; decoded: number } {
  const c = {
    encoded: 0,
    decoded: 0,
    encode: (json: string) => {
      c.encoded++;
      return [...json].reverse().join('');
    },
    decode: (block: unknown) => {
      c.decoded++;
      return [...(block as string)].reverse().join('');
    },
  };
  return c;
}

const fakeEvents = (n: number): KernelEvent[] => Array.from({ length: n }, (_, seq) => ({ seq, t: seq * 10, run: 'r', type: 'clock.advanced', note: `é${seq}` }) as unknown as KernelEvent);

describe('EventLog', () => {
  it('reads spilled events back by seq, in ranges, in order and through its array view, as an array holds them', () => {
    const codec = countingCodec();
    const log = new EventLog({ keep: 3, codec, cacheBlocks: 2 });
    const events = fakeEvents(SPILL_BLOCK * 5 + 17);
    for (const e of events) log.push(e);
    expect(log.spilled).toBe(SPILL_BLOCK * 5);
    expect(codec.encoded).toBe(5);
    expect(log.length).toBe(events.length);
    for (const seq of [0, 1, 255, 256, 700, SPILL_BLOCK * 5 - 1, SPILL_BLOCK * 5, events.length - 1]) expect(log.get(seq)).toEqual(events[seq]);
    expect(log.get(-1)).toBeUndefined();
    expect(log.get(events.length)).toBeUndefined();
    expect(log.slice(250, 600)).toEqual(events.slice(250, 600));
    expect(log.slice(-20)).toEqual(events.slice(-20));
    expect([...log]).toEqual(events);
    expect([...log.range(1000, 1100)]).toEqual(events.slice(1000, 1100));

    const view = log.view;
    expect(Array.isArray(view)).toBe(true);
    expect(view.length).toBe(events.length);
    expect(view[300]).toEqual(events[300]);
    expect(view.slice(10, 20)).toEqual(events.slice(10, 20));
    expect(view.some((e) => e.seq === 1200)).toBe(true);
    expect(view.filter((e) => e.seq % 100 === 0).map((e) => e.seq).pop()).toBe(1200);
    expect(JSON.stringify(view)).toBe(JSON.stringify(events));
    expect(() => ((view as KernelEvent[])[0] = events[1]!)).toThrow(TypeError);
    expect(() => (view as KernelEvent[]).push(events[0]!)).toThrow(TypeError);

    // Reading a block again comes from the cache; the cache holds at most cacheBlocks blocks.
    const before = codec.decoded;
    log.get(5);
    log.get(6);
    expect(codec.decoded).toBe(before + 1);
    log.get(SPILL_BLOCK * 1);
    log.get(SPILL_BLOCK * 2);
    log.get(7);
    expect(codec.decoded).toBe(before + 4);

    log.clear();
    expect(log.length).toBe(0);
    expect(view.length).toBe(0);
  });

  it('without spilling is the array it always was, growing in place', () => {
    const log = new EventLog();
    const view = log.view;
    for (const e of fakeEvents(600)) log.push(e);
    expect(log.spilled).toBe(0);
    expect(view).toBe(log.view);
    expect(view.length).toBe(600);
    expect(Object.getPrototypeOf(view)).toBe(Array.prototype);
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

describe('a kernel that spills its old events', () => {
  it('emits the same events, hash, seeks and forks as one that keeps them all', async () => {
    const codec = countingCodec();
    const plain = Kernel.create(long, { runId: asRunId('r'), seed: 4, snapshotEvery: 16 });
    const spilled = Kernel.create(long, { runId: asRunId('r'), seed: 4, snapshotEvery: 16, spill: { keep: 0, codec, cacheBlocks: 2 } });
    await plain.runUntil({ maxEvents: 6000 });
    await spilled.runUntil({ maxEvents: 6000 });
    const head = plain.head;
    expect(head).toBeGreaterThan(SPILL_BLOCK * 10);
    expect(spilled.head).toBe(head);
    expect(spilled.trace.length - (spilled.trace as EventLog).spilled).toBeLessThan(SPILL_BLOCK);

    expect(spilled.traceHash()).toBe(plain.traceHash());
    expect(traceHash(spilled.events)).toBe(plain.traceHash());
    expect([...spilled.trace]).toEqual(plain.events);
    expect([...jsonlChunks(spilled.events)].join('')).toBe([...jsonlChunks(plain.events)].join(''));

    const projection = new Projection(16, { keep: 0, cacheBlocks: 2 });
    for (let from = 0; from <= head; from += 1000) projection.append(spilled.trace.slice(from, from + 1000));
    expect(projection.head).toBe(head);
    const points = [0, 1, 2, 255, 256, 257, ...Array.from({ length: 30 }, (_, i) => Math.floor(((i + 1) * head) / 31)), head - 1, head];
    for (const k of points) {
      const want = plain.stateAt(k);
      expect(spilled.stateAt(k), `kernel seek to ${k}`).toEqual(want);
      expect(projection.stateAt(k), `projection seek to ${k}`).toEqual(want);
    }
    expect(codec.decoded).toBeGreaterThan(0);

    // A fork from a spilled run goes on exactly as a fork from the same point of the kept run.
    const at = Math.floor(head / 2);
    const forkOf = (events: readonly KernelEvent[]) => Kernel.fork(events, long, { runId: 'f', seed: 4, parent: { run: 'r', seq: at }, spill: { keep: 0 } });
    const a = forkOf(spilled.events);
    const b = forkOf(plain.events);
    await a.runUntil({ maxEvents: 1500 });
    await b.runUntil({ maxEvents: 1500 });
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.state).toEqual(b.state);
  });

  it('every example runs to the same trace hash with spilling at a small threshold', async () => {
    const index = JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string }[];
    let spilledRuns = 0;
    for (const { file } of index.filter((x) => x.file !== 'real-agent.json')) {
      const parsed = parseHarness(readFileSync(`public/examples/${file}`, 'utf8'));
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      await loadEncodingsFor(parsed.spec);
      const hashes: string[] = [];
      for (const spill of [undefined, { keep: 0, codec: countingCodec() }]) {
        const k = Kernel.create(parsed.spec, { runId: asRunId('x'), seed: 2, ...(spill ? { spill } : {}) });
        await runToStop(k, { answer: 'approve', denyReason: '-', noHuman: () => 'nobody', maxEvents: 20_000 });
        hashes.push(k.traceHash());
        if (spill && (k.trace as EventLog).spilled > 0) spilledRuns++;
      }
      expect(hashes[1], file).toBe(hashes[0]);
    }
    // Most examples stop within a block; the longer ones run most of their events from blocks.
    expect(spilledRuns).toBeGreaterThan(0);
  });
});
