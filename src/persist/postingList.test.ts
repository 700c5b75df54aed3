import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstSeq, lastSeq, PostingWriter, readPostings } from './postingList';

const decode = (bytes: Uint8Array) => {
  const out: number[][] = [];
  readPostings(bytes, (seq, tf, length) => out.push([seq, tf, length]));
  return out;
};

describe('posting lists', () => {
  it('take 2 bytes for a common posting and read back what was written', () => {
    const w = new PostingWriter();
    w.push(0, 1, 90);
    w.push(1, 3, 100);
    w.push(5, 4, 70);
    w.push(2 ** 40, 1000, 300_000);
    expect(decode(w.bytesOut())).toEqual([[0, 1, 90], [1, 3, 100], [5, 4, 70], [2 ** 40, 1000, 300_000]]);
    const dense = new PostingWriter();
    for (let seq = 0; seq < 100; seq++) dense.push(seq, 1 + (seq % 3), 64 + (seq % 60));
    expect(dense.bytesOut().length).toBe(200);
  });

  it('round-trip any ascending postings, and know their first seq', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 0, max: 1e7 })), { minLength: 1, maxLength: 50 }), fc.integer({ min: 0, max: 2 ** 45 }), (rows, start) => {
        const w = new PostingWriter();
        let seq = start;
        const expected = rows.map(([gap, tf, length], i) => [(seq += i === 0 ? 0 : gap), tf, length]);
        for (const [s, tf, length] of expected) w.push(s!, tf!, length!);
        expect(decode(w.bytesOut())).toEqual(expected);
        expect(firstSeq(w.bytesOut())).toBe(start);
        expect(lastSeq(w.bytesOut())).toBe(expected.at(-1)![0]);
        expect(w.count).toBe(rows.length);
      }),
    );
  });
});
