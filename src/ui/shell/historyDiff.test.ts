import { describe, expect, it } from 'vitest';
import { canonicalText, revisionDiff } from './historyDiff';

const doc = (name: string, extra: object = {}) => ({ version: 1, name, agents: [{ id: 'a', name: 'A', model: 'm' }], ...extra });

describe('revision diff', () => {
  it('is the same text whatever the key order, without signatures', () => {
    expect(canonicalText({ b: 1, a: { d: 2, c: 3 }, signatures: { x: 'sig' } })).toBe(canonicalText({ a: { c: 3, d: 2 }, b: 1 }));
    const same = revisionDiff(doc('x', { signatures: { agents: { a: 'sig' } } }), doc('x'));
    expect(same).toMatchObject({ added: 0, removed: 0 });
    expect(same.rows.every((r) => r.kind === 'same' || r.kind === 'fold')).toBe(true);
  });

  it('marks the changed lines and folds unchanged stretches beyond the context', () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
    const d = revisionDiff({ ...many, name: 'old' }, { ...many, name: 'new' }, 2);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    expect(d.rows.filter((r) => r.kind === 'del')).toEqual([{ kind: 'del', text: '  "name": "old"' }]);
    expect(d.rows.filter((r) => r.kind === 'add')).toEqual([{ kind: 'add', text: '  "name": "new"' }]);
    const fold = d.rows.find((r) => r.kind === 'fold');
    expect(fold).toEqual({ kind: 'fold', lines: 19 });
    // Two kept lines around the change ("k19" before it, "}" after it) stay.
    expect(d.rows.slice(-5).map((r) => r.kind)).toEqual(['same', 'same', 'del', 'add', 'same']);
  });
});
