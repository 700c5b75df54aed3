/** The document slice as the shell uses it: labelled undo/redo, merging of typing, save states. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useStudio } from '../../store';

const s = () => useStudio.getState();
const doc = (name: string, extra: object = {}) => ({ version: 1, name, ...extra });

beforeEach(() => {
  vi.useFakeTimers();
  s().openProject({ id: 'p1', name: 'P', rev: 3, doc: doc('a') });
});

describe('document history', () => {
  it('undoes and redoes labelled changes, restoring the selection', () => {
    s().select('x');
    s().change('Rename harness', doc('b'), { select: null });
    expect(s().past.at(-1)?.label).toBe('Rename harness');
    s().undo();
    expect(s().doc).toEqual(doc('a'));
    expect(s().selection).toBe('x');
    expect(s().future.at(-1)?.label).toBe('Rename harness');
    s().redo();
    expect(s().doc).toEqual(doc('b'));
    expect(s().selection).toBeNull();
  });

  it('merges quick edits with the same key into one entry, but not slow ones', () => {
    s().change('Rename harness', doc('ab'), { key: 'name' });
    vi.advanceTimersByTime(300);
    s().change('Rename harness', doc('abc'), { key: 'name' });
    expect(s().past).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    s().change('Rename harness', doc('abcd'), { key: 'name' });
    expect(s().past).toHaveLength(2);
    s().undo();
    s().undo();
    expect(s().doc).toEqual(doc('a'));
  });

  it('recomputes issues once per change and keeps invalid documents as written', () => {
    const bad = { version: 1, name: 'x', agents: [{ id: 'a', name: 'A', model: 'ghost' }] };
    s().change('Edit', bad);
    expect(s().doc).toBe(bad);
    expect(s().issues.map((i) => i.path)).toEqual(['agents[0].model']);
    expect(s().spec).toBeNull();
    s().undo();
    expect(s().issues).toEqual([]);
    expect(s().spec?.name).toBe('a');
  });

  it('tracks save status against the change sequence', () => {
    s().change('Edit', doc('b'));
    expect(s().saveStatus).toBe('unsaved');
    const seq = s().changeSeq;
    s().saveStarted();
    s().change('Edit more', doc('c'));
    s().saveSucceeded(4, seq);
    expect(s().rev).toBe(4);
    expect(s().saveStatus).toBe('unsaved');
    s().saveSucceeded(5, s().changeSeq);
    expect(s().saveStatus).toBe('saved');
    s().saveConflicted(9, 'newer');
    s().change('Edit again', doc('d'));
    expect(s().saveStatus).toBe('conflict');
    expect(s().conflictRev).toBe(9);
  });

  it('takes a newer revision from another tab only when it has no unsaved edits; undo goes back', () => {
    s().applyRemote({ id: 'p1', name: 'P2', rev: 4, doc: doc('remote') });
    expect(s()).toMatchObject({ rev: 4, projectName: 'P2', doc: doc('remote'), saveStatus: 'saved' });
    expect(s().past.at(-1)?.label).toBe('Change from another tab');
    s().applyRemote({ id: 'p1', name: 'P2', rev: 4, doc: doc('same rev again') });
    s().applyRemote({ id: 'other', name: 'O', rev: 9, doc: doc('another project') });
    expect(s().doc).toEqual(doc('remote'));
    s().change('Edit', doc('mine'));
    s().applyRemote({ id: 'p1', name: 'P2', rev: 5, doc: doc('theirs') });
    // Unsaved edits stay: the next save meets revision 5 as a conflict.
    expect(s()).toMatchObject({ rev: 4, doc: doc('mine'), saveStatus: 'unsaved' });
    s().undo();
    s().undo();
    expect(s().doc).toEqual(doc('a'));
  });
});
