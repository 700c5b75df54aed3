import { describe, expect, it } from 'vitest';
import { shouldFollow } from './syncTabs';

describe('tabs in sync', () => {
  it('follows a newer revision of the open project only while nothing here is unsaved', () => {
    const tab = { projectId: 'p', rev: 3, saveStatus: 'saved' };
    expect(shouldFollow(tab, 'p', 4)).toBe(true);
    expect(shouldFollow(tab, 'p', 3)).toBe(false);
    expect(shouldFollow(tab, 'q', 9)).toBe(false);
    for (const saveStatus of ['unsaved', 'saving', 'conflict', 'error']) expect(shouldFollow({ ...tab, saveStatus }, 'p', 4)).toBe(false);
  });
});
