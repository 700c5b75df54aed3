import { describe, expect, it } from 'vitest';
import { describeMismatches, matches, mismatches, show } from './match';

const denial = { type: 'tool.denied', tool: 'mail', decision: { module: 'taint', rule: 'taint', scope: 'kernel' }, taint: ['tool:web#1'] };

describe('partial deep matching', () => {
  it('objects match on the fields named, at any depth; extra fields are fine', () => {
    expect(matches(denial, { tool: 'mail', decision: { module: 'taint' } })).toBe(true);
    expect(matches(denial, {})).toBe(true);
    expect(mismatches(denial, { decision: { module: 'capability', scope: 'kernel' } })).toEqual([{ path: 'decision.module', expected: 'capability', actual: 'taint' }]);
  });

  it('a field that is missing is a mismatch, not a pass', () => {
    expect(mismatches(denial, { decision: { hook: 'tool.call' } })).toEqual([{ path: 'decision.hook', expected: 'tool.call', actual: undefined }]);
    expect(mismatches({ decision: null }, { decision: { module: 'x' } })).toEqual([{ path: 'decision', expected: { module: 'x' }, actual: null, note: 'not an object' }]);
  });

  it('arrays match whole: same length, each item matched in order', () => {
    expect(matches(denial, { taint: ['tool:web#1'] })).toBe(true);
    expect(mismatches(denial, { taint: [] })).toEqual([{ path: 'taint', expected: [], actual: ['tool:web#1'], note: '1 items, expected 0' }]);
    expect(mismatches([{ a: 1 }, { a: 2 }], [{ a: 1 }, { a: 3 }])).toEqual([{ path: '[1].a', expected: 3, actual: 2 }]);
  });

  it('a RegExp tests a string and a framework matcher decides for itself', () => {
    expect(matches(denial, { tool: /^ma/, taint: expect.arrayContaining([expect.stringMatching(/^tool:web#/)]) })).toBe(true);
    expect(matches({ n: 5 }, { n: /5/ })).toBe(false);
    expect(matches({ n: 0.30000000000000004 }, { n: expect.closeTo(0.3) })).toBe(true);
  });

  it('numbers compare with Object.is', () => {
    expect(matches({ n: Number.NaN }, { n: Number.NaN })).toBe(true);
    expect(matches({ n: 0 }, { n: -0 })).toBe(false);
  });

  it('mismatches read as paths with expected and actual values, RegExps and matchers as written', () => {
    expect(describeMismatches(mismatches(denial, { tool: /^x/, decision: { module: 'mode' } }))).toEqual([
      'at tool: expected "/^x/", got "mail"',
      'at decision.module: expected "mode", got "taint"',
    ]);
    expect(show({ text: expect.stringMatching(/^tri/) })).toBe('{"text":"StringMatching /^tri/"}');
    expect(show('x'.repeat(300), 10)).toBe('"xxxxxxxx…');
  });
});
