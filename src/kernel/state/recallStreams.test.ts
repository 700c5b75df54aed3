/**
 * Packed snapshots (a spilling run's: agents' recall kept once per agent in encoded chunks,
 * windows encoded per snapshot) say exactly what whole snapshots say: every snapshot read back
 * equals the state at its seq, and kernel and projection seeks at sampled points of a long run
 * equal the state running to that event reaches.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { harness } from '../test/TestKernel';
import type { BlockCodec } from '../trace/eventLog';
import { Projection } from '../trace/projection';
import { PACKED, RECALL_CHUNK, decodeChunk, encodeChunk } from './recallStreams';
import { SnapshotLog } from './snapshots';
import type { KernelState } from './state';

/** Not the identity (a chunk is really written out and read back), and counts its work. */
function reversingCodec(): BlockCodec & { encoded: number; decoded: number } {
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

/** Three agents thinking in small windows for a long time: compaction folds summaries into summaries, recall overflows. */
const long = harness({
  slots: 2,
  agents: Array.from({ length: 3 }, (_, a) => ({
    id: `a${a}`, name: `A${a}`, model: 'm', memory: { window: 256 }, temperature: 0.3,
    behaviour: Array.from({ length: 400 }, (_, i) => ({ op: 'think' as const, text: `Agent ${a} note ${i}: ${'word '.repeat(5 + ((i * 7 + a) % 13))}` })),
  })),
  limits: { maxSteps: 100_000 },
} as never);

const procsOf = (s: KernelState) => Object.values(s.procs);

describe('packed snapshots', () => {
  it('read back as the states they were taken of, and seeks at sampled points of a long run equal running there (kernel and projection)', async () => {
    const codec = reversingCodec();
    const plain = Kernel.create(long, { runId: asRunId('r'), seed: 3, snapshotEvery: 3 });
    const packed = Kernel.create(long, { runId: asRunId('r'), seed: 3, snapshotEvery: 3, spill: { keep: 64, codec, cacheBlocks: 2 } });
    await plain.runUntil({ maxEvents: 12_000 });
    await packed.runUntil({ maxEvents: 12_000 });
    const head = plain.head;
    expect(packed.head).toBe(head);
    expect(packed.traceHash()).toBe(plain.traceHash());
    // Recall overflowed (so stretches slide along their streams) and whole chunks were written out.
    expect(procsOf(plain.state).some((p) => p.recall.length >= 2 * RECALL_CHUNK)).toBe(true);

    const log = (packed as unknown as { run: { snapshots: SnapshotLog } }).run.snapshots;
    // The run outgrew the bound: the spacing doubled, so snapshots were dropped while their stretches stayed.
    expect(log.every).toBeGreaterThan(3);
    expect(log.list.length).toBeGreaterThan(100);
    for (const snap of log.list) {
      expect(snap.packed?.size).toBe(procsOf(snap.state).length);
      for (const p of procsOf(snap.state)) expect(p.recall).toBe(PACKED);
    }
    const snaps = packed.snapshots();
    for (let i = 0; i < snaps.length; i += 7) {
      const snap = snaps[i]!;
      expect(JSON.stringify(snap.state), `snapshot at ${snap.seq}`).toBe(JSON.stringify(plain.stateAt(snap.seq)));
    }

    const projection = new Projection(3, { keep: 64, codec });
    for (let from = 0; from <= head; from += 1000) projection.append(packed.trace.slice(from, from + 1000));
    const points = [0, 1, 2, 3, 4, 64, ...Array.from({ length: 40 }, (_, i) => Math.floor(((i + 1) * head) / 41)), ...snaps.slice(-3).map((s) => s.seq), head - 1, head];
    const stepped = Kernel.create(long, { runId: asRunId('r'), seed: 3, snapshotEvery: 7 });
    const decodedBefore = codec.decoded;
    for (const k of points.sort((x, y) => x - y)) {
      // Creating a kernel already emits its first few events.
      if (k < stepped.head) continue;
      await stepped.runUntil({ maxEvents: k - stepped.head });
      expect(stepped.head).toBe(k);
      const want = JSON.stringify(stepped.state);
      expect(JSON.stringify(packed.stateAt(k)), `kernel seek to ${k}`).toBe(want);
      expect(JSON.stringify(projection.stateAt(k)), `projection seek to ${k}`).toBe(want);
    }
    expect(codec.decoded).toBeGreaterThan(decodedBefore);
  });

  it('give seeks states of their own: changing one changes no snapshot and no later seek, and segments stay frozen', async () => {
    const k = Kernel.create(long, { runId: asRunId('r'), seed: 3, snapshotEvery: 3, spill: { keep: 0 } });
    await k.runUntil({ maxEvents: 4000 });
    const at = 3500;
    const before = JSON.stringify(k.stateAt(at));
    const seen = k.stateAt(at);
    const p = procsOf(seen).find((x) => x.recall.length > 0)!;
    expect(() => {
      (p.recall[0] as { text: string }).text = 'changed';
    }).toThrow(TypeError);
    for (const x of procsOf(seen)) {
      // An agent's lists are frozen too (replaced on change): a caller replaces them.
      x.recall = [];
      x.context = [];
    }
    expect(JSON.stringify(k.stateAt(at))).toBe(before);
  });

  it('write a summary that folds in an earlier one as the difference, and read it back exactly', async () => {
    const k = Kernel.create(long, { runId: asRunId('r'), seed: 3 });
    await k.runUntil({ maxEvents: 6000 });
    const recall = procsOf(k.state)[0]!.recall;
    const summaries = recall.filter((s) => s.kind === 'summary');
    // A later summary holds an earlier one's body (a recursive summary).
    expect(summaries.some((s, i) => i > 0 && s.text.includes(summaries[i - 1]!.text.slice(summaries[i - 1]!.text.indexOf(': ') + 2)))).toBe(true);
    const json = encodeChunk(recall);
    expect(JSON.parse(json)).toHaveProperty('d');
    expect(json.length).toBeLessThan(JSON.stringify(recall).length);
    const back = decodeChunk(json);
    expect(JSON.stringify(back)).toBe(JSON.stringify(recall));
    expect(back.every((s) => Object.isFrozen(s) && Object.isFrozen(s.reads))).toBe(true);
  });

  it('leaves a recall holding a segment that is not frozen in the snapshot, as it is', () => {
    const log = new SnapshotLog(1);
    log.packWith(reversingCodec());
    const seg = { id: 's1', kind: 'message', text: 'hello', reads: [] } as never;
    const state = { procs: { a: { id: 'a', recall: [seg], context: [] } } } as unknown as KernelState;
    log.add(0, state);
    expect(state.procs['a']!.recall).toEqual([seg]);
    expect(log.stateOf(log.list[0]!, (s) => JSON.parse(JSON.stringify(s)) as KernelState)).toEqual({ procs: { a: { id: 'a', recall: [seg], context: [] } } });
  });
});
