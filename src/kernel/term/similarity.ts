/**
 * Text similarity for the livelock detector's "no semantic progress" test: Jaccard over word
 * bigrams (2-shingles, Broder 1997). Bigrams, not a bag of words, because word order is
 * content: a reordered draft is progress, and cosine over term frequencies would score it 1.
 * Strict on purpose: one changed word in a 40-word text scores 0.90 (it breaks two bigrams).
 */

/** Lower-cased words: maximal runs of Unicode letters and digits; punctuation and spacing drop out. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The set of `k`-word shingles of a text. A text of fewer than `k` words is one shingle (so
 * "yes" and "no" differ); a text without words is the empty set.
 */
export function shingles(text: string, k = 2): Set<string> {
  const w = words(text);
  const out = new Set<string>();
  if (w.length === 0) return out;
  if (w.length < k) {
    out.add(w.join(' '));
    return out;
  }
  for (let i = 0; i + k <= w.length; i++) out.add(w.slice(i, i + k).join(' '));
  return out;
}

/** |a ∩ b| / |a ∪ b|; two empty sets are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const x of small) if (large.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Word-bigram Jaccard similarity of two texts, in [0, 1]. */
export function similarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}
