import { describe, expect, it } from 'vitest';
import { pointAlong } from './pathPoint';

describe('pointAlong', () => {
  it('walks a straight line by length', () => {
    expect(pointAlong('M 0,0 L 100,0', 0)).toEqual({ x: 0, y: 0 });
    expect(pointAlong('M 0,0 L 100,0', 0.25)).toEqual({ x: 25, y: 0 });
    expect(pointAlong('M 0,0 L 100,0', 1)).toEqual({ x: 100, y: 0 });
  });

  it('follows a bezier as xyflow writes it, symmetric about its middle', () => {
    const mid = pointAlong('M0,0 C50,0 50,50 100,50', 0.5);
    expect(mid.x).toBeCloseTo(50, 0);
    expect(mid.y).toBeCloseTo(25, 0);
    expect(pointAlong('M0,0 C50,0 50,50 100,50', 1)).toEqual({ x: 100, y: 50 });
  });

  it('goes through every segment of a looping channel in order', () => {
    const loop = 'M 0,0 C 70,0 70,100 0,100 L -200,100 C -270,100 -270,0 -200,0';
    expect(pointAlong(loop, 0.5).y).toBeCloseTo(100, 5);
    expect(pointAlong(loop, 1)).toEqual({ x: -200, y: 0 });
  });
});
