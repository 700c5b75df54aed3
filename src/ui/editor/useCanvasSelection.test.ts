import { describe, expect, it } from 'vitest';
import { primaryOf } from './useCanvasSelection';

const picked = (nodes: string[], edges: string[]) => ({ nodes: new Set(nodes), edges: new Set(edges) });

describe('what the canvas selection inspects', () => {
  it('is the one picked node or channel', () => {
    expect(primaryOf(picked(['planner'], []))).toBe('planner');
    expect(primaryOf(picked([], ['channel:plan-to-write']))).toBe('plan-to-write');
  });
  it('is nothing for a capability or model edge, or an empty pick', () => {
    expect(primaryOf(picked([], ['cap:0:researcher']))).toBeNull();
    expect(primaryOf(picked([], ['model:writer']))).toBeNull();
    expect(primaryOf(picked([], []))).toBeNull();
  });
  it('leaves the inspector alone for a multi-pick', () => {
    expect(primaryOf(picked(['a', 'b'], []))).toBeUndefined();
    expect(primaryOf(picked(['a'], ['channel:x']))).toBeUndefined();
  });
});
