/**
 * The state-size meter (jsonLength) measures exactly what JSON.stringify would write, including
 * for states whose immutable parts it remembered, and after those states changed around them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { immutable, isShared, jsonLength } from './immutable';
import { harness, TestKernel } from '../test/TestKernel';

describe('jsonLength', () => {
  it('equals the length of JSON.stringify for any JSON value, and for values JSON leaves out or nulls', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(jsonLength(v)).toBe(JSON.stringify(v).length);
      const shared = immutable(structuredClone(v));
      expect(jsonLength(shared)).toBe(JSON.stringify(v).length);
    }), { numRuns: 300 });
    const odd = { a: undefined, b: [undefined, () => 1, Number.NaN, -0, 1e21], c: Object.create(null) as object, 'q"\n': 'é\u2028\u0001' };
    expect(jsonLength(odd)).toBe(JSON.stringify(odd).length);
  });

  it("measures a long run's state as JSON.stringify does at every check, its recall shared and remembered", async () => {
    const t = new TestKernel(harness({
      agents: [{ id: 'a', name: 'A', model: 'm', memory: { window: 256 }, behaviour: Array.from({ length: 120 }, (_, i) => ({ op: 'think' as const, text: `thought ${i} ${'x '.repeat(i % 9)}` })) }],
      limits: { maxSteps: 10_000 },
    } as never));
    for (let i = 0; i < 6; i++) {
      await t.step(80);
      expect(jsonLength(t.state)).toBe(JSON.stringify(t.state).length);
    }
    const recall = t.state.procs['a']!.recall;
    expect(recall.length).toBeGreaterThan(0);
    expect(recall.every((s) => isShared(s) && Object.isFrozen(s) && Object.isFrozen(s.reads))).toBe(true);
  });
});
