import { describe, expect, it } from 'vitest';
import { deriveBar } from './windowBar';
import { memProc, segment } from './fixtures.test-data';

describe('window bar', () => {
  it('stacks tokens by kind in bar order, as shares of the window', () => {
    const bar = deriveBar(memProc([
      segment('s1', { kind: 'message', tokens: 200 }),
      segment('s0', { kind: 'system', tokens: 100, pinned: true }),
      segment('s2', { kind: 'retrieved', tokens: 150 }),
      segment('s3', { kind: 'message', tokens: 50 }),
    ]));
    expect(bar.parts).toEqual([
      { kind: 'system', tokens: 100, count: 1, share: 0.1 },
      { kind: 'message', tokens: 250, count: 2, share: 0.25 },
      { kind: 'retrieved', tokens: 150, count: 1, share: 0.15 },
    ]);
    expect(bar).toMatchObject({ window: 1000, used: 500, free: 500, share: 0.5, warnAt: 0.75, compactAt: 0.9, scale: 1000, level: 'ok' });
  });

  it('grades pressure against the thresholds', () => {
    expect(deriveBar(memProc([segment('s1', { tokens: 760 })])).level).toBe('warn');
    expect(deriveBar(memProc([segment('s1', { tokens: 900 })])).level).toBe('compact');
  });

  it('scales to what is used when the window overflows', () => {
    const bar = deriveBar(memProc([segment('s1', { tokens: 1200 })]));
    expect(bar).toMatchObject({ share: 1.2, free: 0, scale: 1200 });
  });

  it('shows an empty window', () => {
    expect(deriveBar(memProc([]))).toMatchObject({ used: 0, parts: [], share: 0, level: 'ok' });
  });
});
