import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../bridge/api';
import type { KernelEvent } from '../../kernel';
import { mergeBatches } from './mergeBatches';

const ev = (seq: number) => ({ seq, t: seq, type: 'sched.picked' }) as unknown as KernelEvent;
const batch = (runId: string, seqs: number[], over: Partial<EventBatch> = {}): EventBatch => ({
  runId, events: seqs.map(ev), head: seqs[seqs.length - 1] ?? -1, status: 'running', ...over,
});
const bp = { id: 'b', kind: 'event' as const, value: 'tool.called', enabled: true };

describe('batches that arrived within one frame', () => {
  it('become one per run: events in order, the last head and status, the newest live text', () => {
    const g = { agent: 'a', turn: 0, model: 'm', text: 'Hi', chars: 2, tokens: 1 };
    const out = mergeBatches([batch('r', [0, 1], { live: [g] }), batch('r', [2]), batch('r', [3, 4], { status: 'paused' })]);
    expect(out).toHaveLength(1);
    expect(out[0]!.events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(out[0]).toMatchObject({ head: 4, status: 'paused', live: [g] });
  });

  it('keep each breakpoint hit, and another run apart', () => {
    const out = mergeBatches([batch('r', [0], { hit: { seq: 0, breakpoint: bp } }), batch('r', [1]), batch('s', [7]), batch('r', [2])]);
    expect(out.map((b) => [b.runId, b.events.map((e) => e.seq), b.hit?.seq])).toEqual([
      ['r', [0], 0],
      ['r', [1], undefined],
      ['s', [7], undefined],
      ['r', [2], undefined],
    ]);
  });
});
