/**
 * Where a new node goes: near a point (the middle of the view), in space no node takes.
 * Pure geometry in flow coordinates, so it is tested without a canvas.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: Box, b: Box, gap: number): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

const inside = (a: Box, within: Box): boolean =>
  a.x >= within.x && a.y >= within.y && a.x + a.width <= within.x + within.width && a.y + a.height <= within.y + within.height;

/**
 * The top-left of a `size` box as near `centre` as possible that keeps `gap` from every box in
 * `taken`: candidates on a half-box grid around the centre, nearest first, inside `within` (the
 * visible area) when any free one is; the centre itself when the search finds nothing.
 */
export function freeSpot(taken: readonly Box[], centre: { x: number; y: number }, size: { width: number; height: number }, within?: Box, gap = 20): { x: number; y: number } {
  const stepX = (size.width + gap) / 2;
  const stepY = (size.height + gap) / 2;
  const origin = { x: centre.x - size.width / 2, y: centre.y - size.height / 2 };
  const candidates: { x: number; y: number; d: number }[] = [];
  const RINGS = 12;
  for (let i = -RINGS; i <= RINGS; i++) {
    for (let j = -RINGS; j <= RINGS; j++) {
      const dx = i * stepX;
      const dy = j * stepY;
      candidates.push({ x: origin.x + dx, y: origin.y + dy, d: dx * dx + dy * dy });
    }
  }
  candidates.sort((a, b) => a.d - b.d);
  const free = (c: { x: number; y: number }) => !taken.some((t) => overlaps({ ...c, ...size }, t, gap));
  const visible = within ? candidates.find((c) => inside({ ...c, ...size }, within) && free(c)) : undefined;
  const spot = visible ?? candidates.find(free) ?? origin;
  return { x: Math.round(spot.x), y: Math.round(spot.y) };
}
