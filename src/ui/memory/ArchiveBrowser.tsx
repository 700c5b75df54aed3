import { useEffect, useMemo, useState } from 'react';
import { studio } from '../../bridge/client';
import type { StoreDoc } from '../../kernel';
import { formatVt } from '../run/format';
import { highlight, listStore, rankedHits, type ArchiveHit } from './archive';

type Ranked = { key: string; hits: ArchiveHit[] } | { key: string; error: string };

/**
 * The archival stores at the cursor: pick a store, type a query, read the documents ranked by
 * the run's archive in IndexedDB (the index the kernel searched), as the store stood at the
 * cursor, with their provenance. Distractors (valid false) are flagged.
 */
export function ArchiveBrowser({ stores, runId, at }: { stores: Readonly<Record<string, readonly StoreDoc[]>>; runId: string | null; at: number }) {
  const ids = Object.keys(stores);
  const [picked, setPicked] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  // By default the first store with something in it (a session store's shared part may be empty).
  const store = picked !== null && ids.includes(picked) ? picked : (ids.find((id) => stores[id]!.length > 0) ?? ids[0] ?? null);
  const docs = store === null ? undefined : stores[store];
  const distractors = docs?.filter((d) => d.valid === false).length ?? 0;
  const key = `${runId}\u0000${store}\u0000${at}\u0000${query.trim()}`;
  const [ranked, setRanked] = useState<Ranked | null>(null);
  useEffect(() => {
    if (runId === null || store === null || query.trim() === '' || !docs) return;
    let live = true;
    // Typed queries settle before they are asked; a newer query supersedes an older answer.
    const timer = setTimeout(() => {
      studio().searchArchive(runId, store, query, 20, at).then(
        (found) => live && setRanked({ key, hits: rankedHits(docs, found, query) }),
        (err: unknown) => live && setRanked({ key, error: err instanceof Error ? err.message : String(err) }),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runId, store, query, at, docs, key]);
  const listing = useMemo(() => (docs ? listStore(docs) : []), [docs]);
  const searching = query.trim() !== '';
  const current = ranked !== null && ranked.key === key ? ranked : null;
  const hits = !searching ? listing : current && 'hits' in current ? current.hits : [];
  const error = searching && current && 'error' in current ? current.error : null;
  const pending = searching && current === null;

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
        <input type="search" placeholder="Search the store (BM25, as the kernel ranks it)…" aria-label="Search the store" data-testid="archive-query" value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
      </div>
      <div className="rp-scroll">
        {store === null ? (
          <div className="rp-empty">No stores in the run at the cursor.</div>
        ) : error !== null ? (
          <div className="rp-empty" role="alert">Could not search the archive: {error}</div>
        ) : pending ? (
          <div className="rp-empty">Searching…</div>
        ) : hits.length === 0 ? (
          <div className="rp-empty">{searching ? 'No document matches.' : 'The store is empty.'}</div>
        ) : (
          <ol className="mv-hits">
            {hits.map((h) => (
              <li key={h.doc.id} className="mv-hit" data-testid="archive-hit" data-id={h.doc.id} data-valid={String(h.doc.valid !== false)} data-distractor={h.distractor || undefined}>
                <div className="mv-hit-head">
                  <span className="rp-seq">{h.rank}</span>
                  <span className="mv-id">{h.doc.id}</span>
                  {h.score !== null && <span className="mv-score" title="BM25 score">{h.score.toFixed(2)}</span>}
                  <span className="mv-trust" data-trust={h.doc.trust}>{h.doc.trust}</span>
                  {h.distractor ? <span className="mv-flag" data-testid="distractor-flag">distractor</span> : <span className="rp-dim">valid</span>}
                  <span className="rp-dim mv-src" title="source">{h.doc.source}</span>
                  {h.doc.t > 0 && <span className="rp-dim">{formatVt(h.doc.t)}</span>}
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
