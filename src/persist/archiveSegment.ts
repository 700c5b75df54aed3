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
import { firstSeq, lastSeq, PostingWriter, readPostings, TF_CODES } from './postingList';
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

/** Bytes of `v` as an unsigned LEB128 varint. */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes `v` as an unsigned LEB128 varint at `at`; returns the offset after it. */
function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 128) {
    out[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

/** A chunk as a new segment indexes it: its length in terms and its term frequencies (bm25.ts termFrequencies). */
export interface SegmentDoc {
  length: number;
  tf: ReadonlyMap<string, number>;
}

/**
 * The rows of a new segment holding `docs` at seqs `from`, `from + 1`, …: the same rows as
 * toPartRows over each term's PostingWriter list, written straight into the rows' buffers. Two
 * passes over the postings (sizes, then bytes) and one buffer per row: a writer per term cost an
 * allocation or more per distinct term, the most of an insert's encoding time.
 */
export function segmentFromDocs(store: string, segment: number, from: number, docs: readonly SegmentDoc[]): { rows: ArchivePartRow[]; parts: number; long: string[] } {
  const ids = new Map<string, number>();
  const terms: string[] = [];
  let size = new Float64Array(256); // bytes of each term's list
  let count = new Uint32Array(256);
  let last = new Float64Array(256); // seq of each term's last posting
  let order = new Int32Array(1024); // term id of every posting, in pass order
  let k = 0;
  for (let d = 0; d < docs.length; d++) {
    const { length, tf } = docs[d]!;
    const seq = from + d;
    const lengthBytes = varintSize(length);
    for (const [term, f] of tf) {
      let id = ids.get(term);
      if (id === undefined) {
        id = terms.push(term) - 1;
        ids.set(term, id);
        if (id === size.length) {
          size = grow(size, id * 2);
          count = grow(count, id * 2);
          last = grow(last, id * 2);
        }
      }
      if (k === order.length) order = grow(order, k * 2);
      order[k++] = id;
      const code = Math.min(f, TF_CODES) - 1;
      size[id] = size[id]! + varintSize((count[id] === 0 ? seq : seq - last[id]!) * TF_CODES + code) + lengthBytes + (code === TF_CODES - 1 ? varintSize(f - TF_CODES) : 0);
      count[id] = count[id]! + 1;
      last[id] = seq;
    }
  }
  const { rows, parts, long, rowOfTerm, at } = layoutRows(store, segment, terms, size, count);
  // Second pass: the postings, in the order the first pass sized them.
  count.fill(0);
  k = 0;
  for (let d = 0; d < docs.length; d++) {
    const { length, tf } = docs[d]!;
    const seq = from + d;
    for (const f of tf.values()) {
      const id = order[k++]!;
      const out = rows[rowOfTerm[id]!]!.post;
      const code = Math.min(f, TF_CODES) - 1;
      let p = writeVarint(out, at[id]!, (count[id] === 0 ? seq : seq - last[id]!) * TF_CODES + code);
      p = writeVarint(out, p, length);
      if (code === TF_CODES - 1) p = writeVarint(out, p, f - TF_CODES);
      at[id] = p;
      count[id] = count[id]! + 1;
      last[id] = seq;
    }
  }
  return { rows, parts, long };
}

/**
 * Empty rows for a segment's term lists as toPartRows lays them out (long lists alone, the others
 * hashed into partitions, terms sorted in each), from each term's list size in bytes and posting
 * count; per term, its row in `rows` and the offset where its list goes in that row's `post`.
 */
function layoutRows(store: string, segment: number, terms: readonly string[], size: ArrayLike<number>, count: ArrayLike<number>) {
  let shortBytes = 0;
  const long: string[] = [];
  const longIds = new Map<string, number>();
  for (let id = 0; id < terms.length; id++) {
    if (size[id]! >= LONG_BYTES) {
      long.push(terms[id]!);
      longIds.set(terms[id]!, id);
    } else shortBytes += size[id]!;
  }
  long.sort();
  let parts = 1;
  while (parts * PART_BYTES < shortBytes) parts *= 2;
  const groups = new Map<number, number[]>();
  for (let id = 0; id < terms.length; id++) {
    if (size[id]! >= LONG_BYTES) continue;
    const part = partOf(terms[id]!, parts);
    const group = groups.get(part);
    if (group) group.push(id);
    else groups.set(part, [id]);
  }
  const rows: ArchivePartRow[] = [];
  const rowOfTerm = new Int32Array(terms.length);
  const at = new Float64Array(terms.length);
  const place = (part: number, group: number[]) => {
    group.sort((a, b) => (terms[a]! < terms[b]! ? -1 : 1));
    const counts = new Uint32Array(group.length);
    const ends = new Uint32Array(group.length);
    let end = 0;
    group.forEach((id, i) => {
      rowOfTerm[id] = rows.length;
      at[id] = end;
      counts[i] = count[id]!;
      ends[i] = end += size[id]!;
    });
    rows.push({ store, segment, part, terms: group.map((id) => terms[id]!), counts, ends, post: new Uint8Array(end) });
  };
  for (const [part, group] of groups) place(part, group);
  long.forEach((term, i) => place(parts + i, [longIds.get(term)!]));
  return { rows, parts, long, rowOfTerm, at };
}

/** A segment to merge: the seq ranges it covers and its rows. */
export interface SegmentToMerge {
  ranges: ReadonlyArray<readonly [number, number]>;
  rows: readonly ArchivePartRow[];
}

/**
 * The rows of the segment that merges `segments`: the same rows as toPartRows over mergeLists of
 * each term's lists. When the segments' seq ranges follow each other (the usual case), each
 * term's lists are copied byte for byte into the new rows, only each list's first head
 * re-encoded; no per-term list or writer is allocated (those allocations were most of a merge).
 */
export function mergeSegments(store: string, segment: number, segments: readonly SegmentToMerge[]): { rows: ArchivePartRow[]; parts: number; long: string[] } {
  const ordered = segments.filter((s) => s.ranges.length > 0 && s.rows.length > 0).sort((a, b) => a.ranges[0]![0] - b.ranges[0]![0]);
  if (!ordered.every((s, i) => i === 0 || ordered[i - 1]!.ranges.at(-1)![1] < s.ranges[0]![0])) {
    // Interleaved seq ranges: decode what must be, list by list.
    const byTerm = new Map<string, TermList[]>();
    for (const seg of ordered) {
      for (const [term, list] of listsOf(seg.rows)) {
        const all = byTerm.get(term);
        if (all) all.push(list);
        else byTerm.set(term, [list]);
      }
    }
    const merged = new Map<string, TermList>();
    for (const [term, all] of byTerm) merged.set(term, mergeLists(all));
    return toPartRows(store, segment, merged);
  }
  const ids = new Map<string, number>();
  const terms: string[] = [];
  let size = new Float64Array(1024);
  let count = new Uint32Array(1024);
  let lastPiece = new Int32Array(1024); // each term's last piece so far
  let firstPiece = new Int32Array(1024);
  // Pieces: one term's list in one input row, in seq order per term (linked by `next`).
  const pieceRows: ArchivePartRow[] = [];
  let pieceRow = new Int32Array(4096);
  let pieceStart = new Float64Array(4096); // after the list's first head
  let pieceEnd = new Float64Array(4096);
  let pieceHead = new Float64Array(4096); // the first head as this list writes it in the merged one
  let pieceFirst = new Float64Array(4096); // the list's first seq
  let next = new Int32Array(4096);
  let pieces = 0;
  for (const seg of ordered) {
    for (const row of seg.rows) {
      const r = pieceRows.push(row) - 1;
      const { post, terms: rowTerms, counts, ends } = row;
      for (let i = 0; i < rowTerms.length; i++) {
        const term = rowTerms[i]!;
        const from = i === 0 ? 0 : ends[i - 1]!;
        const end = ends[i]!;
        // The list's first head: (seq × TF_CODES + code), its seq a delta from 0.
        let j = from;
        let b = post[j++]!;
        let head = b & 127;
        for (let mul = 128; b & 128; mul *= 128) head += ((b = post[j++]!) & 127) * mul;
        const code = head % TF_CODES;
        const first = (head - code) / TF_CODES;
        if (pieces === pieceRow.length) {
          const n = pieces * 2;
          pieceRow = grow(pieceRow, n);
          pieceStart = grow(pieceStart, n);
          pieceEnd = grow(pieceEnd, n);
          pieceHead = grow(pieceHead, n);
          pieceFirst = grow(pieceFirst, n);
          next = grow(next, n);
        }
        const p = pieces++;
        pieceRow[p] = r;
        pieceStart[p] = j;
        pieceEnd[p] = end;
        pieceFirst[p] = first;
        next[p] = -1;
        let id = ids.get(term);
        if (id === undefined) {
          id = terms.push(term) - 1;
          ids.set(term, id);
          if (id === size.length) {
            size = grow(size, id * 2);
            count = grow(count, id * 2);
            lastPiece = grow(lastPiece, id * 2);
            firstPiece = grow(firstPiece, id * 2);
          }
          firstPiece[id] = p;
          pieceHead[p] = head;
        } else {
          const prev = lastPiece[id]!;
          next[prev] = p;
          pieceHead[p] = (first - lastSeqIn(pieceRows[pieceRow[prev]!]!.post, pieceStart[prev]!, pieceEnd[prev]!, pieceFirst[prev]!, pieceHead[prev]! % TF_CODES)) * TF_CODES + code;
        }
        lastPiece[id] = p;
        size[id] = size[id]! + varintSize(pieceHead[p]!) + end - j;
        count[id] = count[id]! + counts[i]!;
      }
    }
  }
  const { rows, parts, long, rowOfTerm, at } = layoutRows(store, segment, terms, size, count);
  for (let id = 0; id < terms.length; id++) {
    const out = rows[rowOfTerm[id]!]!.post;
    let o = at[id]!;
    for (let p = firstPiece[id]!; p >= 0; p = next[p]!) {
      o = writeVarint(out, o, pieceHead[p]!);
      const src = pieceRows[pieceRow[p]!]!.post;
      const from = pieceStart[p]!;
      const end = pieceEnd[p]!;
      if (end - from < 64) for (let k = from; k < end; k++) out[o++] = src[k]!;
      else {
        out.set(src.subarray(from, end), o);
        o += end - from;
      }
    }
  }
  return { rows, parts, long };
}

/**
 * The last seq of the encoded list in `post` whose first posting's head ends at `start` (first
 * seq `first`, tf code `code`) and which ends at `end`: a scan of the heads.
 */
function lastSeqIn(post: Uint8Array, start: number, end: number, first: number, code: number): number {
  let i = start;
  while (post[i++]! & 128); // the first posting's length
  if (code === TF_CODES - 1) while (post[i++]! & 128); // its tf beyond the head
  let seq = first;
  while (i < end) {
    let b = post[i++]!;
    let head = b & 127;
    for (let mul = 128; b & 128; mul *= 128) head += ((b = post[i++]!) & 127) * mul;
    while (post[i++]! & 128); // the length
    const c = head % TF_CODES;
    if (c === TF_CODES - 1) while (post[i++]! & 128);
    seq += (head - c) / TF_CODES;
  }
  return seq;
}

function grow<T extends Float64Array | Uint32Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
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
