import { formatVt } from '../run/format';
import { useFixedRows } from '../run/useFixedRows';
import type { MemEntry } from './memoryEvents';

const GLYPH: Record<MemEntry['type'], string> = { 'mem.pressure': '▲', 'mem.evicted': '⇣', 'mem.compacted': '≡', 'mem.faulted': '⇡', 'mem.validity': '◇' };

/** Height of an entry (a 19 px button and a 1 px border, run.css .rp-entries). */
const ROW = 20;

/**
 * The agent's memory events up to the cursor, newest last; a click moves the cursor there.
 * Windowed: a long run's thousands of entries cost only the rows in view.
 */
export function MemoryEvents({ entries, cursor, onPick }: { entries: readonly MemEntry[]; cursor: number; onPick(seq: number): void }) {
  // Keep the newest entry (the one nearest the cursor) in view as the cursor moves.
  const rows = useFixedRows<HTMLOListElement>(entries.length, ROW, entries.length - 1);
  if (entries.length === 0) return <div className="rp-empty" data-testid="memory-events">No memory events for this agent up to the cursor.</div>;
  return (
    <ol ref={rows.ref} className="rp-entries mv-events" data-testid="memory-events" data-rows={entries.length}>
      {rows.start > 0 && <li aria-hidden className="rp-spacer-row" style={{ height: rows.start * ROW }} />}
      {entries.slice(rows.start, rows.end).map((e) => (
        <li key={e.seq}>
          <button type="button" className={e.seq === cursor ? 'is-cursor' : undefined} data-seq={e.seq} data-type={e.type} data-tone={e.tone} onClick={() => onPick(e.seq)} title={`${e.type} @ ${e.seq}`}>
            <span className="rp-glyph">{GLYPH[e.type]}</span>
            <span className="rp-seq">{e.seq}</span>
            <span className="rp-t">{formatVt(e.t)}</span>
            <span className="mv-etype">{e.type.slice(4)}</span>
            <span className="rp-text">{e.text}</span>
          </button>
        </li>
      ))}
      {rows.end < entries.length && <li aria-hidden className="rp-spacer-row" style={{ height: (entries.length - rows.end) * ROW }} />}
    </ol>
  );
}
