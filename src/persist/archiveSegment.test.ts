import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTriples, findTerm, listAt, listsOf, LONG_BYTES, mergeLists, mergeSegments, MERGE_FANIN, PART_BYTES, partOf, pickMerge, rowOf, segmentFromDocs, segmentOf, tierOf, toPartRows, unionRanges, withoutSeqs, type SegmentToMerge, type TermList } from './archiveSegment';
import { PostingWriter, readPostings } from './postingList';
import type { ArchivePartRow, ArchiveSegmentMeta } from './StudioDb';

/** Each term's lists over `rows` (in row order) merged with mergeLists, as a merge did before mergeSegments. */
function mergeByTerm(rows: readonly ArchivePartRow[]): Map<string, TermList> {
  const byTerm = new Map<string, TermList[]>();
  for (const row of rows) row.terms.forEach((term, i) => byTerm.set(term, [...(byTerm.get(term) ?? []), listAt(row, i)]));
  return new Map([...byTerm].map(([term, lists]) => [term, mergeLists(lists)]));
}

const seqsOf = (list: TermList) => {
  const out: number[] = [];
  readPostings(list.bytes, (seq) => out.push(seq));
  return out;
};
const seg = (id: number, docs: number, ranges: Array<[number, number]>): ArchiveSegmentMeta => ({ id, docs, parts: 1, ranges });

describe('archive segments', () => {
  it('split term lists into power-of-two partitions near PART_BYTES, each term findable in its own', () => {
    const lists = new Map<string, TermList>(Array.from({ length: 3000 }, (_, i) => [`term${i}`, encodeTriples(Array.from({ length: 30 }, (_, j) => [j * 7 + (i % 5), 1, 80]).flat())] as const));
    const { rows, parts } = toPartRows('s', 4, lists);
    expect(parts).toBe(2 ** Math.ceil(Math.log2(180_000 / PART_BYTES))); // 3,000 lists of 60 bytes = 180 kB
    expect(rows.every((r) => r.post.length < 2 * PART_BYTES && r.segment === 4)).toBe(true);
    for (const term of ['term0', 'term1234', 'term2999']) {
      const row = rows.find((r) => r.part === partOf(term, parts))!;
      expect(seqsOf(listAt(row, findTerm(row, term)))).toEqual(seqsOf(lists.get(term)!));
      expect(findTerm(row, `${term}x`)).toBe(-1);
    }
    expect(listsOf(rows).size).toBe(3000);
  });

  it('give each long list a row of its own, found by its term, so a search reads only its bytes', () => {
    const short = (i: number) => encodeTriples([i, 1, 80, i + 5, 2, 90]);
    const longList = encodeTriples(Array.from({ length: LONG_BYTES }, (_, j) => [j, 1 + (j % 3), 70]).flat());
    const lists = new Map<string, TermList>([...Array.from({ length: 500 }, (_, i) => [`rare${i}`, short(i)] as const), ['the', longList], ['and', longList]]);
    const { rows, parts, long } = toPartRows('s', 1, lists);
    expect(long).toEqual(['and', 'the']);
    const meta = { id: 1, docs: LONG_BYTES, parts, ranges: [[0, LONG_BYTES - 1]] as Array<[number, number]>, long };
    expect(rows.map((r) => r.part).sort((a, b) => a - b)).toEqual(Array.from({ length: parts + 2 }, (_, i) => i));
    for (const term of ['the', 'and', 'rare0', 'rare499']) {
      const row = rows.find((r) => r.part === rowOf(meta, term))!;
      expect(seqsOf(listAt(row, findTerm(row, term)))).toEqual(seqsOf(lists.get(term)!));
    }
    expect(rows.find((r) => r.part === rowOf(meta, 'the'))!.terms).toEqual(['the']);
    expect(rowOf({ ...meta, long: undefined }, 'the')).toBe(partOf('the', parts)); // a segment written before long rows
    expect(listsOf(rows).size).toBe(502);
  });

  it('build a new segment from chunks into the rows toPartRows makes of each term\'s list, long and short', () => {
    let shapes = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 600 }), (from, seed, n) => {
        let a = seed;
        const random = () => (a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32;
        // Zipf-drawn terms (common ones get long lists, rows of their own), tf up to 400, lengths up to 300.
        const docs = Array.from({ length: n }, () => {
          const tf = new Map<string, number>();
          for (let t = Math.floor(random() * 40); t > 0; t--) tf.set(`t${Math.floor(1 / (random() + 0.0005)) - 1}`, random() < 0.9 ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 400));
          return { length: Math.floor(random() * 300), tf };
        });
        const writers = new Map<string, PostingWriter>();
        docs.forEach(({ length, tf }, i) => {
          for (const [term, f] of tf) {
            if (!writers.has(term)) writers.set(term, new PostingWriter());
            writers.get(term)!.push(from + i, f, length);
          }
        });
        const expected = toPartRows('s', 3, new Map([...writers].map(([term, w]) => [term, { count: w.count, bytes: w.bytesOut() }])));
        const built = segmentFromDocs('s', 3, from, docs);
        const byPart = (rows: typeof built.rows) => [...rows].sort((x, y) => x.part - y.part);
        expect([built.parts, built.long]).toEqual([expected.parts, expected.long]);
        expect(byPart(built.rows)).toEqual(byPart(expected.rows));
        if (built.long.length > 0 && built.parts > 1) shapes++;
      }),
      { numRuns: 25 },
    );
    expect(shapes).toBeGreaterThan(5); // most runs had both long rows and several partitions
  });

  it('merge segments into the rows toPartRows makes of the merged lists, whether their seq ranges follow each other or interleave', () => {
    let consecutive = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (seed, n, interleave) => {
        let a = seed;
        const random = () => (a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const docs = (k: number) =>
          Array.from({ length: k }, () => {
            const tf = new Map<string, number>();
            for (let t = Math.floor(random() * 30); t > 0; t--) tf.set(`t${Math.floor(1 / (random() + 0.002)) - 1}`, random() < 0.9 ? 1 + Math.floor(random() * 3) : 1 + Math.floor(random() * 400));
            return { length: Math.floor(random() * 300), tf };
          });
        // Segments at increasing seqs with gaps (deleted or elsewhere); interleaved: each holds every n-th seq.
        const segments: SegmentToMerge[] = [];
        let seq = Math.floor(random() * 1e6);
        for (let i = 0; i < n; i++) {
          const k = 1 + Math.floor(random() * 200);
          if (interleave) {
            const rows: ArchivePartRow[] = [];
            const ranges: Array<[number, number]> = [];
            for (let j = 0; j < k; j++) {
              const at = seq + i + j * n;
              rows.push(...segmentFromDocs('s', i, at, docs(1)).rows);
              ranges.push([at, at]);
            }
            // Several one-chunk segments' rows as one segment's: lists of a term repeat across rows, in seq order.
            segments.push({ ranges, rows: toPartRows('s', i, mergeByTerm(rows)).rows });
          } else {
            segments.push({ ranges: [[seq, seq + k - 1]], rows: segmentFromDocs('s', i, seq, docs(k)).rows });
            seq += k + Math.floor(random() * 50);
          }
        }
        const expected = toPartRows('s', 9, mergeByTerm(segments.flatMap((s) => s.rows)));
        const built = mergeSegments('s', 9, [...segments].reverse());
        const byPart = (rows: readonly ArchivePartRow[]) => [...rows].sort((x, y) => x.part - y.part);
        expect([built.parts, built.long]).toEqual([expected.parts, expected.long]);
        expect(byPart(built.rows)).toEqual(byPart(expected.rows));
        if (!interleave && built.long.length > 0) consecutive++;
      }),
      { numRuns: 30 },
    );
    expect(consecutive).toBeGreaterThan(3);
  });

  it('merge lists in seq order, whether their segments follow each other or interleave', () => {
    const a = encodeTriples([0, 1, 5, 1, 1, 5]);
    const b = encodeTriples([2, 2, 5, 3, 1, 5]);
    expect(seqsOf(mergeLists([b, a]))).toEqual([0, 1, 2, 3]);
    const c = encodeTriples([4, 1, 5, 9, 1, 5]);
    const d = encodeTriples([5, 3, 6, 7, 1, 5]); // interleaves c: merged segments need not be contiguous
    const merged = mergeLists([c, b, d]);
    expect([seqsOf(merged), merged.count]).toEqual([[2, 3, 4, 5, 7, 9], 6]);
    expect(seqsOf(withoutSeqs(merged, new Set([2, 7])))).toEqual([3, 4, 5, 9]);
  });

  it('merge lists that follow each other into the bytes a fresh encoding writes', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 40 }), { minLength: 2, maxLength: 6 }), (groups) => {
        let seq = -1;
        const flats = groups.map((g) => g.flatMap(([gap, tf, length]) => [(seq += gap), tf, length]));
        const merged = mergeLists(flats.map(encodeTriples).reverse());
        const fresh = encodeTriples(flats.flat());
        expect([merged.count, [...merged.bytes]]).toEqual([fresh.count, [...fresh.bytes]]);
      }),
    );
  });

  it('track seq ranges and find the segment of a seq', () => {
    const segments = [seg(1, 3, [[0, 2]]), seg(2, 2, [[3, 4], [9, 9]]), seg(3, 4, [[5, 8]])];
    expect(unionRanges(segments)).toEqual([[0, 9]]);
    expect(unionRanges([segments[0]!, segments[2]!])).toEqual([[0, 2], [5, 8]]);
    expect([segmentOf(segments, 9)?.id, segmentOf(segments, 6)?.id, segmentOf(segments, 10)]).toEqual([2, 3, undefined]);
  });

  it('merge the lowest full size tier, oldest first', () => {
    expect([tierOf(0), tierOf(7), tierOf(8), tierOf(63), tierOf(64), tierOf(1000)]).toEqual([0, 0, 1, 1, 2, 3]);
    const small = Array.from({ length: MERGE_FANIN + 1 }, (_, i) => seg(i, 1, [[i, i]]));
    expect(pickMerge(small.slice(0, MERGE_FANIN - 1))).toEqual([]);
    expect(pickMerge([seg(99, 1000, [[100, 1099]]), ...small]).map((s) => s.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
