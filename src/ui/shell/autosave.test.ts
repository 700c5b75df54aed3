/** Autosave against a fake persistence: debounced, sequential, and never overwriting a newer revision. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SaveResult } from '../../bridge/api';

const saves: { doc: unknown; baseRev: number; name?: string }[] = [];
let stored = { rev: 1 };
vi.mock('../../bridge/client', () => ({
  studio: () => ({
    saveProject: async (_id: string, doc: unknown, baseRev: number, name?: string): Promise<SaveResult> => {
      saves.push({ doc, baseRev, name });
      if (baseRev !== stored.rev) return { ok: false, kind: 'conflict', currentRev: stored.rev, updatedAt: 0, message: 'newer' };
      stored = { rev: stored.rev + 1 };
      return { ok: true, rev: stored.rev, updatedAt: 0 };
    },
  }),
}));

const { useStudio } = await import('../../store');
const { flushSave, scheduleSave } = await import('./autosave');
const s = () => useStudio.getState();

beforeEach(() => {
  vi.useFakeTimers();
  saves.length = 0;
  stored = { rev: 1 };
  s().openProject({ id: 'p', name: 'P', rev: 1, doc: { version: 1, name: 'a' } });
});

describe('autosave', () => {
  it('saves a burst of edits once, within a second, based on the stored revision', async () => {
    for (const name of ['b', 'bc', 'bcd']) {
      s().change('Rename', { version: 1, name });
      scheduleSave();
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(600);
    expect(saves).toEqual([{ doc: { version: 1, name: 'bcd' }, baseRev: 1, name: 'P' }]);
    expect(s().saveStatus).toBe('saved');
    expect(s().rev).toBe(2);
  });

  it('stops at a conflict instead of overwriting', async () => {
    stored = { rev: 5 }; // another tab saved meanwhile
    s().change('Edit', { version: 1, name: 'mine' });
    await flushSave();
    expect(s().saveStatus).toBe('conflict');
    expect(s().conflictRev).toBe(5);
    s().change('Edit again', { version: 1, name: 'mine 2' });
    await flushSave();
    expect(saves).toHaveLength(1);
  });

  it('saves a project rename with the document', async () => {
    s().renameProject('New name');
    await flushSave();
    expect(saves.at(-1)?.name).toBe('New name');
  });
});
