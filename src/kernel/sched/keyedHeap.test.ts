import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heapPush, heapRemove, heapTop } from './keyedHeap';

describe('keyedHeap', () => {
  it('agrees with a sorted list under random pushes and removals of any member, and stays JSON data', () => {
    const op = fc.oneof(
      fc.record({ push: fc.constant(true), k1: fc.integer({ min: 0, max: 6 }), k2: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ push: fc.constant(false), n: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        // Entities are dense indices; k3 (an insertion counter) breaks every tie, as fair's enqueue order does.
        let st = { h: [] as number[], pos: [] as number[], k1: [] as number[], k2: [] as number[], k3: [] as number[] };
        const model: number[] = [];
        const free: number[] = [];
        let next = 0;
        let seq = 0;
        for (const o of ops) {
          if (o.push) {
            const x = free.pop() ?? next++;
            st.k1[x] = o.k1;
            st.k2[x] = o.k2;
            st.k3[x] = seq++;
            heapPush(st.h, st.pos, st.k1, st.k2, st.k3, x);
            model.push(x);
          } else if (model.length > 0) {
            const [x] = model.splice(o.n % model.length, 1);
            heapRemove(st.h, st.pos, st.k1, st.k2, st.k3, x!);
            expect(st.pos[x!]).toBe(-1);
            free.push(x!);
          }
          model.sort((a, b) => st.k1[a]! - st.k1[b]! || st.k2[a]! - st.k2[b]! || st.k3[a]! - st.k3[b]!);
          expect(heapTop(st.h)).toBe(model[0] ?? -1);
          expect([...st.h].sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
          // Every member knows its place, and no child is less than its parent.
          st.h.forEach((x, j) => {
            expect(st.pos[x]).toBe(j);
            if (j > 0) expect(model.indexOf(st.h[(j - 1) >> 1]!)).toBeLessThan(model.indexOf(x));
          });
          st = JSON.parse(JSON.stringify(st)) as typeof st;
        }
      }),
      { numRuns: 300 },
    );
  });
});
