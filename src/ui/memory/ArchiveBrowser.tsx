import { useMemo, useState } from 'react';
import type { StoreDoc } from '../../kernel';
import { formatVt } from '../run/format';
import { highlight, searchStore } from './archive';

/**
 * The archival stores at the cursor: pick a store, type a query, read the BM25-ranked
 * documents with their provenance. Distractors (valid false) are flagged.
 */
export function ArchiveBrowser({ stores }: { stores: Readonly<Record<string, readonly StoreDoc[]>> }) {
  const ids = Object.keys(stores);
  const [picked, setPicked] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const store = picked !== null && ids.includes(picked) ? picked : (ids[0] ?? null);
  const docs = store === null ? undefined : stores[store];
  const hits = useMemo(() => (docs ? searchStore(docs, query) : []), [docs, query]);
  const distractors = docs?.filter((d) => d.valid === false).length ?? 0;

  return (
    <div className="rp-section rp-grow" data-testid="archive-browser">
      <div className="rp-head">
        <span>Archive</span>
        <select aria-label="Store" data-testid="archive-store" value={store ?? ''} onChange={(e) => setPicked(e.target.value)} disabled={ids.length === 0}>
          {ids.length === 0 && <option value="">no stores</option>}
          {ids.map((id) => <option key={id} value={id}>{id} ({stores[id]!.length})</option>)}
        </select>
        <span className="rp-spacer" />
        {distractors > 0 && <span className="mv-flag" title="documents planted as plausible but wrong">{distractors} distractor{distractors === 1 ? '' : 's'}</span>}
      </div>
      <div className="mv-search">
        <input type="search" placeholder="Search the store (BM25 over text and tags)…" aria-label="Search the store" data-testid="archive-query" value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
      </div>
      <div className="rp-scroll">
        {store === null ? (
          <div className="rp-empty">No stores in the run at the cursor.</div>
        ) : hits.length === 0 ? (
          <div className="rp-empty">{query.trim() ? 'No document matches.' : 'The store is empty.'}</div>
        ) : (
          <ol className="mv-hits">
            {hits.map((h) => (
              <li key={h.doc.id} className="mv-hit" data-testid="archive-hit" data-id={h.doc.id} data-valid={String(h.doc.valid !== false)} data-distractor={h.distractor || undefined}>
                <div className="mv-hit-head">
                  <span className="rp-seq">{h.rank}</span>
                  <span className="mv-id">{h.doc.id}</span>
                  {h.score !== null && <span className="mv-score" title="BM25 score">{h.score.toFixed(2)}</span>}
                  <span className="mv-trust" data-trust={h.doc.trust}>{h.doc.trust}</span>
                  {h.distractor ? <span className="mv-flag" data-testid="distractor-flag">distractor</span> : <span className="sv-dim">valid</span>}
                  <span className="sv-dim mv-src" title="source">{h.doc.source}</span>
                  {h.doc.t > 0 && <span className="sv-dim">{formatVt(h.doc.t)}</span>}
                  {(h.doc.tags ?? []).map((t) => <span key={t} className="mv-tag">{t}</span>)}
                </div>
                <div className="mv-hit-text">
                  {highlight(h.doc.text, h.matched).map((run, i) => (run.hit ? <mark key={i}>{run.text}</mark> : <span key={i}>{run.text}</span>))}
                </div>
              </li>
            ))}
          </ol>
        )}
      </div>
    </div>
  );
}
