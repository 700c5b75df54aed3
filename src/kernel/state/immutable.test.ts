/**
 * The state-size meter (jsonLength) measures exactly what JSON.stringify would write, including
 * for states whose immutable parts it remembered, and after those states changed around them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appended, emptyTable, immutable, insertedAt, isShared, jsonLength, removedAt, replacedAt, withEntry } from './immutable';
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

describe('persistent edits of an agent\'s lists and tables', () => {
  it('give frozen copies with the change and leave their input as it was', () => {
    fc.assert(fc.property(fc.array(fc.integer()), fc.integer(), fc.nat(), (xs, x, n) => {
      const input = Object.freeze([...xs]);
      const i = xs.length === 0 ? 0 : n % xs.length;
      const results: [number[], number[]][] = [
        [appended(input, x), [...xs, x]],
        [insertedAt(input, i, x), [...xs.slice(0, i), x, ...xs.slice(i)]],
      ];
      if (xs.length > 0) {
        results.push([removedAt(input, i), [...xs.slice(0, i), ...xs.slice(i + 1)]]);
        results.push([replacedAt(input, i, x), [...xs.slice(0, i), x, ...xs.slice(i + 1)]]);
      }
      for (const [got, want] of results) {
        expect(got).toEqual(want);
        expect(isShared(got)).toBe(true);
      }
      expect(input).toEqual(xs);
    }));
  });

  it('withEntry keeps an id table: null prototype, a key named __proto__ is data, the input unchanged', () => {
    const vars = withEntry(withEntry(emptyTable<string>(), 'topic', 'paging'), '__proto__', 'x');
    expect(Object.getPrototypeOf(vars)).toBe(null);
    expect(Object.keys(vars)).toEqual(['topic', '__proto__']);
    expect(vars.__proto__).toBe('x');
    expect(isShared(vars)).toBe(true);
    const next = withEntry(vars, 'topic', 'eviction');
    expect(vars.topic).toBe('paging');
    expect(next.topic).toBe('eviction');
    expect(JSON.stringify(next)).toBe('{"topic":"eviction","__proto__":"x"}');
  });
});
