/**
 * BM25 pieces shared by every ArchiveStore implementation, so the in-memory and the IndexedDB
 * archives rank the same corpus identically, score for score: the tokenizer, the per-term
 * weight (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009; k1 = 1.2,
 * b = 0.75, the same arithmetic as tools/search.ts) and the top-k selection.
 */

const WORD = /[\p{L}\p{N}]+/gu;

/** Longer tokens are cut to this many UTF-16 units (an index key stays small whatever the text). */
export const MAX_TERM_LENGTH = 64;
/** A query's first distinct terms that count; the rest are ignored, so a pasted page cannot make a search slow. */
export const MAX_QUERY_TERMS = 32;

/** Lower-cased Unicode letter/digit runs, in text order, repeats kept. */
export function archiveTerms(text: string): string[] {
  const words = text.toLowerCase().match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) if (words[i]!.length > MAX_TERM_LENGTH) words[i] = words[i]!.slice(0, MAX_TERM_LENGTH);
  return words;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * A chunk's index entry: its length in terms and each distinct term's frequency, in first-seen
 * order. The same terms as archiveTerms; ASCII text (most of it) is scanned by char code, which
 * indexes several times faster than matching the Unicode word pattern.
 */
export function termFrequencies(text: string): { length: number; tf: Map<string, number> } {
  const tf = new Map<string, number>();
  if (NON_ASCII.test(text)) {
    const words = archiveTerms(text);
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    return { length: words.length, tf };
  }
  // In ASCII, \p{L} and \p{N} are A-Z, a-z and 0-9, and lower-casing stays in ASCII.
  const lower = text.toLowerCase();
  let length = 0;
  let start = -1;
  for (let i = 0, n = lower.length; i <= n; i++) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      const w = lower.slice(start, i - start > MAX_TERM_LENGTH ? start + MAX_TERM_LENGTH : i);
      tf.set(w, (tf.get(w) ?? 0) + 1);
      length++;
      start = -1;
    }
  }
  return { length, tf };
}

/** The distinct terms of a query in query order, at most MAX_QUERY_TERMS; scores are summed in this order. */
export function queryTerms(query: string): string[] {
  const out = new Set<string>();
  for (const w of archiveTerms(query)) {
    out.add(w);
    if (out.size === MAX_QUERY_TERMS) break;
  }
  return [...out];
}

/** BM25 inverse document frequency of a term in `df` of `docs` chunks (always > 0). */
export function bm25Idf(df: number, docs: number): number {
  return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
}

/** One term's BM25 contribution to a chunk of `length` terms in which it occurs `tf` times. */
export function bm25Weight(idf: number, tf: number, length: number, avgLength: number): number {
  return idf * ((tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * length) / avgLength)));
}

/** Mean chunk length for BM25 length normalisation (1 for an empty store or one of empty chunks). */
export function averageLength(totalLength: number, docs: number): number {
  return totalLength / docs || 1;
}

/** Above this many seqs, scores accumulate in a Map instead of a Float64Array indexed by seq. */
const DENSE_SCORES_MAX = 1 << 22;

/**
 * Score accumulators for one search, indexed by seq. Callers add term at a time in query
 * order, so every implementation sums a chunk's weights in the same order (same floats).
 */
export class Scores {
  private readonly dense: Float64Array | null;
  private readonly sparse: Map<number, number> | null;
  /** Seqs with a score, in first-touched order. */
  readonly touched: number[] = [];

  /**
   * `seqLimit`: every seq added is below it. `scratch`: an all-zero buffer from an earlier
   * search's release(), reused when big enough (saves allocating and collecting 8 bytes a seq).
   */
  constructor(seqLimit: number, scratch?: Float64Array | null) {
    const dense = seqLimit > DENSE_SCORES_MAX ? null : scratch && scratch.length >= seqLimit ? scratch : new Float64Array(seqLimit);
    this.dense = dense;
    this.sparse = dense ? null : new Map();
  }

  /** Zeroes what this search touched and hands the buffer back for the next search (call once, after top). */
  release(): Float64Array | null {
    const { dense } = this;
    if (dense) for (const seq of this.touched) dense[seq] = 0;
    return dense;
  }

  add(seq: number, weight: number): void {
    if (this.dense) {
      const prev = this.dense[seq]!;
      if (prev === 0) this.touched.push(seq);
      this.dense[seq] = prev + weight;
    } else {
      const prev = this.sparse!.get(seq);
      if (prev === undefined) this.touched.push(seq);
      this.sparse!.set(seq, (prev ?? 0) + weight);
    }
  }

  /** The k best, best first, ties by ascending seq. */
  top(k: number): Array<{ seq: number; score: number }> {
    const { dense, sparse } = this;
    return topK(this.touched, dense ?? ((seq) => sparse!.get(seq)!), k);
  }
}

/**
 * The k best (score, seq) pairs, best first, ties by ascending seq (insertion order), from
 * `seqs` with `scoreOf(seq)` (or `scoreOf[seq]`, scores indexed by seq). A bounded min-heap:
 * O(n log k), no sort of every match.
 */
export function topK(seqs: ArrayLike<number>, scoreOf: ((seq: number) => number) | ArrayLike<number>, k: number): Array<{ seq: number; score: number }> {
  if (!(k >= 1)) return [];
  // heap[0] is the worst kept entry: lowest score, and among equal scores the latest seq.
  const heap: Array<{ seq: number; score: number }> = [];
  const worse = (a: { seq: number; score: number }, b: { seq: number; score: number }): boolean => a.score < b.score || (a.score === b.score && a.seq > b.seq);
  for (let i = 0; i < seqs.length; i++) {
    const seq = seqs[i]!;
    const score = typeof scoreOf === 'function' ? scoreOf(seq) : scoreOf[seq]!;
    if (heap.length < k) {
      heap.push({ seq, score });
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c]!, heap[p]!)) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
      continue;
    }
    const root = heap[0]!;
    if (score < root.score || (score === root.score && seq > root.seq)) continue;
    heap[0] = { seq, score };
    for (let p = 0; ; ) {
      const l = 2 * p + 1;
      const r = l + 1;
      let m = p;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === p) break;
      [heap[m], heap[p]] = [heap[p]!, heap[m]!];
      p = m;
    }
  }
  return heap.sort((a, b) => b.score - a.score || a.seq - b.seq);
}
