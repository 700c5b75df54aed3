/**
 * Segments of the archive's inverted index, as rows (pure functions; DexieArchive does the I/O).
 *
 * Each insert call writes one immutable segment: its postings, grouped by term, split by a
 * hash of the term into a power-of-two number of partition rows of about PART_BYTES. So an
 * insert writes a few rows however many distinct terms it brings (a row per term per insert
 * made 1,000 chunks cost ~30,000 IndexedDB requests), and a search reads one partition per
 * query term per segment. A long list (a common term's, LONG_BYTES or more) gets a row of its
 * own instead, so the partitions stay small and a search reads the bytes of its own terms, not
 * a partition's worth of other terms' postings. Segments of the same size tier are merged,
 * MERGE_FANIN at a time (size-tiered compaction, as in Bigtable/Cassandra), so a store keeps
 * O(log n) segments.
 */
import { firstSeq, lastSeq, PostingWriter, readPostings } from './postingList';
import type { ArchivePartRow, ArchiveSegmentMeta } from './StudioDb';

/** Target size of a partition row: big enough to amortise a request, small enough to read for one term. */
export const PART_BYTES = 4 * 1024;
/** A term list of this many bytes or more is a row of its own (ArchiveSegmentMeta.long). */
export const LONG_BYTES = 1024;
/** Segments of one size tier merged together. */
export const MERGE_FANIN = 8;

/** A term's postings in one segment: how many, and the encoded list (postingList.ts). */
export interface TermList {
  count: number;
  bytes: Uint8Array;
}

/** FNV-1a over UTF-16 code units. */
function termHash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The partition of `term` in a segment of `parts` partitions (a power of two). */
export function partOf(term: string, parts: number): number {
  return termHash(term) & (parts - 1);
}

/** The size tier of a segment of `docs` chunks: floor(log_FANIN(docs)). */
export function tierOf(docs: number): number {
  let tier = 0;
  for (let d = Math.max(1, docs); d >= MERGE_FANIN; d /= MERGE_FANIN) tier++;
  return tier;
}

/** The index of `term` in a partition row (terms are sorted), or -1. */
export function findTerm(row: ArchivePartRow, term: string): number {
  let lo = 0;
  let hi = row.terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = row.terms[mid]!;
    if (t === term) return mid;
    if (t < term) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The encoded postings of the term at `index` of a partition row. */
export function listAt(row: ArchivePartRow, index: number): TermList {
  return { count: row.counts[index]!, bytes: row.post.subarray(index === 0 ? 0 : row.ends[index - 1]!, row.ends[index]!) };
}

/** Encodes flat [seq, tf, length, …] triples (ascending seq). */
export function encodeTriples(flat: readonly number[]): TermList {
  const w = new PostingWriter();
  for (let j = 0; j < flat.length; j += 3) w.push(flat[j]!, flat[j + 1]!, flat[j + 2]!);
  return { count: w.count, bytes: w.bytesOut() };
}

/** One partition row from the term lists that hash to it. */
export function partRow(store: string, segment: number, part: number, lists: ReadonlyMap<string, TermList>): ArchivePartRow {
  const terms = [...lists.keys()].sort();
  const counts = new Uint32Array(terms.length);
  const ends = new Uint32Array(terms.length);
  let size = 0;
  terms.forEach((term, i) => {
    const list = lists.get(term)!;
    counts[i] = list.count;
    ends[i] = size += list.bytes.length;
  });
  const post = new Uint8Array(size);
  terms.forEach((term, i) => post.set(lists.get(term)!.bytes, i === 0 ? 0 : ends[i - 1]!));
  return { store, segment, part, terms, counts, ends, post };
}

/**
 * Splits a segment's term lists into rows: each long list (LONG_BYTES or more) a row of its own,
 * at partition `parts + i` for the i-th of the sorted `long` terms; the others hashed into
 * `parts` partitions (a power of two) of about PART_BYTES.
 */
export function toPartRows(store: string, segment: number, lists: ReadonlyMap<string, TermList>): { rows: ArchivePartRow[]; parts: number; long: string[] } {
  let bytes = 0;
  const long: string[] = [];
  for (const [term, list] of lists) {
    if (list.bytes.length >= LONG_BYTES) long.push(term);
    else bytes += list.bytes.length;
  }
  long.sort();
  let parts = 1;
  while (parts * PART_BYTES < bytes) parts *= 2;
  const groups = new Map<number, Map<string, TermList>>();
  for (const [term, list] of lists) {
    if (list.bytes.length >= LONG_BYTES) continue;
    const part = partOf(term, parts);
    let group = groups.get(part);
    if (!group) groups.set(part, (group = new Map()));
    group.set(term, list);
  }
  const rows = [...groups].map(([part, group]) => partRow(store, segment, part, group));
  long.forEach((term, i) => rows.push(partRow(store, segment, parts + i, new Map([[term, lists.get(term)!]]))));
  return { rows, parts, long };
}

/** The row (partition number) of a segment that holds `term`'s postings, if it has any. */
export function rowOf(segment: ArchiveSegmentMeta, term: string): number {
  const long = segment.long;
  if (long && long.length > 0) {
    let lo = 0;
    let hi = long.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = long[mid]!;
      if (t === term) return segment.parts + mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return partOf(term, segment.parts);
}

/** Every term list of a segment's partition rows. */
export function listsOf(rows: readonly ArchivePartRow[]): Map<string, TermList> {
  const lists = new Map<string, TermList>();
  for (const row of rows) row.terms.forEach((term, i) => lists.set(term, listAt(row, i)));
  return lists;
}

/** Postings of several lists of one term as one list in ascending seq (segments hold disjoint seqs). */
export function mergeLists(lists: readonly TermList[]): TermList {
  if (lists.length === 1) return lists[0]!;
  const ordered = lists.filter((list) => list.count > 0).map((list) => ({ list, first: firstSeq(list.bytes), last: lastSeq(list.bytes) })).sort((a, b) => a.first - b.first);
  // Segments usually cover consecutive seq ranges: append the bytes in order (only each list's
  // first head is re-encoded), and decode and sort only if they interleave.
  if (ordered.every((o, i) => i === 0 || ordered[i - 1]!.last < o.first)) {
    const w = new PostingWriter();
    for (const { list, last } of ordered) w.append(list.bytes, list.count, last);
    return { count: w.count, bytes: w.bytesOut() };
  }
  const postings: Array<[number, number, number]> = [];
  for (const list of lists) readPostings(list.bytes, (seq, tf, length) => postings.push([seq, tf, length]));
  postings.sort((a, b) => a[0] - b[0]);
  return encodeTriples(postings.flat());
}

/** A term list without the postings of `seqs`. */
export function withoutSeqs(list: TermList, seqs: ReadonlySet<number>): TermList {
  const w = new PostingWriter();
  readPostings(list.bytes, (seq, tf, length) => {
    if (!seqs.has(seq)) w.push(seq, tf, length);
  });
  return { count: w.count, bytes: w.bytesOut() };
}

/** Seq ranges of merged segments, sorted and coalesced. */
export function unionRanges(segments: readonly ArchiveSegmentMeta[]): Array<[number, number]> {
  const all = segments.flatMap((s) => s.ranges).sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of all) {
    const last = out.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The segment holding `seq`, if any. */
export function segmentOf(segments: readonly ArchiveSegmentMeta[], seq: number): ArchiveSegmentMeta | undefined {
  return segments.find((s) => s.ranges.some(([from, to]) => from <= seq && seq <= to));
}

/** Segments to merge next: MERGE_FANIN of the lowest full tier, oldest first; none when no tier is full. */
export function pickMerge(segments: readonly ArchiveSegmentMeta[]): ArchiveSegmentMeta[] {
  const byTier = new Map<number, ArchiveSegmentMeta[]>();
  for (const s of segments) {
    const tier = tierOf(s.docs);
    const list = byTier.get(tier) ?? [];
    list.push(s);
    byTier.set(tier, list);
  }
  const full = [...byTier].filter(([, list]) => list.length >= MERGE_FANIN).sort((a, b) => a[0] - b[0])[0];
  return full ? full[1].slice(0, MERGE_FANIN) : [];
}
