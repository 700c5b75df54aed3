import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import type { Segment } from '../memory/segment';
import { contradictionVerdict } from '../memory/validityChecks';
import { parseHarness, type HarnessSpec, type StoreSpec, type ValidityCheckSpec } from '../spec';
import type { KernelState, Proc } from '../state/state';
import { harness } from '../test/TestKernel';
import type { EventOf } from '../trace/events';
import { ValidityIndex } from './validityIndex';

const MONTH = '(January|February|March) \\d{1,2}';

/**
 * The reference: the scan the validity source made before the index, written out plainly —
 * every live agent in document order, its window in order, each check of a checked store's
 * segment in index order; the first one with something to say now.
 */
function referenceNext(order: readonly string[], procs: Record<string, Proc>, stores: ReadonlyMap<string, StoreSpec>, now: number): string | null {
  const names = (text: string, c: Extract<ValidityCheckSpec, { kind: 'contradiction' }>): boolean =>
    text.toLowerCase().includes(c.subject.toLowerCase()) && new RegExp(c.value, 'i').test(text);
  for (const id of order) {
    const p = procs[id]!;
    if (p.state === 'done' || p.state === 'failed') continue;
    for (const seg of p.context) {
      const m = /^archive:([^#]+)#/.exec(seg.source);
      const store = m ? stores.get(m[1]!) : undefined;
      if (!store?.validity) continue;
      for (let i = 0; i < store.validity.checks.length; i++) {
        const c = store.validity.checks[i]!;
        if ((seg.checked ?? []).includes(i)) {
          // recheck: found valid against one fact, it speaks again once the newest other fact naming the subject is another.
          const agreed = seg.agreed?.find((a) => a.index === i);
          if (c.kind !== 'contradiction' || !c.recheck || agreed === undefined || !names(seg.text, c)) continue;
          const newest = p.context.filter((f) => f.fact && f.id !== seg.id && names(f.text, c)).at(-1);
          if (newest !== undefined && newest.id !== agreed.fact) return `${id}/${seg.id}/${i}`;
          continue;
        }
        if (c.kind === 'stale' && now - seg.t < c.lifetimeMs) continue;
        if (c.kind === 'contradiction' && !(names(seg.text, c) && p.context.some((f) => f.fact && f.id !== seg.id && names(f.text, c)))) continue;
        return `${id}/${seg.id}/${i}`;
      }
    }
  }
  return null;
}

const STORES: ReadonlyMap<string, StoreSpec> = new Map<string, StoreSpec>([
  ['kb', { id: 'kb', name: 'KB', kind: 'knowledge', documents: [], validity: { checks: [
    { kind: 'contradiction', subject: 'launch date', value: MONTH },
    { kind: 'stale', lifetimeMs: 40 },
    { kind: 'verify', tool: 'v', invalidIf: 'no' },
  ] } }],
  ['old', { id: 'old', name: 'Old', kind: 'knowledge', documents: [], validity: { checks: [
    { kind: 'stale', lifetimeMs: 15.5 },
    { kind: 'contradiction', subject: 'budget', value: '\\d+ dollars', recheck: true },
  ] } }],
]);

const TEXTS = [
  'The launch date is March 3.', 'Memo: the launch date moved to February 9.', 'The launch date is unknown.',
  'The budget is 40 dollars.', 'The budget is 90 dollars and the launch date is January 2.', 'Nothing to see.',
  'The budget is 40 dollars, confirmed again.',
];
const SOURCES = ['archive:kb#', 'archive:old#', 'archive:none#', 'msg:lead', 'tool:x'];

/** One change to the little world of windows the property drives. */
type Op =
  | { kind: 'enter'; agent: number; text: number; source: number; fact: boolean; at: number }
  | { kind: 'leave'; agent: number; at: number }
  | { kind: 'judge' }
  | { kind: 'check'; agent: number; at: number; index: number }
  | { kind: 'edit'; agent: number; at: number; text: number }
  | { kind: 'read'; agent: number }
  | { kind: 'clock'; by: number }
  | { kind: 'end'; agent: number }
  | { kind: 'spawn' }
  | { kind: 'rebuild' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('enter' as const), agent: fc.nat(40), text: fc.nat(TEXTS.length - 1), source: fc.nat(SOURCES.length - 1), fact: fc.boolean(), at: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), agent: fc.nat(40), at: fc.nat(30) }) },
  { weight: 10, arbitrary: fc.constant({ kind: 'judge' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('check' as const), agent: fc.nat(40), at: fc.nat(30), index: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), agent: fc.nat(40), at: fc.nat(30), text: fc.nat(TEXTS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('read' as const), agent: fc.nat(40) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clock' as const), by: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true }), fc.nat(20)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), agent: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'spawn' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rebuild' as const }) },
);

/** A state with just what the index reads: agents in order, their state and window, the clock. */
function world(agents: number): { s: KernelState; order: string[]; procs: Record<string, Proc> } {
  const order: string[] = [];
  const procs: Record<string, Proc> = {};
  for (let i = 0; i < agents; i++) {
    order.push(`a${i}`);
    procs[`a${i}`] = { id: `a${i}`, state: 'ready', context: Object.freeze([]) } as unknown as Proc;
  }
  return { s: { order, procs, now: 0 } as unknown as KernelState, order, procs };
}

describe('the validity index', () => {
  it('finds the same next check as the scan of every window, while segments enter, change and leave, facts come and go, the clock moves and agents end (property)', () => {
    // Few agents crowd many changes into one window (rechecks need a fact, a chunk and a newer fact there); many spread them.
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 30 })), fc.array(opArb, { minLength: 1, maxLength: 300, size: 'max' }), (agents, ops) => {
      const { s, order, procs } = world(agents);
      const index = new ValidityIndex();
      index.watch(STORES);
      let nextSeg = 0;
      const touch = (id: string): void => index.reclassify(s, order.indexOf(id), procs[id]!);
      const set = (id: string, context: Segment[]): void => {
        procs[id]!.context = Object.freeze(context) as Segment[];
        touch(id);
      };
      const pick = (n: number): string => order[n % order.length]!;
      for (const id of order) touch(id);
      for (const op of ops) {
        switch (op.kind) {
          case 'enter': {
            const id = pick(op.agent);
            const ctx = procs[id]!.context.slice();
            const source = SOURCES[op.source]!;
            const seg = Object.freeze({
              id: `s${nextSeg}`, role: 'tool', text: TEXTS[op.text]!, tokens: 1, kind: op.fact ? 'fact' : 'retrieved',
              source: source.endsWith('#') ? `${source}${nextSeg}` : source, fact: op.fact, pinned: false, trust: 'trusted',
              verified: false, validity: 1, t: s.now, reads: [],
            }) as Segment;
            nextSeg++;
            // Mostly appended; sometimes inserted (a summary, a shared window).
            ctx.splice(op.at % 3 === 0 ? op.at % (ctx.length + 1) : ctx.length, 0, seg);
            set(id, ctx);
            break;
          }
          case 'leave': {
            const id = pick(op.agent);
            const ctx = procs[id]!.context.slice();
            if (ctx.length > 0) ctx.splice(op.at % ctx.length, 1);
            set(id, ctx);
            break;
          }
          case 'judge': {
            // What the validity source does: the verdict marks the check (and may evict the segment).
            const got = index.next(s.now, (r) => procs[order[r]!]!);
            if (got === null) break;
            const id = order[got.rank]!;
            const ctx = procs[id]!.context.slice();
            const at = ctx.findIndex((x) => x.id === got.seg.id);
            if (got.seg.text.includes('Memo')) ctx.splice(at, 1);
            else {
              const checked = got.seg.checked?.includes(got.index) ? got.seg.checked : [...(got.seg.checked ?? []), got.index];
              // A recheck contradiction remembers the fact it agreed with, as the reducer does.
              const v = got.check.kind === 'contradiction' && got.check.recheck ? contradictionVerdict(got.seg, ctx, got.check) : null;
              const agreed = (got.seg.agreed ?? []).filter((a) => a.index !== got.index);
              if (v?.verdict === 'valid') agreed.push({ index: got.index, fact: v.fact });
              ctx[at] = Object.freeze({ ...got.seg, checked, agreed });
            }
            set(id, ctx);
            break;
          }
          case 'check':
          case 'edit': {
            const id = pick(op.agent);
            const ctx = procs[id]!.context.slice();
            if (ctx.length === 0) break;
            const at = op.at % ctx.length;
            const old = ctx[at]!;
            ctx[at] = Object.freeze(op.kind === 'check'
              ? { ...old, checked: [...(old.checked ?? []), op.index] }
              : { ...old, text: TEXTS[op.text]! });
            set(id, ctx);
            break;
          }
          case 'read': {
            // A prefill replaces every segment by a copy with the read added.
            const id = pick(op.agent);
            set(id, procs[id]!.context.map((x) => Object.freeze({ ...x, reads: [...x.reads, s.now] })));
            break;
          }
          case 'clock':
            s.now += op.by;
            break;
          case 'end': {
            const id = pick(op.agent);
            procs[id]!.state = 'done';
            touch(id);
            break;
          }
          case 'spawn': {
            const id = `a${order.length}`;
            order.push(id);
            procs[id] = { id, state: 'ready', context: Object.freeze([]) } as unknown as Proc;
            touch(id);
            break;
          }
          case 'rebuild':
            index.clear();
            for (const id of order) touch(id);
            break;
        }
        const got = index.next(s.now, (r) => procs[order[r]!]!);
        const mine = got === null ? null : `${order[got.rank]}/${got.seg.id}/${got.index}`;
        expect(mine).toBe(referenceNext(order, procs, STORES, s.now));
      }
    }), { numRuns: 200 });
  });

  it('recheck: a chunk found valid is due again when a newer fact names the subject, and not after an invalid verdict', () => {
    const { s, order, procs } = world(1);
    const index = new ValidityIndex();
    index.watch(STORES);
    const mk = (id: string, text: string, over: Partial<Segment> = {}): Segment => Object.freeze({
      id, role: 'tool', text, tokens: 1, kind: 'retrieved', source: `archive:old#${id}`, fact: false, pinned: false, trust: 'trusted', verified: false, validity: 1, t: 0, reads: [], checked: [0], ...over,
    }) as Segment;
    const fact = (id: string, text: string): Segment => mk(id, text, { fact: true, kind: 'fact', source: 'msg:lead', checked: undefined });
    const now = (): string | null => {
      const got = index.next(s.now, () => procs.a0!);
      const mine = got === null ? null : `a0/${got.seg.id}/${got.index}`;
      expect(mine).toBe(referenceNext(order, procs, STORES, s.now));
      return mine;
    };
    const set = (...context: Segment[]): void => {
      procs.a0!.context = Object.freeze(context) as Segment[];
      index.reclassify(s, 0, procs.a0!);
    };
    const f1 = fact('f1', 'The budget is 40 dollars.');
    set(f1, mk('c', 'The budget is 40 dollars, confirmed again.'));
    expect(now()).toBe('a0/c/1');
    // Judged valid against f1 (what the reducer records): nothing to say while f1 is the newest fact.
    const agreed = mk('c', 'The budget is 40 dollars, confirmed again.', { checked: [0, 1], agreed: [{ index: 1, fact: 'f1' }] });
    set(f1, agreed);
    expect(now()).toBeNull();
    // A newer fact names the subject: asked again.
    const f2 = fact('f2', 'The budget is 90 dollars.');
    set(f1, agreed, f2);
    expect(now()).toBe('a0/c/1');
    // Judged invalid against f2: final.
    set(f1, mk('c', 'The budget is 40 dollars, confirmed again.', { checked: [0, 1], validity: 0 }), f2, fact('f3', 'The budget is 40 dollars.'));
    expect(now()).toBeNull();
  });

  it('a stale check speaks at the same instant as the scan said, even where entry time + lifetime rounds early', () => {
    const { s, order, procs } = world(1);
    const stores = new Map<string, StoreSpec>([['kb', { id: 'kb', name: 'KB', kind: 'knowledge', documents: [], validity: { checks: [{ kind: 'stale', lifetimeMs: 0.1 }] } }]]);
    const index = new ValidityIndex();
    index.watch(stores);
    const seg = Object.freeze({ id: 's0', role: 'tool', text: 'x', tokens: 1, kind: 'retrieved', source: 'archive:kb#0', fact: false, pinned: false, trust: 'trusted', verified: false, validity: 1, t: 0.7, reads: [] }) as Segment;
    procs.a0!.context = Object.freeze([seg]) as Segment[];
    index.reclassify(s, 0, procs.a0!);
    // 0.7 + 0.1 is 0.7999999999999999, yet 0.7999999999999999 - 0.7 < 0.1: not stale yet, as the scan says.
    for (const now of [0.7 + 0.1, 0.8, 0.8000000000000002]) {
      s.now = now;
      const got = index.next(now, () => procs.a0!);
      expect(got === null ? null : `a0/${got.seg.id}/${got.index}`, `at ${now}`).toBe(referenceNext(order, procs, stores, now));
    }
  });

  it('asks no window of an agent with nothing due: 1,000 agents waiting on stale checks cost nothing per step', () => {
    const { s, order, procs } = world(1000);
    const index = new ValidityIndex();
    index.watch(STORES);
    order.forEach((id, rank) => {
      const seg = Object.freeze({ id: `s${rank}`, role: 'tool', text: 'Nothing to see.', tokens: 1, kind: 'retrieved', source: `archive:old#${rank}`, fact: false, pinned: false, trust: 'trusted', verified: false, validity: 1, t: rank, reads: [] }) as Segment;
      procs[id]!.context = Object.freeze([seg]) as Segment[];
      index.reclassify(s, rank, procs[id]!);
    });
    let asked = 0;
    const proc = (r: number): Proc => {
      asked++;
      return procs[order[r]!]!;
    };
    for (s.now = 0; s.now < 15; s.now++) expect(index.next(s.now, proc)).toBeNull();
    expect(asked).toBe(0);
    // Agent 0's chunk entered at 0 and its lifetime of 15.5 ran out first; agents 1-3's too by 19: the first in document order speaks.
    s.now = 19;
    expect(index.next(s.now, proc)).toMatchObject({ rank: 0, index: 0 });
    expect(asked).toBe(1);
  });
});

function example(name: string, edit?: (doc: Record<string, unknown>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

/** distractors-checked with every kind of kernel-decided check on its store, and a short lifetime so the stale one speaks mid-run. */
const allChecks = (doc: Record<string, unknown>): void => {
  const kb = (doc.stores as { validity: { checks: unknown[]; evictBelow?: number } }[])[0]!;
  kb.validity.checks.push({ kind: 'stale', lifetimeMs: 150 }, { kind: 'verify', tool: 'kb_search', invalidIf: 'April' });
  delete kb.validity.evictBelow;
};

describe('validity checks in a run', () => {
  it('keep the index in step with the state after every event, and restored runs continue as the run that never stopped', async () => {
    const spec = example('distractors-checked.json', allChecks);
    for (const seed of [1, 2, 3]) {
      const k = Kernel.create(spec, { runId: 'r', seed, snapshotEvery: 5 });
      while (!k.stopped) {
        if ((await k.step()) === null && !k.stopped) break;
        expect(k.indexProblems(), `seed ${seed} after event ${k.head}`).toEqual([]);
      }
      const verdicts = k.events.filter((e) => e.type === 'mem.validity');
      expect(new Set(verdicts.map((e) => e.check))).toEqual(new Set(['contradiction', 'stale', 'verify']));
      for (const snap of k.snapshots().slice(1)) {
        const r = Kernel.restore(k.events.slice(0, snap.seq + 1), spec, { runId: 'r', seed, snapshot: snap.state });
        expect(r.indexProblems()).toEqual([]);
        await r.runUntil();
        expect(r.traceHash(), `seed ${seed} restored at ${snap.seq}`).toBe(k.traceHash());
      }
    }
  });
});

describe('recheck in a run', () => {
  const RIGHT = 'The launch date is March 3, confirmed by the release board.';
  const DATE = '(March|April) \\d{1,2}';
  const doc = (recheck: boolean) => harness({
    agents: [
      {
        id: 'lead', name: 'Lead', model: 'm', behaviour: [
          { op: 'send', to: 'researcher', text: 'Find the date.', facts: ['The launch date is March 3 (release board).'] },
          { op: 'send', to: 'researcher', text: 'Update.', facts: ['The launch date moved to April 9 (release board, later).'] },
          { op: 'finish', text: 'ok' },
        ],
      },
      {
        id: 'researcher', name: 'Researcher', model: 'm',
        behaviour: [
          { op: 'recv', from: 'lead' },
          { op: 'call', tool: 'kb_search', args: { query: 'launch date' } },
          { op: 'recv', from: 'lead' },
          { op: 'think', text: 'Weighing the update.' },
          { op: 'finish', text: 'done' },
        ],
        capabilities: [{ target: 'kb_search', access: 'use' }],
      },
    ],
    channels: [{ id: 'c', from: 'lead', to: 'researcher' }],
    tools: [{ id: 'kb_search', name: 'kb.search', sideEffect: 'read', impl: { kind: 'search', store: 'kb', topK: 3 } }],
    stores: [{
      id: 'kb', name: 'KB', kind: 'knowledge', documents: [{ text: RIGHT }, { text: 'The release board meets every Tuesday.' }],
      validity: { checks: [{ kind: 'contradiction', subject: 'launch date', value: DATE, ...(recheck ? { recheck: true } : {}) }] },
    }],
  });
  const verdictsOn = (k: Kernel) => k.events.filter((e): e is EventOf<'mem.validity'> => e.type === 'mem.validity');

  it('judges a chunk found valid again when a newer fact names the subject; without recheck it keeps its one verdict', async () => {
    const plain = Kernel.create(doc(false), { runId: 'r', seed: 1 });
    await plain.runUntil();
    expect(verdictsOn(plain).map((v) => v.verdict)).toEqual(['valid']);

    const k = Kernel.create(doc(true), { runId: 'r', seed: 1 });
    while (!k.stopped) {
      if ((await k.step()) === null && !k.stopped) break;
      expect(k.indexProblems(), `after event ${k.head}`).toEqual([]);
    }
    const [first, again, ...rest] = verdictsOn(k);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ verdict: 'valid', validity: 1, contradiction: { value: 'March 3', factValue: 'March 3', recheck: true } });
    expect(again).toMatchObject({ segment: first!.segment, index: 0, verdict: 'invalid', before: 1, validity: 0, contradiction: { value: 'March 3', factValue: 'April 9', recheck: true } });
    expect(again!.contradiction!.fact).not.toBe(first!.contradiction!.fact);
    expect(again!.reason).toBe(`contradicts fact ${again!.contradiction!.fact}: launch date is April 9 there, March 3 here (checked again: it agreed with fact ${first!.contradiction!.fact}, ${again!.contradiction!.fact} is newer)`);
    // The fact arrived with the message: the verdict comes at that instant, before the researcher's next turn.
    const fact = k.stateAt(again!.seq).procs['researcher']!.context.find((x) => x.id === again!.contradiction!.fact)!;
    expect(again!.t).toBe(fact.t);
  });
});
