import { useEffect, useRef } from 'react';
import { formatVt } from '../run/format';
import type { MemEntry } from './memoryEvents';

const GLYPH: Record<MemEntry['type'], string> = { 'mem.pressure': '▲', 'mem.evicted': '⇣', 'mem.compacted': '≡', 'mem.faulted': '⇡' };

/** The agent's memory events up to the cursor, newest last; a click moves the cursor there. */
export function MemoryEvents({ entries, cursor, onPick }: { entries: readonly MemEntry[]; cursor: number; onPick(seq: number): void }) {
  const list = useRef<HTMLOListElement>(null);
  // Keep the newest entry (the one nearest the cursor) in view as the cursor moves.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries]);
  if (entries.length === 0) return <div className="rp-empty" data-testid="memory-events">No memory events for this agent up to the cursor.</div>;
  return (
    <ol ref={list} className="rp-entries mv-events" data-testid="memory-events">
      {entries.map((e) => (
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
    </ol>
  );
}
