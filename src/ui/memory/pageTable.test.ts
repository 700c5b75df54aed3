import { describe, expect, it } from 'vitest';
import { pageRows, validityLevel } from './pageTable';
import { segment } from './fixtures.test-data';

describe('page table', () => {
  it('gives each segment its provenance, validity, age and last read at the cursor', () => {
    const rows = pageRows([
      segment('s0', { kind: 'system', pinned: true, source: 'system', t: 0, reads: [100, 400] }),
      segment('s5', { kind: 'retrieved', source: 'archive:kb', trust: 'untrusted', validity: 0.2, t: 300 }),
      segment('s6', { kind: 'fact', fact: true, verified: true, validity: 0.5, t: 350, reads: [400] }),
    ], 1000);
    expect(rows.map((r) => [r.id, r.kind, r.validityLevel, r.evictable, r.age, r.sinceRead])).toEqual([
      ['s0', 'system', 'good', false, 1000, 600],
      ['s5', 'retrieved', 'bad', true, 700, null],
      ['s6', 'fact', 'doubtful', false, 650, 600],
    ]);
    expect(rows[1]).toMatchObject({ source: 'archive:kb', trust: 'untrusted', verified: false, reads: 0 });
    expect(rows[2]).toMatchObject({ fact: true, verified: true });
    expect(rows[1]!.validityBy).toBeNull();
  });

  it('says which run-time check set a segment\'s validity, and why', () => {
    const [row] = pageRows([segment('s9', { validity: 0, validityBy: { check: 'contradiction', reason: 'contradicts fact s6: launch date is March 3 there, April 9 here' } })], 10);
    expect(row).toMatchObject({ validityLevel: 'bad', validityBy: { check: 'contradiction', reason: 'contradicts fact s6: launch date is March 3 there, April 9 here' } });
  });

  it('fills neutral values for segments recorded without provenance', () => {
    const [row] = pageRows([{ text: 'hello', tokens: 3 }], 50);
    expect(row).toMatchObject({ id: '#0', kind: 'message', trust: 'trusted', validity: 1, verified: false, age: 0, sinceRead: null });
  });

  it('grades validity in thirds', () => {
    expect([0, 0.33, 0.34, 0.66, 0.67, 1].map(validityLevel)).toEqual(['bad', 'bad', 'doubtful', 'doubtful', 'good', 'good']);
  });
});
