/**
 * A small Okapi BM25 ranker for the archival browser (Robertson & Zaragoza, "The
 * Probabilistic Relevance Framework: BM25 and Beyond", 2009, eq. 3.15, with the +1 in the
 * idf so that no term scores below zero). The kernel ranks with its own index, which the UI
 * cannot import; this one ranks the store documents at the cursor for browsing.
 */

export interface Bm25Params {
  /** Term-frequency saturation. */
  k1: number;
  /** Length normalisation, 0 (none) … 1 (full). */
  b: number;
}

export const BM25_DEFAULTS: Bm25Params = { k1: 1.2, b: 0.75 };

/** Lower-cased runs of letters and digits. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export interface Ranked {
  /** Index of the document in the input. */
  index: number;
  score: number;
  /** Query terms the document contains. */
  matched: string[];
}

/**
 * Documents that contain at least one query term, best first; equal scores keep input order.
 * A query term repeated counts once.
 */
export function rankBm25(docs: readonly string[], query: string, params: Bm25Params = BM25_DEFAULTS): Ranked[] {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0 || docs.length === 0) return [];
  const tfs = docs.map((d) => {
    const tf = new Map<string, number>();
    const toks = tokenize(d);
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { tf, len: toks.length };
  });
  const n = docs.length;
  const avgLen = tfs.reduce((s, d) => s + d.len, 0) / n || 1;
  const idf = new Map(terms.map((t) => {
    const df = tfs.filter((d) => d.tf.has(t)).length;
    return [t, Math.log(1 + (n - df + 0.5) / (df + 0.5))];
  }));
  const out: Ranked[] = [];
  tfs.forEach((d, index) => {
    let score = 0;
    const matched: string[] = [];
    for (const t of terms) {
      const f = d.tf.get(t) ?? 0;
      if (f === 0) continue;
      matched.push(t);
      score += idf.get(t)! * (f * (params.k1 + 1)) / (f + params.k1 * (1 - params.b + params.b * d.len / avgLen));
    }
    if (matched.length > 0) out.push({ index, score, matched });
  });
  return out.sort((a, b) => b.score - a.score || a.index - b.index);
}
