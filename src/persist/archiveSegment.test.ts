import { describe, expect, it } from 'vitest';
import { encodeTriples, findTerm, listAt, listsOf, mergeLists, MERGE_FANIN, PART_BYTES, partOf, pickMerge, segmentOf, tierOf, toPartRows, unionRanges, withoutSeqs, type TermList } from './archiveSegment';
import { readPostings } from './postingList';
import type { ArchiveSegmentMeta } from './StudioDb';

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
    expect(parts).toBe(8); // 3,000 lists of 60 bytes = 180 kB
    expect(rows.every((r) => r.post.length < 2 * PART_BYTES && r.segment === 4)).toBe(true);
    for (const term of ['term0', 'term1234', 'term2999']) {
      const row = rows.find((r) => r.part === partOf(term, parts))!;
      expect(seqsOf(listAt(row, findTerm(row, term)))).toEqual(seqsOf(lists.get(term)!));
      expect(findTerm(row, `${term}x`)).toBe(-1);
    }
    expect(listsOf(rows).size).toBe(3000);
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
