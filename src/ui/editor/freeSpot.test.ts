import { describe, expect, it } from 'vitest';
import { freeSpot, type Box } from './freeSpot';

const size = { width: 180, height: 60 };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('freeSpot', () => {
  it('centres the node on the point when the space is free', () => {
    expect(freeSpot([], { x: 500, y: 300 }, size)).toEqual({ x: 410, y: 270 });
  });

  it('puts each of many new nodes apart from all others, near the point', () => {
    const taken: Box[] = [{ x: 400, y: 260, width: 200, height: 80 }];
    for (let n = 0; n < 8; n++) {
      const at = freeSpot(taken, { x: 500, y: 300 }, size);
      const box = { ...at, ...size };
      for (const t of taken) expect(overlap(box, t)).toBe(false);
      expect(Math.hypot(at.x + 90 - 500, at.y + 30 - 300)).toBeLessThan(500);
      taken.push(box);
    }
  });

  it('stays inside the visible area while it has free room', () => {
    const within = { x: 0, y: 0, width: 1000, height: 600 };
    const taken: Box[] = [{ x: 300, y: 200, width: 400, height: 200 }];
    const at = freeSpot(taken, { x: 500, y: 300 }, size, within);
    expect(at.x).toBeGreaterThanOrEqual(0);
    expect(at.y).toBeGreaterThanOrEqual(0);
    expect(at.x + size.width).toBeLessThanOrEqual(1000);
    expect(at.y + size.height).toBeLessThanOrEqual(600);
    expect(overlap({ ...at, ...size }, taken[0]!)).toBe(false);
  });
});
