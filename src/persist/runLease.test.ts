import { describe, expect, it } from 'vitest';
import { isHeldByOther, isInterrupted, isUnfinished } from './runLease';
import type { RunStatus } from './StudioDb';

const NOW = 1_000_000;
const row = (status: RunStatus, owner?: string, leaseUntil?: number) => ({ status, ...(owner ? { owner } : {}), ...(leaseUntil ? { leaseUntil } : {}) });

describe('who holds a stored run', () => {
  it('counts running, paused and waiting runs as unfinished; stopped and interrupted ones are not', () => {
    expect((['running', 'paused', 'waiting', 'stopped', 'interrupted'] as const).filter(isUnfinished)).toEqual(['running', 'paused', 'waiting']);
  });

  it('a waiting run is interrupted exactly when a running or paused one would be', () => {
    const cases: Array<[owner: string | undefined, lease: number | undefined, alive: ReadonlySet<string> | null]> = [
      [undefined, undefined, null], // nobody ever held it
      ['me', NOW + 5000, null], // this worker, before a reload
      ['tab-1', NOW - 1, null], // lease ran out
      ['tab-1', NOW + 5000, new Set(['me'])], // owner gone (Web Locks), lease left
      ['tab-1', NOW + 5000, new Set(['me', 'tab-1'])], // live in another tab
      ['tab-1', NOW + 5000, null], // lease alone decides: held
    ];
    for (const [owner, lease, alive] of cases) {
      const paused = isInterrupted(row('paused', owner, lease), 'me', NOW, alive);
      expect(isInterrupted(row('running', owner, lease), 'me', NOW, alive)).toBe(paused);
      expect(isInterrupted(row('waiting', owner, lease), 'me', NOW, alive)).toBe(paused);
    }
    expect(cases.map(([o, l, a]) => isInterrupted(row('waiting', o, l), 'me', NOW, a))).toEqual([true, true, true, true, false, false]);
  });

  it('never calls a stopped run interrupted, whoever held it', () => {
    expect(isInterrupted(row('stopped'), 'me', NOW)).toBe(false);
    expect(isInterrupted(row('stopped', 'tab-1', NOW - 1), 'me', NOW)).toBe(false);
  });

  it('a lease binds only a living other owner with time left', () => {
    expect(isHeldByOther({ owner: 'tab-1', leaseUntil: NOW + 1 }, 'me', NOW)).toBe(true);
    expect(isHeldByOther({ owner: 'tab-1', leaseUntil: NOW }, 'me', NOW)).toBe(false);
    expect(isHeldByOther({ owner: 'me', leaseUntil: NOW + 1 }, 'me', NOW)).toBe(false);
    expect(isHeldByOther({ owner: 'tab-1', leaseUntil: NOW + 1 }, 'me', NOW, new Set())).toBe(false);
  });
});
