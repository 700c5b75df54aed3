/**
 * Recall storage in the live state is bounded: an agent whose window overflows again and again
 * keeps its newest RECALL_KEEP segments there, the older ones stay only in the trace.
 */
import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import { RECALL_KEEP } from './reduceHelpers';

const chatty = harness({
  agents: [{
    id: 'a', name: 'A', model: 'm', memory: { window: 256 },
    // Each turn adds a segment to a 256-token window: it overflows every few turns.
    behaviour: Array.from({ length: RECALL_KEEP + 120 }, (_, i) => ({ op: 'think' as const, text: `Note ${i}: the window fills with thought number ${i} and then some more words.` })),
  }],
  limits: { maxSteps: 100_000 },
} as never);

describe('recall storage', () => {
  it(`keeps the newest ${RECALL_KEEP} segments that left the window, and the state stays bounded`, async () => {
    const t = await new TestKernel(chatty).runToStop();
    // Segment ids in the order they left the window.
    const left = t.events().flatMap((e) => (e.type === 'mem.evicted' ? e.segments : e.type === 'mem.compacted' ? e.summarized : []).map((s) => s.id));
    expect(left.length).toBeGreaterThan(RECALL_KEEP);
    const recall = t.state.procs['a']!.recall;
    expect(recall.map((s) => s.id)).toEqual(left.slice(-RECALL_KEEP));
    // A seek agrees with the run.
    expect(t.stateAt(t.head)).toEqual(t.state);
  });
});
