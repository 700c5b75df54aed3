import { describe, expect, it } from 'vitest';
import { LivelockSchema } from '../../kernel';
import { kernelState } from '../sched/fixtures.test-data';
import { limitRows, livelockRows } from './limits';

describe('limits in force', () => {
  it('sets what the run used at the cursor against each limit', () => {
    const state = kernelState({ steps: 50, tokensIn: 300, tokensOut: 200, cost: 0.02, now: 1500 });

    const rows = limitRows(state, { maxSteps: 200, maxTokens: 1000 });

    expect(rows.map((r) => [r.id, r.used, r.max, r.share])).toEqual([
      ['steps', '50', '200', 0.25],
      ['tokens', '500', '1.00k', 0.5],
      ['cost', '$0.0200', null, null],
      ['time', '1.500s', null, null],
    ]);
  });

  it('reads as nothing used before the run', () => {
    expect(limitRows(null, { maxSteps: 10, maxTimeMs: 2000 }).map((r) => r.share)).toEqual([0, null, null, 0]);
  });
});

describe('livelock thresholds', () => {
  it('describes each test with the document thresholds', () => {
    const rows = livelockRows(LivelockSchema.parse({ repeat: 4 }));

    expect(rows.map((r) => r.on)).toEqual([true, true, true]);
    expect(rows[0]!.rule).toContain('4 turns in a row');
    expect(rows[1]!.rule).toContain('last 6 turns');
    expect(rows[2]!.rule).toContain('3 outputs in a row each over 90% alike');
  });

  it('shows the similarity test off at threshold 1 and everything off when disabled', () => {
    expect(livelockRows(LivelockSchema.parse({ similarity: 1 }))[2]).toMatchObject({ on: false, rule: 'off (similarity threshold 100%)' });
    expect(livelockRows(LivelockSchema.parse({ enabled: false })).every((r) => !r.on)).toBe(true);
  });
});
