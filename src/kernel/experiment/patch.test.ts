import { describe, expect, it } from 'vitest';
import { applyPatch, parsePointer } from './patch';

const doc = { a: { b: [1, 2, 3], 'x/y': 1, 't~': 2 }, c: 'keep' };

describe('applyPatch (RFC 6902)', () => {
  it('applies add, remove, replace, move, copy and test without touching its input', () => {
    const r = applyPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 4 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/c', value: { deep: true } },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/a/x~1y', path: '/moved' },
      { op: 'test', path: '/a/t~0', value: 2 },
      { op: 'test', path: '/d', value: { deep: true } },
    ]);
    expect(r).toEqual({ ok: true, value: { a: { b: [9, 2, 3, 4], 't~': 2 }, c: { deep: true }, d: { deep: true }, moved: 1 } });
    expect(doc).toEqual({ a: { b: [1, 2, 3], 'x/y': 1, 't~': 2 }, c: 'keep' });
  });
  it('names the failing op by index and path, and says what was wrong', () => {
    expect(applyPatch(doc, [{ op: 'replace', path: '/c', value: 1 }, { op: 'remove', path: '/nope/x' }])).toEqual({
      ok: false,
      error: { index: 1, path: '/nope/x', message: 'remove /nope/x: no "nope" at /' },
    });
    const past = applyPatch(doc, [{ op: 'add', path: '/a/b/7', value: 0 }]);
    expect(!past.ok && past.error.message).toBe('add /a/b/7: index 7 is past the end of an array of 3');
    const test = applyPatch(doc, [{ op: 'test', path: '/c', value: 'other' }]);
    expect(!test.ok && test.error.message).toBe('test /c: test failed: found "keep"');
    const into = applyPatch(doc, [{ op: 'move', from: '/a', path: '/a/b/0' }]);
    expect(!into.ok && into.error.message).toMatch(/cannot move a value into itself/);
    expect(parsePointer('a/b')).toMatch(/starts with "\/"/);
  });
  it('replaces the whole document at the empty pointer', () => {
    expect(applyPatch(doc, [{ op: 'replace', path: '', value: [1] }])).toEqual({ ok: true, value: [1] });
  });
});
