import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoreDoc } from '../state/state';
import { tierModule, viewOf, writeSession, type SessionViews } from './tiers';
import type { OpRequest, Tier } from './types';

const tiers: Record<string, Tier> = { manual: 'platform', kb: 'shared', scratch: 'session', 'web.fetch': 'shared' };
const sees: Record<string, Tier[]> = { worker: ['platform', 'shared', 'session'], sandboxed: ['session'] };
const m = tierModule((t) => tiers[t], (a) => sees[a] ?? []);
const req = (over: Partial<OpRequest> = {}): OpRequest => ({
  hook: 'memory.read', agent: 'worker', tool: 'search', target: 'kb', access: 'read', arg: null,
  args: {}, sideEffect: 'read', taint: [], declared: false, tier: 'shared', ...over,
});

describe('tierModule', () => {
  it('is a frozen module on memory.read, memory.write and tool.call', () => {
    expect(m.name).toBe('tier');
    expect(m.hooks).toEqual(['memory.read', 'memory.write', 'tool.call']);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('lets an agent read the tiers it sees', () => {
    for (const target of ['manual', 'kb', 'scratch']) expect(m.check(req({ target }))).toBeNull();
    expect(m.check(req({ agent: 'sandboxed', target: 'scratch' }))).toBeNull();
  });

  it('denies a memory read of a hidden tier as tier-hidden', () => {
    expect(m.check(req({ agent: 'sandboxed', target: 'kb' }))).toEqual({
      effect: 'deny', module: 'tier', rule: 'tier:shared', scope: 'kernel', code: 'tier-hidden',
      reason: 'kb is in the shared tier, which sandboxed cannot see (it sees session)',
    });
  });

  it('denies a tool call that reads or uses a hidden tier, not one that writes', () => {
    const call = req({ hook: 'tool.call', agent: 'sandboxed', tool: 'web.fetch', target: 'web.fetch' });
    expect(m.check({ ...call, access: 'use' })).toMatchObject({ rule: 'tier:shared', code: 'tier-hidden' });
    expect(m.check({ ...call, access: 'read' })).toMatchObject({ code: 'tier-hidden' });
    expect(m.check({ ...call, access: 'write' })).toBeNull();
  });

  it('denies memory writes to platform stores as read-only', () => {
    expect(m.check(req({ hook: 'memory.write', access: 'write', target: 'manual', declared: true }))).toEqual({
      effect: 'deny', module: 'tier', rule: 'tier:platform', scope: 'kernel', code: 'read-only',
      reason: 'platform stores are read-only to agents (manual)',
    });
  });

  it('denies memory writes to shared stores unless they go through a declared tool', () => {
    const write = req({ hook: 'memory.write', access: 'write', tool: 'remember', target: 'kb' });
    expect(m.check(write)).toMatchObject({
      rule: 'tier:shared', code: 'shared-through-tools', reason: 'shared stores are written only through declared tools (kb by remember)',
    });
    expect(m.check({ ...write, tool: 'kb.insert', declared: true })).toBeNull();
  });

  it('lets session writes through (the kernel makes them copy-on-write)', () => {
    expect(m.check(req({ hook: 'memory.write', access: 'write', target: 'scratch' }))).toBeNull();
  });

  it('leaves an agent\'s own memory alone, even with no tier visible', () => {
    expect(m.check(req({ agent: 'nobody', target: 'nobody', tier: 'platform' }))).toBeNull();
    expect(m.check(req({ hook: 'memory.write', agent: 'nobody', target: 'nobody', tier: 'platform' }))).toBeNull();
  });

  it('falls back to the request\'s tier for a target it does not know', () => {
    expect(m.check(req({ agent: 'sandboxed', target: 'unknown', tier: 'platform' }))).toMatchObject({ rule: 'tier:platform', code: 'tier-hidden' });
  });
});

const doc = (id: string, source = 'spec'): StoreDoc => ({ id, text: `text ${id}`, tags: [], trust: 'trusted', valid: true, source, t: 0 });

describe('copy-on-write views', () => {
  it('shows the base alone before any write, and base then own writes after', () => {
    const base = [doc('b1')];
    expect(viewOf(base, undefined)).toBe(base);
    const own = [doc('w1')];
    const v = viewOf(base, own);
    expect(v).not.toBe(base);
    expect(v).toEqual([doc('b1'), doc('w1')]);
  });

  it('reports an agent\'s first write to a store, once', () => {
    const a = writeSession({}, 'scratch', 'a', doc('w1'));
    expect(a.first).toBe(true);
    const b = writeSession(a.views, 'scratch', 'a', doc('w2'));
    expect(b.first).toBe(false);
    expect(writeSession(b.views, 'scratch', 'b', doc('w3')).first).toBe(true);
    expect(writeSession(b.views, 'other', 'a', doc('w4')).first).toBe(true);
    expect(a.views).toEqual({ scratch: { a: [doc('w1')] } });
  });
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('copy-on-write property: the shared base never changes and no agent sees another\'s writes', () => {
  const STORES = ['s0', 's1', 's2'];
  const AGENTS = ['a0', 'a1', 'a2', 'a3'];
  const baseArb = fc.record(
    Object.fromEntries(STORES.map((s) => [s, fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 })])) as Record<string, fc.Arbitrary<string[]>>,
  );
  const writesArb = fc.array(fc.record({ store: fc.constantFrom(...STORES), agent: fc.constantFrom(...AGENTS), text: fc.string({ maxLength: 6 }) }), { maxLength: 30 });

  it('holds for random writes by random agents', () => {
    fc.assert(
      fc.property(baseArb, writesArb, (texts, writes) => {
        const base: Record<string, StoreDoc[]> = Object.fromEntries(
          Object.entries(texts).map(([s, ts]) => [s, ts.map((text, i) => ({ ...doc(`${s}-b${i}`), text }))]),
        );
        const before = structuredClone(base);
        deepFreeze(base);
        let views: SessionViews = deepFreeze({});
        const firsts = writes.map((w, i) => {
          const r = writeSession(views, w.store, w.agent, { ...doc(`w${i}`, w.agent), text: w.text });
          views = deepFreeze(r.views);
          return r.first;
        });
        expect(firsts).toEqual(writes.map((w, i) => writes.findIndex((x) => x.store === w.store && x.agent === w.agent) === i));
        expect(base).toEqual(before);
        const seenBy = (store: string, agent: string) => viewOf(base[store]!, views[store]?.[agent]);
        const expected = (store: string, agent: string) => [
          ...before[store]!.map((d) => d.id),
          ...writes.flatMap((w, i) => (w.store === store && w.agent === agent ? [`w${i}`] : [])),
        ];
        const pairs = STORES.flatMap((store) => AGENTS.map((agent) => [store, agent] as const));
        expect(pairs.map(([s, a]) => seenBy(s, a).map((d) => d.id))).toEqual(pairs.map(([s, a]) => expected(s, a)));
        expect(pairs.flatMap(([s, a]) => seenBy(s, a).filter((d) => d.source !== 'spec' && d.source !== a))).toEqual([]);
      }),
      { numRuns: 10_000 },
    );
    // 10,000 runs take seconds on a loaded machine: the default 5 s made the suite flaky.
  }, 60_000);
});
