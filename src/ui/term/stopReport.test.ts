import { describe, expect, it } from 'vitest';
import { TraceBuilder } from '../sched/fixtures.test-data';
import { STOP_REASONS, stopReport } from './stopReport';

/** Two agents trading the same request and answer until the livelock detector stops them. */
function livelockTrace(): TraceBuilder {
  const trace = new TraceBuilder().started({ m: 1 }, ['editor', 'writer']);
  for (let i = 0; i < 3; i++) {
    trace.at(100 * (i + 1));
    trace.push({ type: 'msg.sent', agent: 'editor', msgId: `m${2 * i}`, from: 'editor', to: 'writer', channel: 'c1', text: 'make it formal', facts: [], tokens: 3, deliverAt: 0 });
    trace.push({ type: 'msg.sent', agent: 'writer', msgId: `m${2 * i + 1}`, from: 'writer', to: 'editor', channel: 'c2', text: 'made it casual', facts: [], tokens: 3, deliverAt: 0 });
  }
  return trace.at(700).push({ type: 'run.stopped', reason: 'livelock', detail: 'editor and writer oscillate', goals: { approved: false }, evidence: [1, 2, 3, 4, 42] });
}

describe('stop report', () => {
  it('is null while nothing has stopped the run at the cursor', () => {
    const trace = livelockTrace();
    expect(stopReport(trace.events, 6)).toBeNull();
    expect(stopReport([], -1)).toBeNull();
  });

  it('explains a livelock and lists its evidence events', () => {
    const trace = livelockTrace();

    const stop = stopReport(trace.events, 7)!;

    expect(stop).toMatchObject({
      seq: 7,
      t: 700,
      reason: 'livelock',
      title: 'Livelock',
      sentence: 'No progress: the same exchange kept repeating.',
      detail: 'editor and writer oscillate',
      goals: [{ id: 'approved', met: false }],
    });
    expect(stop.evidence.map((r) => [r.seq, r.type, r.agent])).toEqual([
      [1, 'msg.sent', 'editor'],
      [2, 'msg.sent', 'writer'],
      [3, 'msg.sent', 'editor'],
      [4, 'msg.sent', 'writer'],
      [42, '?', null],
    ]);
    expect(stop.evidence[0]!.summary).toBe('editor → writer via c1 · "make it formal"');
    expect(stop.evidence[4]!.summary).toBe('not among the loaded events');
  });

  it('finds evidence by seq when positions do not match seqs', () => {
    const trace = livelockTrace();
    const tail = trace.events.slice(3);

    const stop = stopReport(tail, 7)!;

    expect(stop.evidence.map((r) => r.type)).toEqual(['?', '?', 'msg.sent', 'msg.sent', '?']);
  });

  it('reads a stop without evidence (a completed run) as an empty list', () => {
    const trace = new TraceBuilder().started({ m: 1 }, ['a']).push({ type: 'run.stopped', reason: 'completed', detail: 'every agent finished and every goal is met', goals: {} });

    const stop = stopReport(trace.events, 99)!;

    expect(stop.title).toBe('Completed');
    expect(stop.evidence).toEqual([]);
  });

  it('has a sentence for every reason', () => {
    for (const [reason, text] of Object.entries(STOP_REASONS)) {
      expect(text.title, reason).not.toBe('');
      expect(text.sentence, reason).toMatch(/^[A-Z].*\.$/);
    }
    expect(STOP_REASONS.deadlock.sentence).toContain('waiting');
  });
});
