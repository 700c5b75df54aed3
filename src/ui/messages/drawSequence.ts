/**
 * Paints a sequence layout on a 2D canvas. Everything it draws is in the layout (see
 * sequenceLayout.ts); this only chooses colours, dashes and glyphs. Run text goes through
 * fillText, never markup.
 */
import { HUMAN } from '../../kernel';
import { clip } from '../run/format';
import { agentColor } from '../sched/drawGantt';
import type { TaskState } from './sequence';
import { CHAR_PX, type Arrow, type SeqLayout } from './sequenceLayout';

/** Each task state's colour, in lifecycle order (the legend's order): live, interrupted, terminal. */
export const TASK_STATE_COLORS: Readonly<Record<TaskState, string>> = Object.freeze({
  TASK_STATE_SUBMITTED: '#8b9bb4',
  TASK_STATE_WORKING: '#4f9cf5',
  TASK_STATE_INPUT_REQUIRED: '#f0b429',
  TASK_STATE_AUTH_REQUIRED: '#d2a8ff',
  TASK_STATE_COMPLETED: '#57ab5a',
  TASK_STATE_FAILED: '#e5534b',
  TASK_STATE_CANCELED: '#6e7681',
  TASK_STATE_REJECTED: '#b62324',
});

const HUMAN_COLOR = '#e6edf3';
const DENIED = '#e5534b';
const BG = '#1b1d21';
const HEAD_BG = '#202328';
const LINE = '#2b2f36';
const LIFELINE = '#3d434c';
const DIM = '#8b929c';
const CURSOR = '#4f9cf5';
const LOST = '#e5534b';
const KEPT = '#57ab5a';
const FONT = "11px ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace";

/** A lifeline's colour: the human stands apart from the agents. */
export function lifelineColor(layout: SeqLayout, index: number): string {
  const l = layout.lifelines[index];
  if (!l) return DENIED;
  return l.name === HUMAN ? HUMAN_COLOR : agentColor(index);
}

function arrowHead(ctx: CanvasRenderingContext2D, fx: number, fy: number, tx: number, ty: number): void {
  const a = Math.atan2(ty - fy, tx - fx);
  ctx.beginPath();
  ctx.moveTo(tx, ty);
  ctx.lineTo(tx - 7 * Math.cos(a - 0.4), ty - 7 * Math.sin(a - 0.4));
  ctx.lineTo(tx - 7 * Math.cos(a + 0.4), ty - 7 * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
}

function drawArrow(ctx: CanvasRenderingContext2D, layout: SeqLayout, a: Arrow): void {
  const color = a.color < 0 ? DENIED : lifelineColor(layout, a.color);
  const p = a.points;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = a.active ? 2.5 : 1.25;
  ctx.setLineDash(a.kind === 'inflight' ? [5, 4] : a.kind === 'denied' ? [2, 3] : []);
  ctx.beginPath();
  ctx.moveTo(p[0]!, p[1]!);
  for (let i = 2; i + 1 < p.length; i += 2) ctx.lineTo(p[i]!, p[i + 1]!);
  ctx.stroke();
  ctx.setLineDash([]);
  const n = p.length;
  arrowHead(ctx, p[n - 4]!, p[n - 3]!, p[n - 2]!, p[n - 1]!);
  if (a.kind === 'denied') {
    // The cross: the message never left the sender.
    const mx = (p[0]! + p[n - 2]!) / 2;
    const my = (p[1]! + p[n - 1]!) / 2;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(mx - 5, my - 5);
    ctx.lineTo(mx + 5, my + 5);
    ctx.moveTo(mx + 5, my - 5);
    ctx.lineTo(mx - 5, my + 5);
    ctx.stroke();
  }
  if (a.read) {
    // Waiting in the inbox from delivery to read, then the read dot.
    ctx.lineWidth = 1;
    ctx.setLineDash([1, 2]);
    ctx.beginPath();
    ctx.moveTo(a.read.x, p[n - 1]!);
    ctx.lineTo(a.read.x, a.read.y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(a.read.x, a.read.y, 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** Paints `layout` (CSS pixels; the caller has scaled the context by devicePixelRatio). */
export function drawSequence(ctx: CanvasRenderingContext2D, layout: SeqLayout): void {
  const g = layout.geometry;
  const { width: w, height: h } = g;
  const { plotTop, plotBottom } = layout;
  ctx.globalAlpha = 1;
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, w, h);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 1;

  // After the cursor: nothing has happened yet (only deliveries still due reach into it).
  if (layout.cursorY !== null && layout.cursorY < plotBottom) {
    ctx.fillStyle = '#17191c';
    ctx.fillRect(g.axisWidth, layout.cursorY, w - g.axisWidth, plotBottom - layout.cursorY);
  }

  // Time grid and axis.
  ctx.fillStyle = LINE;
  for (const t of layout.ticks) ctx.fillRect(g.axisWidth - 3, Math.round(t.y), w - g.axisWidth + 3, 1);
  ctx.fillStyle = DIM;
  ctx.textAlign = 'right';
  for (const t of layout.ticks) ctx.fillText(t.label, g.axisWidth - 6, t.y);
  ctx.fillStyle = LINE;
  ctx.fillRect(g.axisWidth - 1, plotTop, 1, plotBottom - plotTop);

  // Lifelines and their names.
  ctx.fillStyle = HEAD_BG;
  ctx.fillRect(0, 0, w, g.headerHeight);
  ctx.textAlign = 'center';
  const column = (w - g.axisWidth) / Math.max(layout.lifelines.length, 1);
  layout.lifelines.forEach((l, i) => {
    ctx.strokeStyle = LIFELINE;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(Math.round(l.x) + 0.5, g.headerHeight);
    ctx.lineTo(Math.round(l.x) + 0.5, plotBottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = lifelineColor(layout, i);
    ctx.fillRect(l.x - 3, g.headerHeight - 5, 6, 3);
    ctx.fillText(clip(l.name === HUMAN ? `${l.name} (you)` : l.name, Math.max(1, Math.floor((column - 8) / CHAR_PX))), l.x, g.headerHeight / 2 - 1);
  });
  ctx.fillStyle = LINE;
  ctx.fillRect(0, g.headerHeight - 1, w, 1);

  // Task state bands beside the servers' lifelines.
  for (const b of layout.bands) {
    ctx.fillStyle = TASK_STATE_COLORS[b.state];
    ctx.fillRect(b.x, b.y, b.w, b.h);
  }

  // Arrows, then their labels and badges over them.
  for (const a of layout.arrows) drawArrow(ctx, layout, a);
  ctx.textAlign = 'left';
  for (const a of layout.arrows) {
    if (a.label) {
      ctx.fillStyle = BG;
      ctx.globalAlpha = 0.75;
      ctx.fillRect(a.label.x - 1, a.label.y, a.label.w + 2, a.label.h);
      ctx.globalAlpha = 1;
      ctx.fillStyle = a.kind === 'denied' ? DENIED : a.active ? '#ffffff' : '#c9d1d9';
      ctx.fillText(a.label.text, a.label.x, a.label.y + a.label.h / 2 + 0.5);
    }
    if (a.badge) {
      ctx.fillStyle = a.badge.lost ? '#3a2326' : '#1f3326';
      ctx.fillRect(a.badge.x, a.badge.y, a.badge.w, a.badge.h);
      ctx.fillStyle = a.badge.lost ? LOST : KEPT;
      ctx.fillText(a.badge.text, a.badge.x + 3, a.badge.y + a.badge.h / 2 + 0.5);
    }
  }

  // The debugger cursor.
  if (layout.cursorY !== null) {
    const y = Math.round(layout.cursorY) + 0.5;
    ctx.strokeStyle = CURSOR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(g.axisWidth - 2, y);
    ctx.lineTo(w, y);
    ctx.stroke();
    ctx.fillStyle = CURSOR;
    ctx.beginPath();
    ctx.moveTo(g.axisWidth - 8, y - 4);
    ctx.lineTo(g.axisWidth - 8, y + 4);
    ctx.lineTo(g.axisWidth - 2, y);
    ctx.closePath();
    ctx.fill();
  }
}
