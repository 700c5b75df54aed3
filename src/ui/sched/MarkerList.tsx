import { useEffect, useMemo, useRef } from 'react';
import { formatVt } from '../run/format';
import { MARKER_STYLE } from './drawGantt';
import { lastAtOrBefore, type Timeline } from './timeline';

/** Markers listed around the cursor: enough to navigate by keyboard without a DOM node per marker of a long run. */
const BEFORE = 150;
const AFTER = 50;

/**
 * The chart's markers as buttons (keyboard and screen-reader access to what the canvas shows):
 * a window around the cursor, later ones dimmed like future rows of the event log.
 */
export function MarkerList({ tl, head, cursor, onPick }: { tl: Timeline; head: number; cursor: number; onPick(seq: number): void }) {
  const listRef = useRef<HTMLUListElement>(null);
  const { shown, hiddenBefore, hiddenAfter, nearSeq } = useMemo(() => {
    const seqs = tl.markers.map((m) => m.seq);
    const at = lastAtOrBefore(seqs, cursor);
    const from = Math.max(0, at + 1 - BEFORE);
    const to = Math.min(tl.markers.length, at + 1 + AFTER);
    return { shown: tl.markers.slice(from, to), hiddenBefore: from, hiddenAfter: tl.markers.length - to, nearSeq: at >= 0 ? seqs[at]! : -1 };
    // `tl` grows in place; `head` says when.
  }, [tl, head, cursor]);

  // Keep the last marker at or before the cursor in view (scrolling only the list, never the page).
  useEffect(() => {
    const list = listRef.current;
    const item = list?.querySelector<HTMLElement>(`[data-seq="${nearSeq}"]`)?.parentElement;
    if (!list || !item) return;
    const top = item.offsetTop; // the list is positioned: its items' offsets are relative to it
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = top + item.offsetHeight - list.clientHeight;
  }, [nearSeq]);

  if (tl.markers.length === 0) return <div className="rp-entries rp-empty">No preemptions, throttles or refused admissions.</div>;
  return (
    <ul className="rp-entries" aria-label="Scheduler markers" ref={listRef}>
      {hiddenBefore > 0 && <li className="rp-more">{hiddenBefore} earlier…</li>}
      {shown.map((m) => (
        <li key={m.seq}>
          <button
            type="button"
            data-testid="sched-marker"
            data-kind={m.kind}
            data-seq={m.seq}
            className={m.seq > cursor ? 'is-future' : m.seq === cursor ? 'is-cursor' : m.seq === nearSeq ? 'is-near' : undefined}
            aria-current={m.seq === cursor || undefined}
            onClick={() => onPick(m.seq)}
            title={`Go to event ${m.seq}`}
          >
            <span className="rp-glyph" style={{ color: MARKER_STYLE[m.kind].color }} aria-label={MARKER_STYLE[m.kind].label}>
              {MARKER_STYLE[m.kind].glyph}
            </span>
            <span className="rp-dim">{formatVt(m.t)}</span>
            <span className="rp-dim">#{m.seq}</span>
            <span className="rp-text">{m.text}</span>
          </button>
        </li>
      ))}
      {hiddenAfter > 0 && <li className="rp-more">{hiddenAfter} later…</li>}
    </ul>
  );
}
