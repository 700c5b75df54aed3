import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainCycle, waitForCycle, type PendingMessage } from './deadlock';

const waits = (w: Record<string, string | null>): Map<string, string | null> => new Map(Object.entries(w));
const alive = (...ids: string[]): Set<string> => new Set(ids);

describe('wait-for cycles', () => {
  it('find a 2-cycle and say it', () => {
    const w = waits({ bob: 'alice', alice: 'bob' });
    const cycle = waitForCycle(w, alive('alice', 'bob'));
    expect(cycle).toEqual(['alice', 'bob']);
    expect(explainCycle(cycle!)).toBe('alice waits for bob, bob waits for alice');
    expect(explainCycle(cycle!, w)).toBe('alice waits for bob, bob waits for alice');
  });

  it('find a 3-cycle, starting at the smallest id', () => {
    const w = waits({ c: 'a', b: 'c', a: 'b' });
    expect(waitForCycle(w, alive('a', 'b', 'c'))).toEqual(['a', 'b', 'c']);
    const r = waitForCycle(waits({ x: 'b', b: 'y', y: 'x' }), alive('b', 'x', 'y'));
    expect(r).toEqual(['b', 'y', 'x']);
    expect(explainCycle(r!)).toBe('b waits for y, y waits for x, x waits for b');
  });

  it('report the cycle, not the agents waiting on it, and even while others still run', () => {
    expect(waitForCycle(waits({ a: 'b', b: 'c', c: 'b' }), alive('a', 'b', 'c', 'runner'))).toEqual(['b', 'c']);
  });

  it('count waiting on a finished agent as a deadlock: nobody will ever send', () => {
    const w = waits({ alice: 'bob' });
    const r = waitForCycle(w, alive('alice'));
    expect(r).toEqual(['alice', 'bob']);
    expect(explainCycle(r!, w)).toBe('alice waits for bob, bob has finished');
    expect(waitForCycle(waits({ carol: 'alice', alice: 'bob' }), alive('alice', 'carol'))).toEqual(['alice', 'bob']);
  });

  it('find none while the awaited agent can still run', () => {
    expect(waitForCycle(waits({ a: 'b' }), alive('a', 'b'))).toBeNull();
    expect(waitForCycle(waits({ a: 'b', b: 'c' }), alive('a', 'b', 'c'))).toBeNull();
    expect(waitForCycle(new Map(), alive('a'))).toBeNull();
  });

  it('find none while a message the waiter accepts is pending, one from someone else does not help', () => {
    const w = waits({ a: 'b', b: 'a' });
    const inflight: PendingMessage[] = [{ from: 'b', to: 'a' }];
    expect(waitForCycle(w, alive('a', 'b'), inflight)).toBeNull();
    expect(waitForCycle(w, alive('a', 'b'), [{ from: 'c', to: 'a' }])).toEqual(['a', 'b']);
    expect(waitForCycle(w, alive('a', 'b'), [{ from: 'a', to: 'b' }])).toBeNull();
  });

  it('return every agent when all wait for any message and none is pending', () => {
    const w = waits({ b: null, a: null, c: null });
    const r = waitForCycle(w, alive('a', 'b', 'c'));
    expect(r).toEqual(['a', 'b', 'c']);
    expect(explainCycle(r!, w)).toBe('a, b and c all wait for any message and none is pending');
    expect(explainCycle(['a'], waits({ a: null }))).toBe('a waits for any message and none is pending');
    expect(waitForCycle(waits({ a: null }), alive('a'))).toEqual(['a']);
  });

  it('find none for any-waiters while someone runs or a message to them is pending', () => {
    expect(waitForCycle(waits({ a: null, b: null }), alive('a', 'b', 'c'))).toBeNull();
    expect(waitForCycle(waits({ a: null, b: null }), alive('a', 'b'), [{ from: 'x', to: 'b' }])).toBeNull();
    expect(waitForCycle(waits({ a: null, b: 'a' }), alive('a', 'b', 'c'))).toBeNull();
  });

  it('return everyone when an any-waiter is stuck: whoever could send is blocked too', () => {
    const w = waits({ a: null, b: 'a' });
    const r = waitForCycle(w, alive('a', 'b'));
    expect(r).toEqual(['a', 'b']);
    expect(explainCycle(r!, w)).toBe('a waits for any message, b waits for a');
    const mixed = waits({ d: 'a', c: null, a: null });
    expect(waitForCycle(mixed, alive('a', 'c', 'd'))).toEqual(['a', 'c', 'd']);
    expect(explainCycle(['a', 'c', 'd'], mixed)).toBe('a waits for any message, c waits for any message, d waits for a');
  });

  it('treat an agent waiting on itself as a cycle of one', () => {
    expect(waitForCycle(waits({ a: 'a' }), alive('a', 'b'))).toEqual(['a']);
  });
});

describe('wait-for cycles, property', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const world = fc.record({
    aliveMask: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    blocked: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    target: fc.array(fc.option(fc.constantFrom(...ids), { nil: null }), { minLength: 5, maxLength: 5 }),
    pending: fc.array(fc.record({ from: fc.constantFrom(...ids), to: fc.constantFrom(...ids) }), { maxLength: 3 }),
  });

  /** Naive fixpoint: wake whoever can be woken until nothing changes. */
  function stuckNaive(w: Map<string, string | null>, live: Set<string>, pending: PendingMessage[]): string[] {
    const free = new Set([...live].filter((x) => !w.has(x)));
    for (const [x, on] of w) if (live.has(x) && pending.some((m) => m.to === x && (on === null || m.from === on))) free.add(x);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [x, on] of w) {
        if (!live.has(x) || free.has(x)) continue;
        if (on === null ? [...free].some((y) => y !== x) : free.has(on)) {
          free.add(x);
          changed = true;
        }
      }
    }
    return [...w.keys()].filter((x) => live.has(x) && !free.has(x));
  }

  it('reports exactly when some blocked agent can never wake, with a witness whose every edge is a real wait', () => {
    fc.assert(
      fc.property(world, ({ aliveMask, blocked, target, pending }) => {
        const live = new Set(ids.filter((_, i) => aliveMask[i]));
        const w = new Map<string, string | null>();
        ids.forEach((x, i) => {
          if (live.has(x) && blocked[i]) w.set(x, target[i] ?? null);
        });
        const stuck = stuckNaive(w, live, pending);
        const r = waitForCycle(w, live, pending);
        expect(r === null).toBe(stuck.length === 0);
        if (r === null) return;
        if (stuck.some((x) => w.get(x) === null)) {
          expect(r).toEqual([...live].sort());
          return;
        }
        const last = r[r.length - 1]!;
        const isChain = !live.has(last);
        const edges = r.length - (isChain ? 1 : 0);
        for (let i = 0; i < edges; i++) {
          const x = r[i]!;
          const next = r[(i + 1) % r.length]!;
          expect(stuck).toContain(x);
          expect(w.get(x)).toBe(next);
        }
        expect(r[0]).toBe(isChain ? r[0] : [...r].sort()[0]);
      }),
      { numRuns: 500 },
    );
  });
});
