/**
 * A set of small non-negative integers (agents' places in document order, handles' places in
 * issue order) that answers "the smallest member at or after i" in a few word operations: a
 * bitset with a summary word per 32 words. The run index (runIndex.ts) keeps one per question
 * an event source asks, so a source finds its first agent without scanning all of them.
 */
export class RankSet {
  private words = new Uint32Array(4);
  /** Bit w of summary word w >> 5 is set while words[w] is not zero. */
  private summary = new Uint32Array(1);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    const w = i >>> 5;
    if (w >= this.words.length) this.grow(w);
    const bit = 1 << (i & 31);
    const word = this.words[w]!;
    if ((word & bit) !== 0) return;
    this.words[w] = word | bit;
    this.summary[w >>> 5] = this.summary[w >>> 5]! | (1 << (w & 31));
    this.count++;
  }

  delete(i: number): void {
    const w = i >>> 5;
    if (w >= this.words.length) return;
    const bit = 1 << (i & 31);
    const word = this.words[w]!;
    if ((word & bit) === 0) return;
    const left = word & ~bit;
    this.words[w] = left;
    if (left === 0) this.summary[w >>> 5] = this.summary[w >>> 5]! & ~(1 << (w & 31));
    this.count--;
  }

  /** Sets or clears member i. */
  set(i: number, on: boolean): void {
    if (on) this.add(i);
    else this.delete(i);
  }

  clear(): void {
    this.words.fill(0);
    this.summary.fill(0);
    this.count = 0;
  }

  /** The smallest member >= from, or -1. */
  next(from = 0): number {
    if (this.count === 0) return -1;
    let w = from >>> 5;
    if (w >= this.words.length) return -1;
    const first = this.words[w]! & (~0 << (from & 31));
    if (first !== 0) return (w << 5) + lowBit(first);
    // Words after w with a member: found through the summary.
    w++;
    let s = w >>> 5;
    if (s >= this.summary.length) return -1;
    let bits = this.summary[s]! & (w & 31 ? ~0 << (w & 31) : ~0);
    while (bits === 0) {
      if (++s >= this.summary.length) return -1;
      bits = this.summary[s]!;
    }
    const word = (s << 5) + lowBit(bits);
    return (word << 5) + lowBit(this.words[word]!);
  }

  private grow(w: number): void {
    let n = this.words.length;
    while (n <= w) n *= 2;
    const words = new Uint32Array(n);
    words.set(this.words);
    this.words = words;
    const summary = new Uint32Array(Math.ceil(n / 32));
    summary.set(this.summary);
    this.summary = summary;
  }
}

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}
