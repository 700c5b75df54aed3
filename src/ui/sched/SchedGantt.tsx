import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { formatVt } from '../run/format';
import { agentColor, drawGantt } from './drawGantt';
import { GEOMETRY, hitTest, layoutGantt, type GanttHit } from './ganttLayout';
import type { Timeline } from './timeline';

interface Props {
  tl: Timeline;
  /** The trace's head: the timeline object is advanced in place, so this is what changes. */
  head: number;
  cursor: number;
  cursorT: number;
  onPick(seq: number): void;
}

/** The canvas's CSS width (ResizeObserver) and the device pixel ratio (which changes between screens). */
function useCanvasSize(ref: React.RefObject<HTMLElement | null>): { width: number; dpr: number } {
  const [width, setWidth] = useState(0);
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]?.contentRect.width ?? 0)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  useEffect(() => {
    const mq = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = () => setDpr(window.devicePixelRatio || 1);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [dpr]);
  return { width, dpr };
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
 * preemptions (▼), throttles (■) and refused admissions (✕), the cursor as a vertical line.
 * Redrawn only when the layout changes (trace head, cursor, size); click moves the cursor.
 */
export function SchedGantt({ tl, head, cursor, cursorT, onPick }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { width, dpr } = useCanvasSize(wrapRef);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);

  const layout = useMemo(
    () => (width > 0 ? layoutGantt(tl, cursor, cursorT, { ...GEOMETRY, width }) : null),
    // `tl` is advanced in place; `head` says when it grew.
    [tl, head, cursor, cursorT, width],
  );

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
    <div className="sv-gantt-wrap" ref={wrapRef}>
      <canvas
        ref={canvasRef}
        data-testid="sched-gantt"
        role="img"
        aria-label={`Slot timeline: ${tl.rows.length} slots, ${tl.bars.row.length} holds, ${tl.markers.length} markers (listed below)`}
        style={{ cursor: hover ? 'pointer' : 'default' }}
        onClick={(e) => {
          const hit = hitAt(e);
          if (hit) onPick(hit.seq);
        }}
        onMouseMove={(e) => {
          const hit = hitAt(e);
          const r = e.currentTarget.getBoundingClientRect();
          const text = hit ? describeHit(tl, hit) : null;
          setHover((h) => (text === null ? null : h?.text === text ? h : { x: e.clientX - r.left, y: e.clientY - r.top, text }));
        }}
        onMouseLeave={() => setHover(null)}
      />
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
    <span className="sv-legend" data-testid="sched-legend">
      {agents.map((a, i) => (
        <span key={a} className="sv-legend-item">
          <i style={{ background: agentColor(i) }} />
          {a}
        </span>
      ))}
    </span>
  );
}
