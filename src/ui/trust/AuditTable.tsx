import { useEffect, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { AuditLog, AuditRow } from '../../kernel';
import { input } from '../run/runController';
import { auditAuthorityText, undoState, type UndoState } from './auditTable';
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

/**
 * Operations that changed (or tried to change) state, as they stood at the cursor: who asked,
 * what, by whose authority, what changed, the taint that crossed, and a rollback for those the
 * kernel can undo (while the run is live). Virtualized like the decision log; click a row to move the cursor to it.
 */
export function AuditTable({ rows, atHead, cursor, live, onPick }: { rows: readonly AuditRow[]; atHead: AuditLog; cursor: number; live: boolean; onPick(seq: number): void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
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
        <span className="rp-dim tv-count">{rows.length} operation{rows.length === 1 ? '' : 's'}</span>
      </div>
      <div className="tv-audit-head tv-audit-grid" role="presentation" aria-hidden="true">
        <span>#</span>
        <span>agent</span>
        <span>operation</span>
        <span>request</span>
        <span>authority</span>
        <span>state changed</span>
        <span>taint</span>
        <span>undo</span>
      </div>
      <div ref={scrollRef} className="rp-log tv-log" data-testid="audit-table" role="table" aria-label="Audit table">
        {rows.length === 0 ? (
          <div className="rp-empty">No audited operation before the cursor.</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
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
                  <span role="cell" className="rp-agent">{row.agent}</span>
                  <span role="cell">{row.op} <span className="rp-dim">{row.outcome}</span></span>
                  <span role="cell" className="tv-tool" title={row.request}>{row.request}</span>
                  <span role="cell" title={auditAuthorityText(row.authority)}>{auditAuthorityText(row.authority)}</span>
                  <span role="cell" className="tv-reason" title={row.changed ?? undefined}>{row.changed ?? '—'}</span>
                  <span role="cell" className="tv-taint-cell"><TaintBadges taint={row.taint} /></span>
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
