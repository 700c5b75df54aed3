/**
 * Posting lists as bytes: per posting, the chunk's seq as a delta from the previous posting
 * (the first one absolute), the term frequency and the chunk's length in terms, each an
 * unsigned LEB128 varint. A typical posting takes 3–4 bytes instead of 12 for three Uint32s,
 * and a list needs nothing else to be read, so one IndexedDB row holds one self-contained block.
 */

/** Appends postings in ascending seq order. */
export class PostingWriter {
  private bytes: Uint8Array;
  private size: number;
  /** Postings written. */
  count: number;
  /** Seq of the last posting (meaningful when count > 0). */
  last: number;

  /** Continues an existing list (its bytes are copied) or starts an empty one. */
  constructor(from?: { post: Uint8Array; count: number; last: number }) {
    this.bytes = new Uint8Array(Math.max(64, (from?.post.length ?? 0) * 2));
    this.bytes.set(from?.post ?? [], 0);
    this.size = from?.post.length ?? 0;
    this.count = from?.count ?? 0;
    this.last = from?.last ?? 0;
  }

  push(seq: number, tf: number, length: number): void {
    if (this.size + 30 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.varint(this.count === 0 ? seq : seq - this.last); // the first delta is from 0
    this.varint(tf);
    this.varint(length);
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
    let delta = b & 127;
    for (let mul = 128; b & 128; mul *= 128) delta += ((b = post[i++]!) & 127) * mul;
    b = post[i++]!;
    let tf = b & 127;
    for (let mul = 128; b & 128; mul *= 128) tf += ((b = post[i++]!) & 127) * mul;
    b = post[i++]!;
    let length = b & 127;
    for (let mul = 128; b & 128; mul *= 128) length += ((b = post[i++]!) & 127) * mul;
    seq += delta;
    visit(seq, tf, length);
  }
}

/** Decodes a whole list (deletes rewrite the lists they touch). */
export function decodePostings(post: Uint8Array): Array<[seq: number, tf: number, length: number]> {
  const out: Array<[number, number, number]> = [];
  readPostings(post, (seq, tf, length) => out.push([seq, tf, length]));
  return out;
}
