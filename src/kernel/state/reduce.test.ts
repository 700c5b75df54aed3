import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../trace/events';
import { REDUCERS, SUBSYSTEM_REDUCERS } from './reduce';

describe('the reducer dispatch table', () => {
  it('has exactly one subsystem reducer for every event type the trace format knows', () => {
    const owners = new Map<string, string[]>();
    for (const [subsystem, table] of Object.entries(SUBSYSTEM_REDUCERS)) {
      for (const type of Object.keys(table)) owners.set(type, [...(owners.get(type) ?? []), subsystem]);
    }
    const claimedTwice = [...owners].filter(([, by]) => by.length > 1);
    expect(claimedTwice).toEqual([]);
    expect([...owners.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    expect(Object.keys(REDUCERS).sort()).toEqual([...EVENT_TYPES].sort());
  });
});
