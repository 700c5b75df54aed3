/**
 * The archival browser's results: a store's documents at the cursor, ranked against a
 * query with BM25 (over text and tags), each with its provenance. Pure.
 */
import type { StoreDoc } from '../../kernel';
import { rankBm25 } from './bm25';

export interface ArchiveHit {
  rank: number;
  /** BM25 score; null when browsing without a query. */
  score: number | null;
  doc: StoreDoc;
  matched: string[];
  /** A planted distractor (valid false): plausible, wrong. */
  distractor: boolean;
}

/** All documents in store order when the query is blank, else the ranked matches. */
export function searchStore(docs: readonly StoreDoc[], query: string, limit = 50): ArchiveHit[] {
  if (query.trim() === '') {
    return docs.slice(0, limit).map((doc, i) => ({ rank: i + 1, score: null, doc, matched: [], distractor: doc.valid === false }));
  }
  const ranked = rankBm25(docs.map((d) => `${d.text} ${(d.tags ?? []).join(' ')}`), query);
  return ranked.slice(0, limit).map((r, i) => {
    const doc = docs[r.index]!;
    return { rank: i + 1, score: r.score, doc, matched: r.matched, distractor: doc.valid === false };
  });
}

/**
 * Splits text into plain and matched runs for highlighting (rendered as React text, never as
 * HTML). Matching is by the same tokenisation as the ranker, case-insensitively.
 */
export function highlight(text: string, terms: readonly string[]): { text: string; hit: boolean }[] {
  if (terms.length === 0) return [{ text, hit: false }];
  const want = new Set(terms);
  const out: { text: string; hit: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!want.has(m[0].toLowerCase())) continue;
    if (m.index! > last) out.push({ text: text.slice(last, m.index), hit: false });
    out.push({ text: m[0], hit: true });
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out;
}
