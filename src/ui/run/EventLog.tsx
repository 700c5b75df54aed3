import { memo, useEffect, useMemo, type KeyboardEvent, type ReactNode } from 'react';
import { EVENT_TYPES, type KernelEvent, type KernelEventType } from '../../kernel';
import { useStudio } from '../../store';
import { eventFamily, formatVt, summarize } from './format';
import { indexAtOrBefore } from './navigation';
import { LiveRows } from './LiveRows';
import { useFixedRows } from './useFixedRows';
import { showSeqs } from './runWindow';
import { NO_EVENTS_HINT } from './runActions';

const ROW_HEIGHT = 20;
const PAGE = 20;

function Filters() {
  const agents = useStudio((s) => s.agents);
  const filter = useStudio((s) => s.filter);
  const setFilter = useStudio((s) => s.setFilter);
  return (
    <>
      <select
        data-testid="filter-agent"
        aria-label="Filter by agent"
        value={filter.agent ?? ''}
        onChange={(e) => setFilter({ agent: e.currentTarget.value || null })}
      >
        <option value="">all agents</option>
        {agents.map((a) => (
          <option key={a} value={a}>{a}</option>
        ))}
      </select>
      <select
        data-testid="filter-type"
        aria-label="Filter by event type"
        value={filter.type ?? ''}
        onChange={(e) => setFilter({ type: (e.currentTarget.value || null) as KernelEventType | null })}
      >
        <option value="">all types</option>
        {EVENT_TYPES.map((t) => (
          <option key={t} value={t}>{t}</option>
        ))}
      </select>
    </>
  );
}

interface RowProps {
  seq: number;
  event: KernelEvent;
  index: number;
  cls: string;
  selected: boolean;
  onPick(seq: number): void;
}

/** One event's row; re-rendered only when its own props change (not for every batch). */
const EventRow = memo(function EventRow({ seq, event: e, index, cls, selected, onPick }: RowProps) {
  return (
    <div
      id={`rp-ev-${seq}`}
      role="option"
      aria-selected={selected}
      data-testid="event-row"
      data-seq={seq}
      data-type={e.type}
      className={cls}
      style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onPick(seq)}
    >
      <span className="rp-seq">{seq}</span>
      <span className="rp-t">{formatVt(e.t)}</span>
      <span className="rp-agent">{e.agent ?? ''}</span>
      <span className="rp-type" data-family={eventFamily(e.type)}>{e.type}</span>
      <span className="rp-summary">{summarize(e)}</span>
    </div>
  );
});

/** A row of a windowed run whose event is being fetched from the worker. */
const PendingRow = memo(function PendingRow({ seq, index }: { seq: number; index: number }) {
  return (
    <div data-testid="event-row-pending" data-seq={seq} className="rp-row is-pending" style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}>
      <span className="rp-seq">{seq}</span>
      <span className="rp-summary rp-dim">…</span>
    </div>
  );
});

/**
 * The trace, one row per event, windowed (only the rows in view exist in the DOM, whatever the
 * run's length). The row at the cursor is highlighted and kept in view; click a row or use ↑/↓,
 * PgUp/PgDn, Home/End to move the cursor.
 */
export function EventLog() {
  const events = useStudio((s) => s.events);
  const head = useStudio((s) => s.head);
  const cursor = useStudio((s) => s.cursor);
  const visible = useStudio((s) => s.visible);
  const hits = useStudio((s) => s.hits);
  const setCursor = useStudio((s) => s.setCursor);
  const windowed = useStudio((s) => s.windowed);
  const heldFrom = useStudio((s) => s.heldFrom);

  const count = visible ? visible.length : head + 1;
  const seqAt = (i: number) => (visible ? (visible[i] ?? -1) : i);
  const rowOfCursor = visible ? (visible.length === 0 ? -1 : indexAtOrBefore(visible, cursor)) : cursor;
  const rows = useFixedRows<HTMLDivElement>(count, ROW_HEIGHT, rowOfCursor);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: PAGE, PageUp: -PAGE };
    let row: number | null = null;
    if (e.key in moves) row = Math.min(Math.max(rowOfCursor + moves[e.key]!, 0), count - 1);
    else if (e.key === 'Home') row = 0;
    else if (e.key === 'End') row = count - 1;
    if (row === null || count === 0) return;
    e.preventDefault();
    setCursor(seqAt(row));
  };

  // A windowed run: the rows in view are fetched from the worker unless held.
  const firstSeq = count === 0 ? -1 : seqAt(rows.start);
  const lastSeq = count === 0 ? -1 : seqAt(Math.max(rows.start, rows.end - 1));
  useEffect(() => {
    if (windowed && firstSeq >= 0) showSeqs(firstSeq, lastSeq);
  }, [windowed, firstSeq, lastSeq, events]);

  const hitSeqs = useMemo(() => new Set(hits.map((h) => h.seq)), [hits]);
  const items: ReactNode[] = [];
  for (let i = rows.start; i < rows.end; i++) {
    const seq = seqAt(i);
    const e = events[seq];
    if (!e) {
      if (seq >= 0) items.push(<PendingRow key={seq} seq={seq} index={i} />);
      continue;
    }
    const cls = ['rp-row', seq === cursor && 'is-cursor', i === rowOfCursor && seq !== cursor && 'is-near', seq > cursor && 'is-future', hitSeqs.has(seq) && 'is-hit'];
    items.push(<EventRow key={seq} seq={seq} event={e} index={i} cls={cls.filter(Boolean).join(' ')} selected={seq === cursor} onPick={setCursor} />);
  }
  return (
    <div className="rp-section rp-grow">
      <div className="rp-head">
        <span>Events</span>
        {windowed && (
          <span className="rp-dim" data-testid="run-window" title="This run is too long to hold in the page: it holds the events around what is shown and asks the worker for the rest">
            holding {Math.max(0, events.length - heldFrom)} of {head + 1}{visible ? ' (the filter covers those held)' : ''}
          </span>
        )}
        <span className="rp-spacer" />
        <Filters />
      </div>
      <div
        ref={rows.ref}
        className="rp-log"
        data-testid="event-log"
        data-rows={count}
        role="listbox"
        aria-label="Event log"
        aria-activedescendant={cursor >= 0 ? `rp-ev-${cursor}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        {count === 0 ? (
          <div className="rp-empty">{head < 0 ? NO_EVENTS_HINT : 'No event matches the filter.'}</div>
        ) : (
          <div style={{ height: rows.total, position: 'relative' }}>{items}</div>
        )}
      </div>
      <LiveRows />
    </div>
  );
}
