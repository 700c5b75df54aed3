import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useBoxSize } from '../shared/useBoxSize';
import { formatVt } from '../run/format';
import { panWindow, zoomWindow, type TimeWindow } from '../sched/ganttLayout';
import { drawSequence, TASK_STATE_COLORS } from './drawSequence';
import { stateName, type SequenceModel, type TaskState } from './sequence';
import { contentWidth, describeBand, describeMessage, hitTestSequence, layoutSequence, SEQ_GEOMETRY, tOfY, type SeqHit, type SeqLayout } from './sequenceLayout';

interface Props {
  model: SequenceModel;
  /** The whole trace's time span: the scale stays put while the cursor moves. */
  full: TimeWindow;
  /** The trace's first event: a new trace resets the zoom. */
  trace: unknown;
  activeSeq: number;
  cursorT: number | null;
  onSelect(seq: number): void;
}

function describeHit(model: SequenceModel, layout: SeqLayout, hit: SeqHit): string {
  if (hit.kind === 'band') return describeBand(layout.bands[hit.band]!, formatVt);
  const m = model.messages[hit.message];
  return m ? `${describeMessage(m, formatVt)} · event ${m.seq}` : '';
}

/**
 * The conversation as a sequence diagram: one column per lifeline, virtual time downward, an
 * arrow per message (dashed while in flight, crossed when denied), task states beside the
 * server, retention badges, the cursor as a horizontal line. Wheel zooms around the pointer,
 * shift+wheel pans; a click selects the message's event.
 */
export function SequenceDiagram({ model, full, trace, activeSeq, cursorT, onSelect }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const outerRef = useRef<HTMLDivElement>(null);
  const { width, height, dpr } = useBoxSize(wrapRef);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  /** The zoomed time window; null shows the whole trace (and follows it as it grows). */
  const [zoom, setZoom] = useState<TimeWindow | null>(null);
  useEffect(() => setZoom(null), [trace]);
  const win = zoom ?? full;

  const layout = useMemo(() => {
    if (width <= 0 || height <= 0) return null;
    const g = { ...SEQ_GEOMETRY, width: contentWidth(model.lifelines.length, width), height: Math.max(height, 140) };
    return layoutSequence(model, activeSeq, cursorT, g, win);
  }, [model, activeSeq, cursorT, width, height, win]);

  // Native listener: React's wheel handlers are passive and cannot keep the panel from scrolling.
  // A horizontal wheel is left alone: it scrolls the lifelines when they are wider than the box.
  const layoutRef = useRef(layout);
  layoutRef.current = layout;
  const fullRef = useRef(full);
  fullRef.current = full;
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      const l = layoutRef.current;
      if (!l || (!e.shiftKey && Math.abs(e.deltaX) > Math.abs(e.deltaY))) return;
      e.preventDefault();
      const f = fullRef.current;
      const span = l.window.t1 - l.window.t0;
      if (e.shiftKey) {
        const dy = e.deltaY || e.deltaX;
        setZoom(panWindow(l.window, f, (dy / Math.max(l.plotBottom - l.plotTop, 1)) * span));
      } else {
        const at = tOfY(l, e.clientY - canvas.getBoundingClientRect().top);
        const next = zoomWindow(l.window, f, at, Math.exp(e.deltaY * 0.002));
        setZoom(next.t0 <= f.t0 && next.t1 >= f.t1 ? null : next);
      }
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !layout) return;
    const g = layout.geometry;
    canvas.width = Math.round(g.width * dpr);
    canvas.height = Math.round(g.height * dpr);
    canvas.style.width = `${g.width}px`;
    canvas.style.height = `${g.height}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawSequence(ctx, layout);
  }, [layout, dpr]);

  const hitAt = (e: MouseEvent<HTMLCanvasElement>): SeqHit | null => {
    if (!layout) return null;
    const r = e.currentTarget.getBoundingClientRect();
    return hitTestSequence(layout, e.clientX - r.left, e.clientY - r.top);
  };

  const arrows = model.messages.length;
  const denied = model.messages.filter((m) => m.denied !== undefined).length;
  return (
    <div className="mg-diagram" ref={outerRef}>
      <div className="mg-diagram-wrap" ref={wrapRef}>
        <canvas
          ref={canvasRef}
          data-testid="sequence-diagram"
          role="img"
          aria-label={`Sequence diagram: ${model.lifelines.length} lifelines, ${arrows - denied} messages, ${denied} denied, ${model.tasks.length} tasks (listed in the message list)`}
          title={hover ? undefined : 'Click an arrow to go to its event; wheel zooms, shift+wheel pans'}
          style={{ cursor: hover ? 'pointer' : 'default' }}
          onClick={(e) => {
            const hit = hitAt(e);
            if (hit) onSelect(hit.seq);
          }}
          onMouseMove={(e) => {
            const hit = hitAt(e);
            const r = outerRef.current!.getBoundingClientRect();
            const text = hit && layout ? describeHit(model, layout, hit) : null;
            setHover((h) => (text === null ? null : h?.text === text ? h : { x: e.clientX - r.left, y: e.clientY - r.top, text }));
          }}
          onMouseLeave={() => setHover(null)}
        />
      </div>
      {zoom && (
        <button type="button" className="mg-fit" data-testid="sequence-fit" onClick={() => setZoom(null)} title="Show the whole run (wheel zooms, shift+wheel pans)">
          Fit
        </button>
      )}
      {hover && (
        <div className="mg-tip" style={{ left: Math.min(hover.x + 12, Math.max(0, width - 320)), top: hover.y + 14 }} role="tooltip">
          {hover.text}
        </div>
      )}
    </div>
  );
}

/** Task state colours, as beside the lifelines, and what the arrow styles mean. */
export function SequenceLegend() {
  return (
    <div className="mg-legend" data-testid="task-state-legend">
      {(Object.keys(TASK_STATE_COLORS) as TaskState[]).map((s) => (
        <span key={s} className="mg-legend-item">
          <i style={{ background: TASK_STATE_COLORS[s] }} />
          {stateName(s)}
        </span>
      ))}
      <span className="mg-dim">— delivered · ╌ in flight · ✕ denied · ● read</span>
    </div>
  );
}
