import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness } from '../spec';
import { lruEviction, qualityEviction } from './evictionPolicy';
import type { Segment } from './segment';
import { contradictionVerdict, nextUnchecked, staleVerdict, valueOf, verifierVerdict } from './validityChecks';

const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December) \\d{1,2}';
const seg = (id: string, text: string, over: Partial<Segment> = {}): Segment => ({
  id, role: 'tool', text, tokens: 10, kind: 'retrieved', source: `archive:kb#${id}`, fact: false, pinned: false, trust: 'trusted', verified: false, validity: 1, t: 0, reads: [], ...over,
});
const check = { kind: 'contradiction' as const, subject: 'launch date', value: MONTH };

describe('validity checks (pure)', () => {
  it('stale only at or past the lifetime, with the age', () => {
    expect(staleVerdict({ t: 100 }, 399, 300)).toMatchObject({ verdict: 'valid', ageMs: 299 });
    expect(staleVerdict({ t: 100 }, 400, 300)).toMatchObject({ verdict: 'invalid', value: 0, ageMs: 300, reason: 'stale: 300 ms in the window, past its lifetime of 300 ms' });
  });

  it('contradiction compares the first value match of the segment and of a fact naming the same subject', () => {
    const fact = seg('f', 'The Launch Date is march 3 (board).', { fact: true, kind: 'fact', source: 'msg:lead' });
    const memo = seg('m', 'Memo: the launch date was moved to April 9.');
    const same = seg('s', 'The launch date is March 3, confirmed.');
    const other = seg('o', 'The board meets on May 5.');
    expect(valueOf('moved to APRIL 9 or later', MONTH)).toBe('APRIL 9');
    expect(valueOf('no date here', MONTH)).toBeNull();
    expect(contradictionVerdict(memo, [fact, memo], check)).toMatchObject({ verdict: 'invalid', claimed: 'April 9', fact: 'f', factValue: 'march 3' });
    expect(contradictionVerdict(same, [fact, same], check)).toMatchObject({ verdict: 'valid', claimed: 'March 3' });
    // Not about the subject, or no fact about it: no verdict (the check waits).
    expect(contradictionVerdict(other, [fact, other], check)).toBeNull();
    expect(contradictionVerdict(memo, [memo, same], check)).toBeNull();
  });

  it('a verifier result: a number is the validity, else invalidIf decides', () => {
    expect(verifierVerdict('v', ' 0.3 ', 'no')).toMatchObject({ verdict: 'invalid', value: 0.3 });
    expect(verifierVerdict('v', '1', 'no')).toMatchObject({ verdict: 'valid', value: 1 });
    expect(verifierVerdict('v', 'REFUTED by the board', '^refuted')).toMatchObject({ verdict: 'invalid', value: 0 });
    expect(verifierVerdict('v', 'confirmed', '^refuted')).toMatchObject({ verdict: 'valid', value: 1 });
  });

  it('each check decides once per segment, and only for chunks of a store that declares checks', () => {
    const stores = new Map([['kb', { id: 'kb', name: 'KB', kind: 'knowledge' as const, documents: [], validity: { checks: [{ kind: 'stale' as const, lifetimeMs: 10 }] } }]]);
    const a = seg('a', 'x', { t: 0 });
    expect(nextUnchecked([a], stores, 9)).toBeNull();
    expect(nextUnchecked([a], stores, 10)).toMatchObject({ seg: a, index: 0 });
    expect(nextUnchecked([{ ...a, checked: [0] }], stores, 10)).toBeNull();
    expect(nextUnchecked([{ ...a, source: 'archive:other#1' }], stores, 10)).toBeNull();
  });

  it('quality-aware eviction takes the judged-invalid segment first; without the verdict it is not first', () => {
    const fact = seg('f', 'The launch date is March 3.', { fact: true, kind: 'fact' });
    const old = seg('o', 'An old note about the board.', { t: 0, reads: [50] });
    const memo = seg('m', 'Memo: the launch date was moved to April 9.', { t: 10, reads: [60] });
    const window = [fact, old, memo];
    expect(qualityEviction.victims(window, 100, 2)[0]).toBe('o');
    const v = contradictionVerdict(memo, window, check)!;
    const judged = [fact, old, { ...memo, validity: Math.min(memo.validity, v.value) }];
    expect(qualityEviction.victims(judged, 100, 2)[0]).toBe('m');
    // LRU ignores validity: the judged memo is not its first victim.
    expect(lruEviction.victims(judged, 100, 2)[0]).toBe('o');
  });
});

describe('the distractors-checked example: planted versus checked', () => {
  const load = (drop: boolean) => {
    const raw = JSON.parse(readFileSync('public/examples/distractors-checked.json', 'utf8')) as { stores: { validity?: unknown }[] };
    if (drop) delete raw.stores[0]!.validity;
    const r = parseHarness(raw);
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
    return r.spec;
  };
  const passes = async (drop: boolean): Promise<number> => {
    let n = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const k = Kernel.create(load(drop), { runId: `r${seed}`, seed });
      await k.runUntil();
      if (k.state.goalsMet['right-date']) n += 1;
    }
    return n;
  };

  it('with the contradiction check the memo is caught on every seed; without it, the planted memo misleads on some', async () => {
    expect(await passes(false)).toBe(10);
    expect(await passes(true)).toBeLessThan(10);
  });
});
