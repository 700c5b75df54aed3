/**
 * Pure geometry of the scheduler Gantt chart: what to draw for a timeline at a cursor, in CSS
 * pixels, and what a pointer position hits. No DOM: drawGantt.ts paints a layout on a canvas.
 *
 * However many bars the trace holds, a layout stays within a bounded number of primitives:
 * a bar at least MIN_BAR_PX wide is one rect (bars of a row never overlap, so at most one per
 * MIN_BAR_PX per row), and narrower bars add into per-pixel-column coverage, one rect per
 * covered column (Perfetto-style aggregation). Markers are bucketed the same way.
 */
import { LANE, searchLast, type MarkerKind, type Timeline } from './timeline';

export interface GanttGeometry {
  /** Canvas width in CSS pixels. */
  width: number;
  /** Left gutter for row labels. */
  labelWidth: number;
  axisHeight: number;
  /** The marker lane above the slot rows (throttles and refusals that concern no slot). */
  laneHeight: number;
  rowHeight: number;
  padRight: number;
}

export const GEOMETRY: Omit<GanttGeometry, 'width'> = Object.freeze({ labelWidth: 96, axisHeight: 16, laneHeight: 14, rowHeight: 18, padRight: 10 });

/** A bar narrower than this is aggregated into pixel columns. */
export const MIN_BAR_PX = 2;
/** Width credited to an instantaneous bar, so a zero-length hold still shows faintly. */
const MIN_COVER_PX = 0.25;
const MARKER_BUCKET_PX = 5;
const HIT_MARKER_PX = 7;
const HIT_BAR_PX = 3;

export interface TimeWindow {
  t0: number;
  t1: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Colour index (Timeline.agents). */
  agent: number;
  /** Coverage of an aggregated column (0..1]; 1 for whole bars. */
  alpha: number;
  /** After the cursor: drawn faint, like future rows of the event log. */
  ghost: boolean;
}

export interface Glyph {
  x: number;
  y: number;
  kind: MarkerKind;
  /** Index of the first marker in the bucket, and its seq. */
  marker: number;
  seq: number;
  /** Markers drawn as this one glyph. */
  count: number;
  ghost: boolean;
}

export interface GanttLayout {
  geometry: GanttGeometry;
  window: TimeWindow;
  height: number;
  rows: { label: string; y: number }[];
  laneY: number;
  rowsTop: number;
  rects: Rect[];
  glyphs: Glyph[];
  /** x of the cursor's virtual time, null when it is outside the window or there is no cursor. */
  cursorX: number | null;
  ticks: { x: number; label: string }[];
}

export type GanttHit = { kind: 'bar'; bar: number; seq: number } | { kind: 'marker'; marker: number; seq: number };

/** Open bar index → the virtual time its streaming generation has reached (liveBars.ts). */
export type LiveEnds = ReadonlyMap<number, number>;

const NO_LIVE: LiveEnds = new Map();

/** The whole trace's time span, and as far as the generations streaming now reach (never empty). */
export function fullWindow(tl: Timeline, live: LiveEnds = NO_LIVE): TimeWindow {
  let t1 = tl.t1;
  for (const t of live.values()) t1 = Math.max(t1, t);
  return { t0: tl.t0, t1: Math.max(t1, tl.t0 + 1) };
}

/** The narrowest window zooming goes to, in virtual ms. */
export const MIN_SPAN_MS = 1;

/** `win` shifted by `dt` ms, kept inside `full`. */
export function panWindow(win: TimeWindow, full: TimeWindow, dt: number): TimeWindow {
  const span = win.t1 - win.t0;
  const t0 = Math.min(Math.max(win.t0 + dt, full.t0), Math.max(full.t1 - span, full.t0));
  return { t0, t1: t0 + span };
}

/** `win` scaled by `factor` (< 1 zooms in) around time `at`, between MIN_SPAN_MS and `full`. */
export function zoomWindow(win: TimeWindow, full: TimeWindow, at: number, factor: number): TimeWindow {
  const span = win.t1 - win.t0;
  const next = Math.min(Math.max(span * factor, MIN_SPAN_MS), full.t1 - full.t0);
  const t0 = at - ((at - win.t0) * next) / span;
  return panWindow({ t0, t1: t0 + next }, full, 0);
}

function plotRange(g: GanttGeometry): { left: number; right: number } {
  return { left: g.labelWidth, right: Math.max(g.labelWidth + 1, g.width - g.padRight) };
}

export function xOf(g: GanttGeometry, w: TimeWindow, t: number): number {
  const { left, right } = plotRange(g);
  return left + ((t - w.t0) / Math.max(w.t1 - w.t0, 1e-9)) * (right - left);
}

export function tOf(g: GanttGeometry, w: TimeWindow, x: number): number {
  const { left, right } = plotRange(g);
  return w.t0 + ((x - left) / (right - left)) * (w.t1 - w.t0);
}

/** Where the bar's time extends to for drawing and hits: its end, or (open at the head) when it was due, or where its stream has got to, or the head. */
function extent(tl: Timeline, i: number, live: LiveEnds = NO_LIVE): number {
  const b = tl.bars;
  if (b.endSeq[i] !== -1) return b.end[i]!;
  const streamed = live.get(i);
  if (streamed !== undefined) return Math.max(streamed, b.start[i]!);
  const planned = b.planned[i]!;
  return Number.isFinite(planned) ? Math.max(planned, b.start[i]!) : Math.max(tl.t1, b.start[i]!);
}

/** Round steps of 1, 2, 5 × 10^k ms, about `minPx` apart; labels in seconds with the digits the step needs. */
export function timeTicks(w: TimeWindow, plotWidth: number, minPx = 90): { t: number; label: string }[] {
  const span = w.t1 - w.t0;
  if (!(span > 0) || plotWidth <= 0) return [];
  const raw = (span * minPx) / plotWidth;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const digits = Math.max(0, -Math.floor(Math.log10(step / 1000)));
  const out: { t: number; label: string }[] = [];
  for (let t = Math.ceil(w.t0 / step) * step; t <= w.t1 + 1e-9; t += step) out.push({ t, label: `${(t / 1000).toFixed(digits)}s` });
  return out;
}

/** Coverage of narrow bars per pixel column, for one row and one layer (solid or ghost). */
class Columns {
  cov: Float32Array;
  best: Float32Array;
  who: Int32Array;
  constructor(n: number) {
    this.cov = new Float32Array(n);
    this.best = new Float32Array(n);
    this.who = new Int32Array(n);
  }
  reset(): void {
    this.cov.fill(0);
    this.best.fill(0);
  }
  add(x0: number, x1: number, agent: number, left: number, right: number): void {
    const a = Math.max(x0, left);
    const b = Math.min(Math.max(x1, x0 + MIN_COVER_PX), right);
    for (let c = Math.floor(a); c < b && c < this.cov.length; c++) {
      const overlap = Math.min(b, c + 1) - Math.max(a, c);
      if (overlap <= 0) continue;
      this.cov[c]! += overlap;
      if (overlap > this.best[c]!) {
        this.best[c] = overlap;
        this.who[c] = agent;
      }
    }
  }
  /** One rect per run of adjacent columns with the same agent and (nearly) the same coverage. */
  emit(out: Rect[], y: number, h: number, ghost: boolean): void {
    let run: Rect | null = null;
    for (let c = 0; c < this.cov.length; c++) {
      const cov = this.cov[c]!;
      if (cov <= 0) {
        run = null;
        continue;
      }
      const alpha = Math.min(1, Math.max(cov, 0.35));
      const agent = this.who[c]!;
      if (run && run.agent === agent && Math.abs(run.alpha - alpha) < 0.1 && run.x + run.w === c) {
        run.w += 1;
        continue;
      }
      run = { x: c, y, w: 1, h, agent, alpha, ghost };
      out.push(run);
    }
  }
}

/**
 * What to draw of `tl` with the debugger at event `cursor` (virtual time `cursorT`): bars and
 * markers up to the cursor solid, after it as ghosts; an open bar is solid up to the cursor. With
 * `live` (the cursor at the head while models stream), a streaming bar reaches its live end and
 * the cursor stands there: the generation grows at the cursor.
 */
export function layoutGantt(tl: Timeline, cursor: number, cursorT: number, g: GanttGeometry, win: TimeWindow = fullWindow(tl), live: LiveEnds = NO_LIVE): GanttLayout {
  for (const t of live.values()) cursorT = Math.max(cursorT, t);
  const { left, right } = plotRange(g);
  const laneY = g.axisHeight;
  const rowsTop = laneY + g.laneHeight;
  const rows = tl.rows.map((r, i) => ({ label: r.label, y: rowsTop + i * g.rowHeight }));
  const height = rowsTop + Math.max(rows.length, 1) * g.rowHeight + 4;
  const rects: Rect[] = [];
  const x = (t: number) => xOf(g, win, t);
  const cols = Math.ceil(right) + 1;
  const solid = new Columns(cols);
  const ghost = new Columns(cols);
  const b = tl.bars;

  tl.rowBars.forEach((indices, row) => {
    const y = rowsTop + row * g.rowHeight + 2;
    const h = g.rowHeight - 4;
    solid.reset();
    ghost.reset();
    const segment = (t0: number, t1: number, agent: number, isGhost: boolean): void => {
      if (t1 < win.t0 || t0 > win.t1) return;
      const x0 = x(t0);
      const x1 = x(t1);
      if (x1 - x0 >= MIN_BAR_PX) {
        const a = Math.max(x0, left);
        const w = Math.min(x1, right) - a;
        if (w > 0) rects.push({ x: a, y, w, h, agent, alpha: 1, ghost: isGhost });
      } else (isGhost ? ghost : solid).add(x0, x1, agent, left, right);
    };
    for (const i of indices) {
      const start = b.start[i]!;
      const end = extent(tl, i, live);
      const agent = b.agent[i]!;
      if (b.startSeq[i]! > cursor) segment(start, end, agent, true);
      else if (b.endSeq[i] !== -1 && b.endSeq[i]! <= cursor) segment(start, end, agent, false);
      else {
        const at = Math.max(start, Math.min(cursorT, end));
        // Picked at the cursor's time: nothing of it is past yet, the whole bar is ahead.
        if (at > start || end <= at) segment(start, at, agent, false);
        if (end > at) segment(at, end, agent, true);
      }
    }
    ghost.emit(rects, y, h, true);
    solid.emit(rects, y, h, false);
  });

  const glyphs: Glyph[] = [];
  const buckets = new Map<string, Glyph>();
  tl.markers.forEach((m, i) => {
    if (m.t < win.t0 || m.t > win.t1) return;
    const gx = x(m.t);
    const gy = m.row === LANE ? laneY + g.laneHeight / 2 : rowsTop + m.row * g.rowHeight + g.rowHeight / 2;
    const isGhost = m.seq > cursor;
    const key = `${m.row}:${m.kind}:${isGhost ? 1 : 0}:${Math.floor(gx / MARKER_BUCKET_PX)}`;
    const hit = buckets.get(key);
    if (hit) hit.count++;
    else {
      const glyph: Glyph = { x: gx, y: gy, kind: m.kind, marker: i, seq: m.seq, count: 1, ghost: isGhost };
      buckets.set(key, glyph);
      glyphs.push(glyph);
    }
  });

  const cursorX = cursor >= 0 && cursorT >= win.t0 && cursorT <= win.t1 ? x(cursorT) : null;
  const ticks = timeTicks(win, right - left).map((tk) => ({ x: x(tk.t), label: tk.label }));
  return { geometry: g, window: win, height, rows, laneY, rowsTop, rects, glyphs, cursorX, ticks };
}

/** What is under (px, py): a marker first (they sit on top), else the bar of that row at that time. */
export function hitTest(layout: GanttLayout, tl: Timeline, px: number, py: number): GanttHit | null {
  let best: Glyph | null = null;
  let bestD = HIT_MARKER_PX * HIT_MARKER_PX;
  for (const gl of layout.glyphs) {
    const d = (gl.x - px) ** 2 + (gl.y - py) ** 2;
    if (d <= bestD) {
      best = gl;
      bestD = d;
    }
  }
  if (best) return { kind: 'marker', marker: best.marker, seq: best.seq };

  const g = layout.geometry;
  if (px < g.labelWidth) return null;
  const row = Math.floor((py - layout.rowsTop) / g.rowHeight);
  const indices = tl.rowBars[row];
  if (py < layout.rowsTop || !indices || indices.length === 0) return null;
  const t = tOf(g, layout.window, px);
  const tol = (HIT_BAR_PX * (layout.window.t1 - layout.window.t0)) / Math.max(g.width - g.padRight - g.labelWidth, 1);
  // The last bar starting at or before t + tol, and its predecessor (bars of a row are ordered and disjoint).
  const j = searchLast(indices.length, (k) => tl.bars.start[indices[k]!]!, t + tol);
  let hit: number | null = null;
  let hitD = Infinity;
  for (const k of [j, j - 1]) {
    const i = indices[k];
    if (i === undefined) continue;
    const start = tl.bars.start[i]!;
    const end = extent(tl, i);
    const d = t < start ? start - t : t > end ? t - end : 0;
    if (d <= tol && d < hitD) {
      hit = i;
      hitD = d;
    }
  }
  return hit === null ? null : { kind: 'bar', bar: hit, seq: tl.bars.startSeq[hit]! };
}
