/**
 * A point a fraction of the way along an edge's path, computed from the path's text (the `M`,
 * `C` and `L` commands ChannelEdge and xyflow's bezier write), so placing a message on its edge
 * reads nothing from the DOM: no layout is forced while a run streams.
 */

interface Segment {
  /** Points sampled along the segment, start first. */
  points: [number, number][];
}

const SAMPLES = 12;

function cubic(p0: number, p1: number, p2: number, p3: number, t: number): number {
  const u = 1 - t;
  return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
}

/** The path as polylines, one per command after the first move. */
function segments(path: string): Segment[] {
  const nums = (s: string): number[] => (s.match(/-?\d*\.?\d+(?:e-?\d+)?/gi) ?? []).map(Number);
  const out: Segment[] = [];
  let x = 0;
  let y = 0;
  for (const m of path.matchAll(/([MLC])([^MLC]*)/g)) {
    const v = nums(m[2]!);
    if (m[1] === 'M') [x, y] = [v[0] ?? 0, v[1] ?? 0];
    else if (m[1] === 'L') {
      out.push({ points: [[x, y], [v[0] ?? x, v[1] ?? y]] });
      [x, y] = [v[0] ?? x, v[1] ?? y];
    } else if (v.length >= 6) {
      const points: [number, number][] = [];
      for (let i = 0; i <= SAMPLES; i++) points.push([cubic(x, v[0]!, v[2]!, v[4]!, i / SAMPLES), cubic(y, v[1]!, v[3]!, v[5]!, i / SAMPLES)]);
      out.push({ points });
      [x, y] = [v[4]!, v[5]!];
    }
  }
  return out;
}

/** The point `fraction` (0..1) of the way along `path`, by length; the start when the path is empty. */
export function pointAlong(path: string, fraction: number): { x: number; y: number } {
  const pts = segments(path).flatMap((s, i) => (i === 0 ? s.points : s.points.slice(1)));
  if (pts.length === 0) return { x: 0, y: 0 };
  const lengths = [0];
  for (let i = 1; i < pts.length; i++) lengths.push(lengths[i - 1]! + Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]));
  const target = Math.min(1, Math.max(0, fraction)) * lengths[lengths.length - 1]!;
  for (let i = 1; i < pts.length; i++) {
    if (lengths[i]! < target) continue;
    const span = lengths[i]! - lengths[i - 1]!;
    const k = span === 0 ? 0 : (target - lengths[i - 1]!) / span;
    return { x: pts[i - 1]![0] + k * (pts[i]![0] - pts[i - 1]![0]), y: pts[i - 1]![1] + k * (pts[i]![1] - pts[i - 1]![1]) };
  }
  const [lx, ly] = pts[pts.length - 1]!;
  return { x: lx, y: ly };
}
