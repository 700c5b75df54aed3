/**
 * Pure geometry of the sequence diagram: lifelines as columns, virtual time downward, one arrow
 * per message, task state bands beside the server's lifeline, retention badges. CSS pixels, no
 * DOM: drawSequence.ts paints a layout on a canvas, `hitTestSequence` says what a click hit.
 *
 * Only what falls inside the time window is laid out; labels and badges that would overlap one
 * already placed are left out (the hover tooltip and the message list still carry them).
 */
import type { KernelEvent } from '../../kernel';
import { clip } from '../run/format';
import { timeTicks, type TimeWindow } from '../sched/ganttLayout';
import { isTerminalState, stateName, type SequenceModel, type SeqMessage, type TaskState } from './sequence';

export interface SeqGeometry {
  /** Canvas size in CSS pixels. */
  width: number;
  height: number;
  /** Left gutter for the time axis. */
  axisWidth: number;
  /** Lifeline names on top. */
  headerHeight: number;
  padBottom: number;
  /** The narrowest column; below it the canvas grows wider than its box and scrolls. */
  minColumn: number;
}

export const SEQ_GEOMETRY: Omit<SeqGeometry, 'width' | 'height'> = Object.freeze({ axisWidth: 52, headerHeight: 24, padBottom: 10, minColumn: 120 });

/** Width of one character of the canvas font, for clipping labels to the space they have. */
export const CHAR_PX = 6.3;
const LABEL_H = 12;
const BADGE_GAP = 3;
const BAND_W = 5;
const BAND_LANES = 3;
const SELF_LOOP_PX = 26;
const HIT_PX = 5;

export interface Lifeline {
  name: string;
  x: number;
  /** Colour index: position among the lifelines. */
  color: number;
}

export type ArrowKind = 'delivered' | 'inflight' | 'denied';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Arrow {
  /** Index into `SequenceModel.messages`, and the seq a click selects. */
  message: number;
  seq: number;
  kind: ArrowKind;
  /** The path as flat x, y pairs: two points, or four for a message to oneself. */
  points: number[];
  /** Sender's colour index; -1 for a denied message. */
  color: number;
  /** The cursor's event belongs to this message. */
  active: boolean;
  label: (Box & { text: string }) | null;
  /** "arrived/tracked facts", red when a fact was lost. */
  badge: (Box & { text: string; lost: boolean }) | null;
  /** Where the receiver read it (agent.woke), below the arrow's end. */
  read: { x: number; y: number } | null;
}

export interface Band extends Box {
  state: TaskState;
  task: string;
  /** The task.updated that entered the state: its seq, time and reason. */
  seq: number;
  t: number;
  reason: string;
}

export interface SeqLayout {
  geometry: SeqGeometry;
  window: TimeWindow;
  lifelines: Lifeline[];
  plotTop: number;
  plotBottom: number;
  arrows: Arrow[];
  bands: Band[];
  ticks: { y: number; label: string }[];
  /** y of the cursor's virtual time; null outside the window or with no cursor. */
  cursorY: number | null;
}

export type SeqHit = { kind: 'message'; message: number; seq: number } | { kind: 'band'; band: number; seq: number };

/** The canvas width the lifelines need: the box's width, or more when columns would be too narrow. */
export function contentWidth(lifelines: number, boxWidth: number, g: Omit<SeqGeometry, 'width' | 'height'> = SEQ_GEOMETRY): number {
  return Math.max(boxWidth, g.axisWidth + Math.max(lifelines, 1) * g.minColumn);
}

/**
 * The time the whole trace spans (the scale stays put while the cursor moves), including
 * deliveries still due; a little room at the end so the last arrow is not on the edge.
 */
export function fullSpan(events: readonly KernelEvent[], model: SequenceModel): TimeWindow {
  const t0 = events[0]?.t ?? 0;
  let t1 = events[events.length - 1]?.t ?? t0;
  for (const m of model.messages) if (m.tDelivered === null && m.deliverAt !== null) t1 = Math.max(t1, m.deliverAt);
  const span = Math.max(t1 - t0, 1);
  return { t0, t1: t0 + span * 1.03 };
}

export function yOf(layout: Pick<SeqLayout, 'plotTop' | 'plotBottom' | 'window'>, t: number): number {
  const { plotTop, plotBottom, window: w } = layout;
  return plotTop + ((t - w.t0) / Math.max(w.t1 - w.t0, 1e-9)) * (plotBottom - plotTop);
}

export function tOfY(layout: Pick<SeqLayout, 'plotTop' | 'plotBottom' | 'window'>, y: number): number {
  const { plotTop, plotBottom, window: w } = layout;
  return w.t0 + ((y - plotTop) / Math.max(plotBottom - plotTop, 1e-9)) * (w.t1 - w.t0);
}

const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Boxes already drawn; a new one goes in only where it overlaps none of the recent ones. */
class Placed {
  private readonly boxes: Box[] = [];
  take(b: Box): boolean {
    for (let i = this.boxes.length - 1; i >= Math.max(0, this.boxes.length - 48); i--) if (overlaps(b, this.boxes[i]!)) return false;
    this.boxes.push(b);
    return true;
  }
}

/** Where an arrow ends: its delivery, else (in flight) when it is due; a denied one ends where it started. */
function arrowEnd(m: SeqMessage): { t: number; kind: ArrowKind } {
  if (m.denied !== undefined) return { t: m.tSent, kind: 'denied' };
  if (m.tDelivered !== null) return { t: m.tDelivered, kind: 'delivered' };
  return { t: m.deliverAt ?? m.tSent, kind: 'inflight' };
}

/** The label of an arrow: its text, or why it was denied. */
export function arrowText(m: SeqMessage): string {
  return m.denied !== undefined ? `denied: ${m.denied}` : m.text;
}

/**
 * What to draw of `model` (cut at the cursor, whose event is `activeSeq` at time `cursorT`)
 * inside the time window `win`.
 */
export function layoutSequence(model: SequenceModel, activeSeq: number, cursorT: number | null, g: SeqGeometry, win: TimeWindow): SeqLayout {
  const plotTop = g.headerHeight + 8;
  const plotBottom = Math.max(plotTop + 20, g.height - g.padBottom);
  const frame = { plotTop, plotBottom, window: win };
  const y = (t: number) => yOf(frame, t);
  const column = (g.width - g.axisWidth) / Math.max(model.lifelines.length, 1);
  const lifelines: Lifeline[] = model.lifelines.map((name, i) => ({ name, x: g.axisWidth + column * (i + 0.5), color: i }));
  const xOf = new Map(lifelines.map((l) => [l.name, l]));
  const inWindow = (t0: number, t1: number) => t1 >= win.t0 && t0 <= win.t1;

  // Task state bands beside the server's lifeline, one lane per task of that server.
  const bands: Band[] = [];
  const lanes = new Map<string, number>();
  for (const task of model.tasks) {
    const line = xOf.get(task.server);
    if (!line) continue;
    const lane = lanes.get(task.server) ?? 0;
    lanes.set(task.server, lane + 1);
    const x = line.x + 3 + (lane % BAND_LANES) * (BAND_W + 2);
    task.states.forEach((s, i) => {
      const next = task.states[i + 1];
      const terminal = !next && isTerminalState(s.state);
      const tEnd = next ? next.t : terminal ? s.t : Math.max(s.t, cursorT ?? s.t);
      if (!inWindow(s.t, tEnd)) return;
      const y0 = Math.max(y(s.t), plotTop);
      const y1 = Math.min(terminal ? y(s.t) + 4 : y(tEnd), plotBottom);
      bands.push({ x, y: y0, w: BAND_W, h: Math.max(y1 - y0, 2), state: s.state, task: task.task, seq: s.seq, t: s.t, reason: s.reason });
    });
  }

  const arrows: Arrow[] = [];
  const placed = new Placed();
  model.messages.forEach((m, index) => {
    const from = xOf.get(m.from);
    const to = xOf.get(m.to);
    if (!from || !to) return;
    const end = arrowEnd(m);
    const tLast = Math.max(end.t, m.tRead ?? end.t);
    if (!inWindow(m.tSent, tLast)) return;
    const y0 = y(m.tSent);
    const y1 = y(end.t);
    const self = from === to;
    const points = self ? [from.x, y0, from.x + SELF_LOOP_PX, y0, from.x + SELF_LOOP_PX, y1 + 6, from.x, y1 + 6] : [from.x, y0, to.x, y1];
    const dir = to.x >= from.x ? 1 : -1;
    const span = self ? column - SELF_LOOP_PX - 8 : Math.abs(to.x - from.x) - 16;

    let label: Arrow['label'] = null;
    const chars = Math.floor(span / CHAR_PX);
    const raw = arrowText(m);
    if (chars >= 4 && raw.length > 0) {
      const text = clip(raw, chars);
      const w = text.length * CHAR_PX;
      const cx = self ? from.x + SELF_LOOP_PX + 4 + w / 2 : (from.x + to.x) / 2;
      const box = { x: cx - w / 2, y: (y0 + y1) / 2 - LABEL_H - 1, w, h: LABEL_H };
      if (placed.take(box)) label = { ...box, text };
    }

    let badge: Arrow['badge'] = null;
    if (m.retained && m.retained.tracked.length > 0) {
      const text = `${m.retained.arrived.length}/${m.retained.tracked.length} facts`;
      const w = text.length * CHAR_PX + 6;
      const bx = self ? from.x + 4 : dir > 0 ? to.x - 8 - w : to.x + 8;
      const box = { x: bx, y: y1 + BADGE_GAP, w, h: LABEL_H };
      if (placed.take(box)) badge = { ...box, text, lost: m.retained.lost.length > 0 };
    }

    arrows.push({
      message: index,
      seq: m.seq,
      kind: end.kind,
      points,
      color: end.kind === 'denied' ? -1 : from.color,
      active: activeSeq >= 0 && (m.seq === activeSeq || m.deliveredSeq === activeSeq || m.readSeq === activeSeq || m.retainedSeq === activeSeq),
      label,
      badge,
      read: m.tRead === null ? null : { x: to.x, y: y(m.tRead) },
    });
  });

  const ticks = timeTicks(win, plotBottom - plotTop, 56).map((tk) => ({ y: y(tk.t), label: tk.label }));
  const cursorY = cursorT !== null && cursorT >= win.t0 && cursorT <= win.t1 ? y(cursorT) : null;
  return { geometry: g, window: win, lifelines, plotTop, plotBottom, arrows, bands, ticks, cursorY };
}

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return (ax + u * dx - px) ** 2 + (ay + u * dy - py) ** 2;
}

const inside = (b: Box, px: number, py: number, pad = 0): boolean => px >= b.x - pad && px <= b.x + b.w + pad && py >= b.y - pad && py <= b.y + b.h + pad;

/** What is under (px, py): the nearest arrow (its line, label or badge), else a task state band. */
export function hitTestSequence(layout: SeqLayout, px: number, py: number): SeqHit | null {
  let best: Arrow | null = null;
  let bestD = HIT_PX * HIT_PX;
  for (const a of layout.arrows) {
    let d = Infinity;
    for (let i = 0; i + 3 < a.points.length; i += 2) d = Math.min(d, segmentDistance2(px, py, a.points[i]!, a.points[i + 1]!, a.points[i + 2]!, a.points[i + 3]!));
    if ((a.label && inside(a.label, px, py)) || (a.badge && inside(a.badge, px, py))) d = 0;
    if (d <= bestD) {
      best = a;
      bestD = d;
    }
  }
  if (best) return { kind: 'message', message: best.message, seq: best.seq };
  const band = layout.bands.findIndex((b) => inside(b, px, py, 2));
  return band < 0 ? null : { kind: 'band', band, seq: layout.bands[band]!.seq };
}

/** One line for the tooltip and the list: who to whom, when, what, and what became of it. */
export function describeMessage(m: SeqMessage, fmt: (ms: number) => string): string {
  const head = `${m.from} → ${m.to} · ${fmt(m.tSent)}`;
  if (m.denied !== undefined) return `${head} · denied: ${m.denied}`;
  const fate = m.tDelivered !== null ? `delivered ${fmt(m.tDelivered)}` : `in flight, due ${fmt(m.deliverAt ?? m.tSent)}`;
  const read = m.tRead !== null ? ` · read ${fmt(m.tRead)}` : '';
  const facts = m.retained && m.retained.tracked.length > 0 ? ` · ${m.retained.arrived.length}/${m.retained.tracked.length} facts${m.retained.lost.length > 0 ? ` (lost: ${m.retained.lost.join(', ')})` : ''}` : '';
  return `${head} · ${fate}${read}${facts} · ${clip(m.text, 120)}`;
}

/** The tooltip of a band: which task, which state, since when, why. */
export function describeBand(b: Band, fmt: (ms: number) => string): string {
  return `task ${b.task} · ${stateName(b.state)} since ${fmt(b.t)}${b.reason ? ` · ${clip(b.reason, 120)}` : ''}`;
}

/** A message list row's parts: what the diagram shows of one message, as text. */
export function messageRowText(m: SeqMessage, taskState: string | null): { route: string; text: string; task: string; retention: string } {
  const route = `${m.from} → ${m.to}`;
  const text = m.denied !== undefined ? `denied: ${m.denied}` : clip(m.text, 200);
  const task = m.task === null ? '' : `task ${m.task}${taskState === null ? '' : ` (${taskState})`}`;
  const r = m.retained;
  const retention = !r || r.tracked.length === 0 ? '' : `${r.arrived.length}/${r.tracked.length} facts${r.lost.length > 0 ? `, lost: ${r.lost.join(', ')}` : ''}`;
  return { route, text, task, retention };
}
