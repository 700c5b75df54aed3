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
 * allocation or more per distinct term, the most of an insert's encoding time. (Each pass is a
 * function of its own: V8 optimizes each loop once, instead of re-optimizing one big function
 * at every phase it had not yet seen run.)
 */
export function segmentFromDocs(store: string, segment: number, from: number, docs: readonly SegmentDoc[]): { rows: ArchivePartRow[]; parts: number; long: string[] } {
  const sized = sizeLists(from, docs);
  const { rows, parts, long, rowOfTerm, at } = layoutRows(store, segment, sized.terms, sized.ids, sized.size, sized.count);
  writePostings(from, docs, sized.order, rows, rowOfTerm, at, sized.last);
  return { rows, parts, long };
}

/** First pass: the batch's distinct terms, each one's list size in bytes, posting count and last seq, and the term of every posting. */
function sizeLists(from: number, docs: readonly SegmentDoc[]) {
  let postings = 0;
  for (const doc of docs) postings += doc.tf.size;
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const size = new Float64Array(postings);
  const count = new Uint32Array(postings);
  const last = new Float64Array(postings);
  const order = new Int32Array(postings);
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
      }
      order[k++] = id;
      const code = Math.min(f, TF_CODES) - 1;
      size[id] = size[id]! + varintSize((count[id] === 0 ? seq : seq - last[id]!) * TF_CODES + code) + lengthBytes + (code === TF_CODES - 1 ? varintSize(f - TF_CODES) : 0);
      count[id] = count[id]! + 1;
      last[id] = seq;
    }
  }
  return { terms, ids, size, count, order, last };
}

/** Second pass: every posting written at its term's place in its row, in the order the first pass sized them (`last` is reused as scratch). */
function writePostings(from: number, docs: readonly SegmentDoc[], order: Int32Array, rows: readonly ArchivePartRow[], rowOfTerm: Int32Array, at: Float64Array, last: Float64Array): void {
  const started = new Uint8Array(at.length);
  let k = 0;
  for (let d = 0; d < docs.length; d++) {
    const { length, tf } = docs[d]!;
    const seq = from + d;
    for (const f of tf.values()) {
      const id = order[k++]!;
      const out = rows[rowOfTerm[id]!]!.post;
      const code = Math.min(f, TF_CODES) - 1;
      let p = writeVarint(out, at[id]!, (started[id] === 0 ? seq : seq - last[id]!) * TF_CODES + code);
      p = writeVarint(out, p, length);
      if (code === TF_CODES - 1) p = writeVarint(out, p, f - TF_CODES);
      at[id] = p;
      started[id] = 1;
      last[id] = seq;
    }
  }
}

/**
 * Empty rows for a segment's term lists as toPartRows lays them out (long lists alone, the others
 * hashed into partitions, terms sorted in each), from each term's list size in bytes and posting
 * count; per term, its row in `rows` and the offset where its list goes in that row's `post`.
 */
function layoutRows(store: string, segment: number, terms: readonly string[], ids: ReadonlyMap<string, number>, size: ArrayLike<number>, count: ArrayLike<number>) {
  // Terms sorted once (the default sort, no comparator call per pair), then dealt to their rows in that order.
  const sorted = terms.slice().sort();
  let shortBytes = 0;
  const long: string[] = [];
  for (const term of sorted) {
    const bytes = size[ids.get(term)!]!;
    if (bytes >= LONG_BYTES) long.push(term);
    else shortBytes += bytes;
  }
  let parts = 1;
  while (parts * PART_BYTES < shortBytes) parts *= 2;
  const groups = new Map<number, number[]>();
  for (const term of sorted) {
    const id = ids.get(term)!;
    if (size[id]! >= LONG_BYTES) continue;
    const part = partOf(term, parts);
    const group = groups.get(part);
    if (group) group.push(id);
    else groups.set(part, [id]);
  }
  const rows: ArchivePartRow[] = [];
  const rowOfTerm = new Int32Array(terms.length);
  const at = new Float64Array(terms.length);
  const place = (part: number, group: readonly number[]) => {
    const counts = new Uint32Array(group.length);
    const ends = new Uint32Array(group.length);
    const names: string[] = new Array(group.length);
    let end = 0;
    for (let i = 0; i < group.length; i++) {
      const id = group[i]!;
      rowOfTerm[id] = rows.length;
      at[id] = end;
      counts[i] = count[id]!;
      ends[i] = end += size[id]!;
      names[i] = terms[id]!;
    }
    rows.push({ store, segment, part, terms: names, counts, ends, post: new Uint8Array(end) });
  };
  for (const [part, group] of groups) place(part, group);
  long.forEach((term, i) => place(parts + i, [ids.get(term)!]));
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
  const pieces = collectPieces(ordered.flatMap((s) => s.rows));
  const { rows, parts, long, rowOfTerm, at } = layoutRows(store, segment, pieces.terms, pieces.ids, pieces.size, pieces.count);
  copyPieces(pieces, rows, rowOfTerm, at);
  return { rows, parts, long };
}

/**
 * Pieces of the merged lists: each term's list in each input row (rows in seq order), linked per
 * term in seq order, with the first head each writes in the merged list; and per term its merged
 * size in bytes and posting count.
 */
function collectPieces(input: readonly ArchivePartRow[]) {
  let n = 0;
  for (const row of input) n += row.terms.length;
  const ids = new Map<string, number>();
  const terms: string[] = [];
  const size = new Float64Array(n);
  const count = new Uint32Array(n);
  const firstPiece = new Int32Array(n);
  const lastPiece = new Int32Array(n);
  const pieceRow = new Int32Array(n);
  const pieceStart = new Float64Array(n); // after the list's first head
  const pieceEnd = new Float64Array(n);
  const pieceHead = new Float64Array(n); // the first head as the merged list writes it
  const pieceFirst = new Float64Array(n); // the list's first seq
  const next = new Int32Array(n).fill(-1);
  let p = 0;
  for (let r = 0; r < input.length; r++) {
    const { post, terms: rowTerms, counts, ends } = input[r]!;
    for (let i = 0; i < rowTerms.length; i++, p++) {
      const term = rowTerms[i]!;
      const end = ends[i]!;
      // The list's first head: (seq × TF_CODES + code), its seq a delta from 0.
      let j = i === 0 ? 0 : ends[i - 1]!;
      let b = post[j++]!;
      let head = b & 127;
      for (let mul = 128; b & 128; mul *= 128) head += ((b = post[j++]!) & 127) * mul;
      const code = head % TF_CODES;
      const first = (head - code) / TF_CODES;
      pieceRow[p] = r;
      pieceStart[p] = j;
      pieceEnd[p] = end;
      pieceFirst[p] = first;
      let id = ids.get(term);
      if (id === undefined) {
        id = terms.push(term) - 1;
        ids.set(term, id);
        firstPiece[id] = p;
        pieceHead[p] = head;
      } else {
        const prev = lastPiece[id]!;
        next[prev] = p;
        pieceHead[p] = (first - lastSeqIn(input[pieceRow[prev]!]!.post, pieceStart[prev]!, pieceEnd[prev]!, pieceFirst[prev]!, pieceHead[prev]! % TF_CODES)) * TF_CODES + code;
      }
      lastPiece[id] = p;
      size[id] = size[id]! + varintSize(pieceHead[p]!) + end - j;
      count[id] = count[id]! + counts[i]!;
    }
  }
  return { input, terms, ids, size, count, firstPiece, next, pieceRow, pieceStart, pieceEnd, pieceHead };
}

/** Copies every term's pieces, in seq order, to its place in the merged rows. */
function copyPieces(pieces: ReturnType<typeof collectPieces>, rows: readonly ArchivePartRow[], rowOfTerm: Int32Array, at: Float64Array): void {
  const { input, terms, firstPiece, next, pieceRow, pieceStart, pieceEnd, pieceHead } = pieces;
  for (let id = 0; id < terms.length; id++) {
    const out = rows[rowOfTerm[id]!]!.post;
    let o = at[id]!;
    for (let p = firstPiece[id]!; p >= 0; p = next[p]!) {
      o = writeVarint(out, o, pieceHead[p]!);
      const src = input[pieceRow[p]!]!.post;
      const from = pieceStart[p]!;
      const end = pieceEnd[p]!;
      if (end - from < 64) for (let k = from; k < end; k++) out[o++] = src[k]!;
      else {
        out.set(src.subarray(from, end), o);
        o += end - from;
      }
    }
  }
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
