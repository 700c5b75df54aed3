/**
 * Paints a Gantt layout on a 2D canvas. Everything it draws is in the layout (bounded by the
 * canvas width, see ganttLayout.ts); this only chooses colours and glyphs. Text goes through
 * fillText, never markup.
 */
import type { GanttLayout, Glyph } from './ganttLayout';
import type { MarkerKind } from './timeline';

/** Agent colours, by index of first appearance; distinct on the dark panel background. */
export const AGENT_COLORS: readonly string[] = Object.freeze([
  '#4f9cf5', '#57ab5a', '#e0a050', '#b083f0', '#4ec9b0', '#f47067', '#c9b034', '#e275ad', '#9aa7ff', '#8ddb8c', '#f69d50', '#6cd3f0',
]);

export function agentColor(index: number): string {
  return index < 0 ? '#5f6670' : AGENT_COLORS[index % AGENT_COLORS.length]!;
}

/** Marker colours and the text glyphs the accessible list uses for the same kinds. */
export const MARKER_STYLE: Readonly<Record<MarkerKind, { color: string; glyph: string; label: string }>> = Object.freeze({
  preempt: { color: '#f47067', glyph: '▼', label: 'preempted' },
  throttle: { color: '#f0b429', glyph: '■', label: 'throttled' },
  refuse: { color: '#d2a8ff', glyph: '✕', label: 'refused' },
  resume: { color: '#56d364', glyph: '▶', label: 'resumed' },
});

const BG = '#1b1d21';
const BG_ALT = '#1f2226';
const LINE = '#2b2f36';
const DIM = '#8b929c';
const CURSOR = '#4f9cf5';
const GHOST_ALPHA = 0.22;
const FONT = "11px ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace";

function glyph(ctx: CanvasRenderingContext2D, g: Glyph): void {
  const { x, y } = g;
  ctx.fillStyle = MARKER_STYLE[g.kind].color;
  ctx.strokeStyle = MARKER_STYLE[g.kind].color;
  ctx.beginPath();
  if (g.kind === 'preempt') {
    ctx.moveTo(x - 4.5, y - 5);
    ctx.lineTo(x + 4.5, y - 5);
    ctx.lineTo(x, y + 2);
    ctx.closePath();
    ctx.fill();
    ctx.fillRect(x - 0.5, y, 1, 6);
  } else if (g.kind === 'resume') {
    ctx.moveTo(x - 3, y - 5);
    ctx.lineTo(x + 4, y);
    ctx.lineTo(x - 3, y + 5);
    ctx.closePath();
    ctx.fill();
  } else if (g.kind === 'throttle') {
    ctx.rect(x - 3.5, y - 3.5, 7, 7);
    ctx.fill();
    ctx.fillStyle = BG;
    ctx.fillRect(x - 1.5, y - 2, 1, 4);
    ctx.fillRect(x + 0.5, y - 2, 1, 4);
  } else {
    ctx.lineWidth = 2;
    ctx.moveTo(x - 3.5, y - 3.5);
    ctx.lineTo(x + 3.5, y + 3.5);
    ctx.moveTo(x + 3.5, y - 3.5);
    ctx.lineTo(x - 3.5, y + 3.5);
    ctx.stroke();
  }
}

/** Paints `layout` (CSS pixels; the caller has scaled the context by devicePixelRatio). */
export function drawGantt(ctx: CanvasRenderingContext2D, layout: GanttLayout, agents: readonly string[]): void {
  const g = layout.geometry;
  const w = g.width;
  const h = layout.height;
  ctx.globalAlpha = 1;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, h);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';

  // Rows, lane and gutter labels.
  layout.rows.forEach((r, i) => {
    ctx.fillStyle = i % 2 === 0 ? BG_ALT : BG;
    ctx.fillRect(0, r.y, w, g.rowHeight);
    ctx.fillStyle = DIM;
    ctx.fillText(r.label, 6, r.y + g.rowHeight / 2, g.labelWidth - 10);
  });
  ctx.fillStyle = '#5f6670';
  ctx.fillText('sched', 6, layout.laneY + g.laneHeight / 2);

  // Time grid and axis labels.
  ctx.fillStyle = LINE;
  for (const t of layout.ticks) ctx.fillRect(Math.round(t.x), g.axisHeight - 3, 1, h - g.axisHeight + 3);
  ctx.fillStyle = DIM;
  ctx.textAlign = 'center';
  for (const t of layout.ticks) ctx.fillText(t.label, t.x, g.axisHeight / 2);
  ctx.textAlign = 'left';
  ctx.fillStyle = LINE;
  ctx.fillRect(g.labelWidth, g.axisHeight - 1, w - g.labelWidth, 1);
  ctx.fillRect(g.labelWidth - 1, g.axisHeight, 1, h - g.axisHeight);

  // Bars: ghosts first, then the past over them; names inside bars wide enough to hold them.
  for (const pass of [true, false]) {
    for (const r of layout.rects) {
      if (r.ghost !== pass) continue;
      ctx.globalAlpha = r.alpha * (r.ghost ? GHOST_ALPHA : 1);
      ctx.fillStyle = agentColor(r.agent);
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
  }
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#101215';
  for (const r of layout.rects) {
    if (r.ghost || r.alpha < 1 || r.w < 34) continue;
    const name = agents[r.agent] ?? '';
    ctx.fillText(name, r.x + 4, r.y + r.h / 2 + 0.5, r.w - 8);
  }

  // Markers over the bars.
  for (const gl of layout.glyphs) {
    ctx.globalAlpha = gl.ghost ? 0.35 : 1;
    glyph(ctx, gl);
  }
  ctx.globalAlpha = 1;

  // The debugger cursor.
  if (layout.cursorX !== null) {
    const x = Math.round(layout.cursorX) + 0.5;
    ctx.strokeStyle = CURSOR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, g.axisHeight - 2);
    ctx.lineTo(x, h);
    ctx.stroke();
    ctx.fillStyle = CURSOR;
    ctx.beginPath();
    ctx.moveTo(x - 4, 0);
    ctx.lineTo(x + 4, 0);
    ctx.lineTo(x, 5);
    ctx.closePath();
    ctx.fill();
  }
}
