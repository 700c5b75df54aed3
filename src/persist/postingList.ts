/**
 * Posting lists as bytes. Per posting, two unsigned LEB128 varints: a head, (seq delta) × 4 +
 * min(tf, 4) − 1, with the seq as a delta from the previous posting (the first from 0), then
 * the chunk's length in terms; a term frequency of 4 or more adds a third varint, tf − 4.
 * A posting of a common term (delta < 32, tf < 4, length < 128) takes 2 bytes, a third of the
 * 6 that three plain varints would need, and a search reads fewer bytes from IndexedDB.
 */

const TF_CODES = 4; // tf codes 0..3 in the head: tf 1, 2, 3, and 4 or more

/** Appends postings in ascending seq order. */
export class PostingWriter {
  private bytes = new Uint8Array(64);
  private size = 0;
  /** Postings written. */
  count = 0;
  /** Seq of the last posting (meaningful when count > 0). */
  last = 0;

  push(seq: number, tf: number, length: number): void {
    if (this.size + 30 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    const code = Math.min(tf, TF_CODES) - 1;
    this.varint((this.count === 0 ? seq : seq - this.last) * TF_CODES + code);
    this.varint(length);
    if (code === TF_CODES - 1) this.varint(tf - TF_CODES);
    this.count++;
    this.last = seq;
  }

  /** The encoded list, trimmed to its size (a copy, safe to store). */
  bytesOut(): Uint8Array {
    return this.bytes.slice(0, this.size);
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
