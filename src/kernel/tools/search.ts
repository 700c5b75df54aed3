/**
 * Ranked full-text search over a store's documents: BM25 (k1 = 1.2, b = 0.75; Robertson &
 * Zaragoza, "The Probabilistic Relevance Framework", 2009) over lower-cased word tokens.
 * Ties keep document order, so results are deterministic.
 */
import type { StoreDoc } from '../proc/state';

export interface SearchHit {
  doc: StoreDoc;
  score: number;
}

const WORD = /[\p{L}\p{N}]+/gu;
const terms = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];

export function rankDocuments(docs: readonly StoreDoc[], query: string, k: number): SearchHit[] {
  const q = [...new Set(terms(query))];
  if (q.length === 0 || docs.length === 0) return [];
  const tokenized = docs.map((d) => terms(d.text));
  const avgLen = tokenized.reduce((n, t) => n + t.length, 0) / tokenized.length || 1;
  const df = new Map<string, number>();
  for (const t of tokenized) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const hits: SearchHit[] = [];
  tokenized.forEach((words, i) => {
    let score = 0;
    for (const term of q) {
      const n = df.get(term);
      if (!n) continue;
      let f = 0;
      for (const w of words) if (w === term) f++;
      if (f === 0) continue;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += idf * ((f * 2.2) / (f + 1.2 * (1 - 0.75 + (0.75 * words.length) / avgLen)));
    }
    if (score > 0) hits.push({ doc: docs[i]!, score });
  });
  return hits.sort((a, b) => b.score - a.score).slice(0, k);
}
