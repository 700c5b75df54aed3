import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { treapFirst, treapFirstAtMost, treapInOrder, treapInsert, treapPool, treapRemove, type TreapPool } from './augTreap';

/** Checks order, heap property and the min augmentation of every node; returns the height. */
function verify(p: TreapPool, t: number): number {
  if (t < 0) return 0;
  const l = p.left[t]!;
  const r = p.right[t]!;
  let min = p.aug[t]!;
  for (const c of [l, r]) {
    if (c < 0) continue;
    expect(p.prio[c]).toBeLessThanOrEqual(p.prio[t]!);
    min = Math.min(min, p.min[c]!);
  }
  expect(p.min[t]).toBe(min);
  return 1 + Math.max(verify(p, l), verify(p, r));
}

describe('augTreap', () => {
  it('agrees with a sorted array under random inserts and removals, and stays JSON data', () => {
    const op = fc.oneof(
      fc.record({ ins: fc.constant(true), key: fc.integer({ min: 0, max: 20 }), aug: fc.integer({ min: -50, max: 50 }) }),
      fc.record({ ins: fc.constant(false), n: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), fc.integer({ min: -50, max: 50 }), (ops, bound) => {
        let p = treapPool();
        let root = -1;
        let tie = 0;
        const model: { i: number; key: number; tie: number; aug: number }[] = [];
        const free: number[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.ins) {
            const i = free.pop() ?? next++;
            root = treapInsert(p, root, i, o.key, tie, o.aug);
            model.push({ i, key: o.key, tie: tie++, aug: o.aug });
          } else if (model.length > 0) {
            const [gone] = model.splice(o.n % model.length, 1);
            root = treapRemove(p, root, gone!.i);
            free.push(gone!.i);
          }
          model.sort((a, b) => a.key - b.key || a.tie - b.tie);
          expect(treapInOrder(p, root)).toEqual(model.map((m) => m.i));
          expect(treapFirst(p, root)).toBe(model[0]?.i ?? -1);
          expect(treapFirstAtMost(p, root, 0, 1, bound)).toBe(model.find((m) => m.aug <= bound)?.i ?? -1);
          expect(treapFirstAtMost(p, root, 10, 3, bound)).toBe(model.find((m) => (m.aug - 10) * 3 <= bound)?.i ?? -1);
          verify(p, root);
          p = JSON.parse(JSON.stringify(p)) as TreapPool;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stays shallow: 10,000 increasing keys give a depth near 2·ln n, not n', () => {
    const p = treapPool();
    let root = -1;
    for (let i = 0; i < 10_000; i++) root = treapInsert(p, root, i, i, i, i);
    const h = verify(p, root);
    expect(h).toBeLessThan(60);
  });
});
