import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../kernel';
import { signed, usageComparison } from './usage';

const completed = (record: unknown): KernelEvent =>
  ({ seq: 5, t: 0, run: 'r', type: 'infer.completed', agent: 'a', model: 'm', slot: 0, turn: 0, pc: 0, tokensIn: 20, tokensOut: 40, cost: 0, text: '', action: { kind: 'think' }, slice: { tokensIn: 20, tokensOut: 40, cost: 0 }, ...(record ? { record } : {}) }) as KernelEvent;

describe('reported usage beside the estimate', () => {
  it('lists in and out, reported and estimated, with the difference', () => {
    const rows = usageComparison(completed({ provider: 'openai', reported: { tokensIn: 20, tokensOut: 40 }, estimate: { tokensIn: 23, tokensOut: 31 }, response: {} }));
    expect(rows).toEqual([
      { label: 'in', reported: 20, estimate: 23, diff: -3 },
      { label: 'out', reported: 40, estimate: 31, diff: 9 },
    ]);
    expect(rows!.map((r) => signed(r.diff))).toEqual(['−3', '+9']);
    expect(signed(0)).toBe('±0');
  });

  it('has nothing to compare on the sim or when the provider reported no usage', () => {
    expect(usageComparison(completed(null))).toBeNull();
    expect(usageComparison(completed({ provider: 'openai', reported: null, estimate: { tokensIn: 1, tokensOut: 1 }, response: {} }))).toBeNull();
  });
});
