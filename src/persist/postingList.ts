/**
 * Posting lists as bytes. Per posting, two unsigned LEB128 varints: a head, (seq delta) × 4 +
 * min(tf, 4) − 1, with the seq as a delta from the previous posting (the first from 0), then
 * the chunk's length in terms; a term frequency of 4 or more adds a third varint, tf − 4.
 * A posting of a common term (delta < 32, tf < 4, length < 128) takes 2 bytes, a third of the
 * 6 that three plain varints would need, and a search reads fewer bytes from IndexedDB.
 */

import { bm25Weight, type Scores } from '../kernel';

/** Tf codes 0..3 in a posting's head: tf 1, 2, 3, and 4 or more. */
export const TF_CODES = 4;

/** Appends postings in ascending seq order. */
export class PostingWriter {
  private bytes: Uint8Array;
  private size = 0;
  /** Postings written. */
  count = 0;
  /** Seq of the last posting (meaningful when count > 0). */
  last = 0;

  /** `capacity`: bytes to start with (it grows as needed). */
  constructor(capacity = 64) {
    this.bytes = new Uint8Array(capacity);
  }

  push(seq: number, tf: number, length: number): void {
    this.reserve(30);
    const code = Math.min(tf, TF_CODES) - 1;
    this.varint((this.count === 0 ? seq : seq - this.last) * TF_CODES + code);
    this.varint(length);
    if (code === TF_CODES - 1) this.varint(tf - TF_CODES);
    this.count++;
    this.last = seq;
  }

  /**
   * Appends a whole encoded list whose first seq is above `last`: only its first head is
   * re-encoded (a delta from `last` instead of from 0), the rest is copied byte for byte.
   * `count` is its number of postings, `lastSeq` its last seq.
   */
  append(post: Uint8Array, count: number, lastSeq: number): void {
    if (count === 0) return;
    let i = 0;
    let b = post[i++]!;
    let head = b & 127;
    for (let mul = 128; b & 128; mul *= 128) head += ((b = post[i++]!) & 127) * mul;
    const code = head % TF_CODES;
    const seq = (head - code) / TF_CODES;
    this.reserve(10 + post.length - i);
    this.varint((this.count === 0 ? seq : seq - this.last) * TF_CODES + code);
    this.bytes.set(post.subarray(i), this.size);
    this.size += post.length - i;
    this.count += count;
    this.last = lastSeq;
  }

  /** The encoded list as a view of the writer's buffer (no copy: for a row that copies it anyway). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.size);
  }

  /** The encoded list, trimmed to its size (a copy, safe to store). */
  bytesOut(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }

  private reserve(bytes: number): void {
    if (this.size + bytes <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + bytes));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
  }

  private varint(v: number): void {
    while (v >= 128) {
      this.bytes[this.size++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.bytes[this.size++] = v;
  }
}

/** Calls `visit` for each posting of an encoded list, in ascending seq order. Allocation-free: search runs it over every posting of its terms. */
export function readPostings(post: Uint8Array, visit: (seq: number, tf: number, length: number) => void): void {
  const n = post.length;
  let i = 0;
  let seq = 0;
  while (i < n) {
    let b = post[i++]!;
    let head = b & 127;
    for (let mul = 128; b & 128; mul *= 128) head += ((b = post[i++]!) & 127) * mul;
    b = post[i++]!;
    let length = b & 127;
    for (let mul = 128; b & 128; mul *= 128) length += ((b = post[i++]!) & 127) * mul;
    const code = head % TF_CODES;
    let tf = code + 1;
    if (code === TF_CODES - 1) {
      b = post[i++]!;
      let extra = b & 127;
      for (let mul = 128; b & 128; mul *= 128) extra += ((b = post[i++]!) & 127) * mul;
      tf += extra;
    }
    seq += (head - code) / TF_CODES;
    visit(seq, tf, length);
  }
}

/**
 * Adds each posting's BM25 weight (term `idf`, mean chunk length `avgLength`) to `scores`, in
 * ascending seq order: readPostings with the weight inlined, as search runs it over every
 * posting of its terms (a call per posting through a callback cost about half of scoring).
 */
export function scorePostings(post: Uint8Array, idf: number, avgLength: number, scores: Scores): void {
  const n = post.length;
  let i = 0;
  let seq = 0;
  while (i < n) {
    let b = post[i++]!;
    let head = b & 127;
    for (let mul = 128; b & 128; mul *= 128) head += ((b = post[i++]!) & 127) * mul;
    b = post[i++]!;
    let length = b & 127;
    for (let mul = 128; b & 128; mul *= 128) length += ((b = post[i++]!) & 127) * mul;
    const code = head % TF_CODES;
    let tf = code + 1;
    if (code === TF_CODES - 1) {
      b = post[i++]!;
      let extra = b & 127;
      for (let mul = 128; b & 128; mul *= 128) extra += ((b = post[i++]!) & 127) * mul;
      tf += extra;
    }
    seq += (head - code) / TF_CODES;
    scores.add(seq, bm25Weight(idf, tf, length, avgLength));
  }
}

/** The seq of an encoded list's first posting (0 for an empty list). */
export function firstSeq(post: Uint8Array): number {
  let head = 0;
  let mul = 1;
  for (let i = 0; i < post.length; i++) {
    const b = post[i]!;
    head += (b & 127) * mul;
    if (!(b & 128)) break;
    mul *= 128;
  }
  return Math.floor(head / TF_CODES);
}

/** The seq of an encoded list's last posting (0 for an empty list): a scan of the heads, nothing decoded into calls. */
export function lastSeq(post: Uint8Array): number {
  const n = post.length;
  let i = 0;
  let seq = 0;
  while (i < n) {
    let b = post[i++]!;
    let head = b & 127;
    for (let mul = 128; b & 128; mul *= 128) head += ((b = post[i++]!) & 127) * mul;
    while (post[i++]! & 128); // the length
    const code = head % TF_CODES;
    if (code === TF_CODES - 1) while (post[i++]! & 128); // tf beyond the head
    seq += (head - code) / TF_CODES;
  }
  return seq;
}
