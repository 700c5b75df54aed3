import { describe, expect, it } from 'vitest';
import { asRunId, type KernelEvent } from '../../kernel';
import { indexAtOrBefore, parseBreakpoints, scrubberMarkers } from './navigation';

const run = asRunId('r');
const ev = (seq: number, type: KernelEvent['type'], extra: Record<string, unknown> = {}) => ({ seq, t: seq, run, type, ...extra }) as KernelEvent;

describe('navigation', () => {
  it('maps a cursor to the filtered row at or before it', () => {
    expect(indexAtOrBefore([2, 5, 9], 5)).toBe(1);
    expect(indexAtOrBefore([2, 5, 9], 7)).toBe(1);
    expect(indexAtOrBefore([2, 5, 9], 100)).toBe(2);
    expect(indexAtOrBefore([2, 5, 9], 0)).toBe(0);
  });

  it('marks hits, the fork point and the stop', () => {
    const bp = { id: 'b', kind: 'tool' as const, value: 'web_search', enabled: true };
    const forked = [ev(0, 'run.started'), ev(1, 'run.forked', { parent: { run: 'p', seq: 0 }, specHash: 'h', edited: false }), ev(2, 'run.stopped', { reason: 'completed', detail: '', goals: {} })];
    expect(scrubberMarkers(forked, [{ seq: 1, breakpoint: bp }], 0).map((m) => [m.kind, m.seq])).toEqual([['hit', 1], ['fork', 1], ['stop', 2]]);
  });

  it('reads breakpoints back from settings, dropping anything malformed', () => {
    expect(parseBreakpoints(undefined)).toEqual([]);
    expect(parseBreakpoints([{ id: 'a', kind: 'tool', value: 'x' }, { id: 'b', kind: 'bogus', value: 'y' }, null, 7])).toEqual([
      { id: 'a', kind: 'tool', value: 'x', enabled: true },
    ]);
    expect(parseBreakpoints([{ id: 'c', kind: 'when', value: '', enabled: false, condition: 'tokens > 1', log: '{agent}' }, { id: 'd', kind: 'goal-true', value: '*', condition: 7 }])).toEqual([
      { id: 'c', kind: 'when', value: '', enabled: false, condition: 'tokens > 1', log: '{agent}' },
      { id: 'd', kind: 'goal-true', value: '*', enabled: true },
    ]);
  });
});
