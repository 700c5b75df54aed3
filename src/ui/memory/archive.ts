/**
 * The archival browser's results: a store's documents at the cursor, either listed (no query)
 * or as the run's archive ranked them — the IndexedDB archive the kernel searched, queried
 * through the worker (StudioApi.searchArchive) — each with its provenance. Pure.
 */
import { queryTerms, type ArchiveHit as StoredHit, type KernelState, type StoreDoc } from '../../kernel';

export interface ArchiveHit {
  rank: number;
  /** BM25 score; null when browsing without a query. */
  score: number | null;
  doc: StoreDoc;
  matched: string[];
  /** A planted distractor (valid false): plausible, wrong. */
  distractor: boolean;
}

/** All documents in store order, for browsing with a blank query. */
export function listStore(docs: readonly StoreDoc[], limit = 50): ArchiveHit[] {
  return docs.slice(0, limit).map((doc, i) => ({ rank: i + 1, score: null, doc, matched: [], distractor: doc.valid === false }));
}

/**
 * The archive's ranked hits as browser rows, joined to the documents at the cursor by id (for
 * provenance as the run recorded it). A hit whose document is not at the cursor (filed later) is dropped.
 */
export function rankedHits(docs: readonly StoreDoc[], hits: readonly StoredHit[], query: string): ArchiveHit[] {
  const byId = new Map(docs.map((d) => [d.id, d]));
  const matched = queryTerms(query);
  const out: ArchiveHit[] = [];
  for (const h of hits) {
    const doc = byId.get(h.chunk.id);
    if (!doc) continue;
    const terms = new Set(doc.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
    out.push({ rank: out.length + 1, score: h.score, doc, matched: matched.filter((t) => terms.has(t)), distractor: doc.valid === false });
  }
  return out;
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

/**
 * The stores to browse at the cursor: each shared store, and each agent's private copy of a
 * session-tier store it wrote to (`store@agent`: the shared chunks plus its own, as it searches them).
 */
export function archiveStores(state: Pick<KernelState, 'stores' | 'views'>): Record<string, readonly StoreDoc[]> {
  const out: Record<string, readonly StoreDoc[]> = { ...state.stores };
  for (const [store, byAgent] of Object.entries(state.views)) {
    for (const [agent, own] of Object.entries(byAgent)) out[`${store}@${agent}`] = [...(state.stores[store] ?? []), ...own];
  }
  return out;
}
