import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { reviewAt, type AuditLog, type AuditRow, type DescribedChange, type HarnessSpec, type ProvenanceLog } from '../../kernel';
import { input } from '../run/runController';
import { auditAuthorityText, undoState, type UndoState } from './auditTable';
import { authorityLabel, changeOfRow, filterOptions, inputsLabel, modelLabel, NO_FILTER, passes, promptLabel, type ProvenanceFilter } from './provenance';
import { ProvenanceFilters } from './ProvenanceFilters';
import { TaintBadges } from './Taint';

const ROW_HEIGHT = 22;

function UndoCell({ row, state, live }: { row: AuditRow; state: UndoState; live: boolean }) {
  const [busy, setBusy] = useState(false);
  switch (state.kind) {
    case 'rolled-back':
      return <span data-testid={`audit-rolled-back-${row.seq}`}>rolled back at #{state.at}</span>;
    case 'rolled-back-later':
      return <span className="rp-dim">rolled back later, at #{state.at}</span>;
    case 'none':
      return <span className="rp-dim">—</span>;
    case 'can-roll-back':
      return (
        <button
          type="button"
          data-testid={`audit-rollback-${row.seq}`}
          disabled={busy || !live}
          title={live ? 'Undo what this operation changed (recorded in the run as a human input)' : 'The run has stopped: only a live run takes a rollback (fork it to go on)'}
          onClick={(e) => {
            e.stopPropagation(); // the row's own click moves the cursor
            setBusy(true);
            void input({ kind: 'rollback', seq: state.seq }).finally(() => setBusy(false));
          }}
        >
          Rollback
        </button>
      );
  }
}

/** A change's review status at the cursor, and the person's Approve while the run is live and the change stands unreviewed at the head. */
function ReviewCell({ change, cursor, live }: { change: DescribedChange | null; cursor: number; live: boolean }) {
  const [busy, setBusy] = useState(false);
  if (!change) return <span className="rp-dim">—</span>;
  const r = change.record;
  const status = reviewAt(r, cursor);
  if (status !== 'unreviewed' || r.review.status !== 'unreviewed') {
    const later = status === 'unreviewed' ? ` (${r.review.status} later, at #${r.review.seq})` : '';
    return <span data-testid={`audit-review-${r.seq}`} data-status={status}>{status === 'approved' ? 'approved by a person' : status}{later}</span>;
  }
  return (
    <span data-testid={`audit-review-${r.seq}`} data-status={status}>
      <span className="rp-dim">unreviewed </span>
      <button
        type="button"
        data-testid={`audit-approve-${r.seq}`}
        disabled={busy || !live}
        title={live ? 'Approve this change as it is (recorded in the run as a human input)' : 'The run has stopped: only a live run takes a review'}
        onClick={(e) => {
          e.stopPropagation();
          setBusy(true);
          void input({ kind: 'review', seq: r.seq, verdict: 'approved' }).finally(() => setBusy(false));
        }}
      >
        Approve
      </button>
    </span>
  );
}

/**
 * Operations that changed (or tried to change) state, as they stood at the cursor: who asked,
 * what, by whose authority, what changed, the taint that crossed, and a rollback for those the
 * kernel can undo (while the run is live). A change also shows its provenance: the model that
 * decided it, the window it decided from, and its review status. Filter by agent, model,
 * authority and review. Virtualized like the decision log; click a row to move the cursor to it.
 */
export function AuditTable({ rows: all, atHead, cursor, live, onPick, provenance, spec }: { rows: readonly AuditRow[]; atHead: AuditLog; cursor: number; live: boolean; onPick(seq: number): void; provenance: ProvenanceLog | null; spec: HarnessSpec | null }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [filter, setFilter] = useState<ProvenanceFilter>(NO_FILTER);
  const records = provenance?.records();
  const described = useMemo(() => all.map((row) => changeOfRow(row, (seq) => provenance?.record(seq), spec)), [all, records, spec]);
  const options = useMemo(() => filterOptions(all, described), [all, described]);
  const shown = useMemo(() => {
    const out: { row: AuditRow; change: DescribedChange | null }[] = [];
    all.forEach((row, i) => {
      if (passes(row, described[i]!, filter, cursor)) out.push({ row, change: described[i]! });
    });
    return out;
  }, [all, described, filter, cursor]);
  const rows = shown.map((x) => x.row);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // Keeps the latest operation in view as the cursor moves.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || rows.length === 0) return;
    const top = (rows.length - 1) * ROW_HEIGHT;
    if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [rows.length]);

  return (
    <>
      <div className="rp-head">
        <span>Audit @ {cursor < 0 ? '—' : cursor}</span>
        <span className="rp-dim tv-count">{rows.length} operation{rows.length === 1 ? '' : 's'}{rows.length === all.length ? '' : ` of ${all.length}`}</span>
      </div>
      <ProvenanceFilters filter={filter} options={options} onChange={setFilter} />
      <div className="tv-audit-head tv-audit-grid" role="presentation" aria-hidden="true">
        <span>#</span>
        <span>agent</span>
        <span>operation</span>
        <span>request</span>
        <span>authority</span>
        <span>state changed</span>
        <span>taint</span>
        <span>model</span>
        <span>inputs</span>
        <span>review</span>
        <span>undo</span>
      </div>
      <div ref={scrollRef} className="rp-log tv-log" data-testid="audit-table" role="table" aria-label="Audit table">
        {rows.length === 0 ? (
          <div className="rp-empty">{all.length === 0 ? 'No audited operation before the cursor.' : 'No operation before the cursor passes the filters.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
            {virtualizer.getVirtualItems().map((item) => {
              const { row, change } = shown[item.index]!;
              const state = undoState(row, cursor, atHead.row(row.seq));
              const cls = ['tv-audit-row tv-audit-grid', row.seq === cursor && 'is-cursor', row.taint.length > 0 && 'is-tainted', state.kind === 'rolled-back' && 'is-rolled-back'];
              return (
                <div
                  key={row.callSeq ?? row.seq}
                  role="row"
                  data-testid={`audit-row-${row.seq}`}
                  data-outcome={row.outcome}
                  className={cls.filter(Boolean).join(' ')}
                  style={{ transform: `translateY(${item.start}px)` }}
                  onClick={() => onPick(row.seq)}
                >
                  <span role="cell" className="rp-seq">{row.seq}</span>
                  <span role="cell" className="rp-agent" title={change ? `prompt ${promptLabel(change)}` : undefined}>{row.agent}</span>
                  <span role="cell">{row.op} <span className="rp-dim">{row.outcome}</span></span>
                  <span role="cell" className="tv-tool" title={row.request}>{row.request}</span>
                  <span role="cell" data-testid={`audit-authority-${row.seq}`} title={change ? authorityLabel(change.record) : auditAuthorityText(row.authority)}>
                    {auditAuthorityText(row.authority)}
                    {change?.record.authority.approvedBy && change.record.authority.module !== 'human' ? <span className="rp-dim"> · remembered by a person</span> : null}
                  </span>
                  <span role="cell" className="tv-reason" title={row.changed ?? undefined}>{row.changed ?? '—'}</span>
                  <span role="cell" className="tv-taint-cell"><TaintBadges taint={row.taint} /></span>
                  <span role="cell" data-testid={`audit-model-${row.seq}`} title={change ? modelLabel(change) : undefined}>{change ? modelLabel(change) : '—'}</span>
                  <span role="cell" title={change ? inputsLabel(change.record) : undefined}>{change ? inputsLabel(change.record) : '—'}</span>
                  <span role="cell"><ReviewCell change={change} cursor={cursor} live={live} /></span>
                  <span role="cell" className="tv-undo"><UndoCell row={row} state={state} live={live} /></span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </>
  );
}
