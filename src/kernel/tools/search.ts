/**
 * Ranked full-text search over a store's documents held in kernel state: BM25 with the same
 * tokenizer and arithmetic as the archive implementations (memory/bm25.ts), so a search gives
 * the same order and scores wherever it runs. Ties keep document order: deterministic.
 */
import { archiveTerms, averageLength, bm25Idf, bm25Weight, queryTerms } from '../memory/bm25';
import type { StoreDoc } from '../state/state';

export interface SearchHit {
  doc: StoreDoc;
  score: number;
}

export function rankDocuments(docs: readonly StoreDoc[], query: string, k: number): SearchHit[] {
  const q = queryTerms(query);
  if (q.length === 0 || docs.length === 0) return [];
  const tokenized = docs.map((d) => archiveTerms(d.text));
  const avgLen = averageLength(tokenized.reduce((n, t) => n + t.length, 0), tokenized.length);
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
      if (f > 0) score += bm25Weight(bm25Idf(n, docs.length), f, words.length, avgLen);
    }
    if (score > 0) hits.push({ doc: docs[i]!, score });
  });
  return hits.sort((a, b) => b.score - a.score).slice(0, k);
}
