import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { formatVt } from '../run/format';
import { useBoxSize } from '../shared/useBoxSize';
import { agentColor, drawGantt } from './drawGantt';
import { fullWindow, GEOMETRY, hitTest, layoutGantt, panWindow, tOf, zoomWindow, type GanttHit, type LiveEnds, type TimeWindow } from './ganttLayout';
import type { Timeline } from './timeline';

interface Props {
  tl: Timeline;
  /** The trace's head: the timeline object is advanced in place, so this is what changes. */
  head: number;
  cursor: number;
  cursorT: number;
  /** Open bars whose generation streams now, and how far it has got (empty when none does). */
  live: LiveEnds;
  onPick(seq: number): void;
}

function describeHit(tl: Timeline, hit: GanttHit): string {
  if (hit.kind === 'marker') return tl.markers[hit.marker]?.text ?? '';
  const b = tl.bars;
  const i = hit.bar;
  const agent = tl.agents[b.agent[i]!] ?? '?';
  const row = tl.rows[b.row[i]!]?.label ?? '?';
  const open = b.endSeq[i] === -1;
  const span = open ? `${formatVt(b.start[i]!)} – (running)` : `${formatVt(b.start[i]!)} – ${formatVt(b.end[i]!)} · ${Math.round(b.end[i]! - b.start[i]!)} ms`;
  return `${agent} on ${row} · ${span}${open ? '' : ` · ${b.endKind[i]}`} · event ${b.startSeq[i]}`;
}

/**
 * Slots over virtual time: one row per model slot, a bar per agent holding it, markers for
 * preemptions (▼), a real model's resumed generations (▶), throttles (■) and refused admissions (✕),
 * the cursor as a vertical line.
 * Redrawn only when the layout changes (trace head, cursor, size); click moves the cursor.
 */
export function SchedGantt({ tl, head, cursor, cursorT, live, onPick }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const outerRef = useRef<HTMLDivElement>(null);
  const { width, dpr } = useBoxSize(wrapRef);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  /** The zoomed time window; null shows the whole trace (and follows it as it grows). */
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  useEffect(() => setZoom(null), [tl]);

  const layout = useMemo(
    () => (width > 0 ? layoutGantt(tl, cursor, cursorT, { ...GEOMETRY, width }, zoom ?? fullWindow(tl, live), live) : null),
    // `tl` is advanced in place; `head` says when it grew.
    [tl, head, cursor, cursorT, width, zoom, live],
  );

  // Wheel zooms around the pointer, shift+wheel (or a horizontal wheel) pans. Native listener:
  // React's wheel handlers are passive and cannot keep the panel from scrolling.
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const l = layoutRef.current;
      if (!l) return;
      const full = fullWindow(tl);
      const horizontal = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      const plot = l.geometry.width - l.geometry.labelWidth - l.geometry.padRight;
      e.preventDefault();
      if (horizontal) {
        const dx = e.shiftKey ? e.deltaY || e.deltaX : e.deltaX;
        setZoom(panWindow(l.window, full, (dx / Math.max(plot, 1)) * (l.window.t1 - l.window.t0)));
      } else {
        const at = tOf(l.geometry, l.window, e.clientX - canvas.getBoundingClientRect().left);
        const next = zoomWindow(l.window, full, at, Math.exp(e.deltaY * 0.002));
        setZoom(next.t0 <= full.t0 && next.t1 >= full.t1 ? null : next);
      }
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [tl]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !layout) return;
    canvas.width = Math.round(layout.geometry.width * dpr);
    canvas.height = Math.round(layout.height * dpr);
    canvas.style.width = `${layout.geometry.width}px`;
    canvas.style.height = `${layout.height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawGantt(ctx, layout, tl.agents);
  }, [layout, dpr, tl]);

  const hitAt = (e: MouseEvent<HTMLCanvasElement>): GanttHit | null => {
    if (!layout) return null;
    const r = e.currentTarget.getBoundingClientRect();
    return hitTest(layout, tl, e.clientX - r.left, e.clientY - r.top);
  };

  return (
    <div className="sv-gantt" ref={outerRef}>
      <div className="sv-gantt-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="sched-gantt"
          data-live-end={live.size > 0 ? Math.round(Math.max(...live.values())) : undefined}
          role="img"
          aria-label={`Slot timeline: ${tl.rows.length} slots, ${tl.bars.row.length} holds, ${tl.markers.length} markers (listed below)`}
          title={hover ? undefined : 'Click a bar or marker to go to its event; wheel zooms, shift+wheel pans'}
          style={{ cursor: hover ? 'pointer' : 'default' }}
          onClick={(e) => {
            const hit = hitAt(e);
            if (hit) onPick(hit.seq);
          }}
          onMouseMove={(e) => {
            const hit = hitAt(e);
            // The tooltip sits in the unscrolled outer box, so it may hang over the marker list.
            const r = outerRef.current!.getBoundingClientRect();
            const text = hit ? describeHit(tl, hit) : null;
            setHover((h) => (text === null ? null : h?.text === text ? h : { x: e.clientX - r.left, y: e.clientY - r.top, text }));
          }}
          onMouseLeave={() => setHover(null)}
        />
      </div>
      {zoom && (
        <button type="button" className="sv-fit" data-testid="sched-fit" onClick={() => setZoom(null)} title="Show the whole run (wheel zooms, shift+wheel pans)">
          Fit
        </button>
      )}
      {hover && (
        <div className="sv-tip" style={{ left: Math.min(hover.x + 12, Math.max(0, width - 320)), top: hover.y + 14 }} role="tooltip">
          {hover.text}
        </div>
      )}
    </div>
  );
}

/** Agent colours, as in the chart. */
export function GanttLegend({ agents }: { agents: readonly string[] }) {
  return (
    <div className="sv-legend" data-testid="sched-legend">
      {agents.map((a, i) => (
        <span key={a} className="sv-legend-item">
          <i style={{ background: agentColor(i) }} />
          {a}
        </span>
      ))}
    </div>
  );
}
