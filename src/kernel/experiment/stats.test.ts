import { describe, expect, it } from 'vitest';
import { bootstrapMean, mcnemar, normalQuantile, pairedBootstrap, passAtK, quantile, wilson } from './stats';

describe('normalQuantile', () => {
  it('matches the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 5);
  });
});

describe('wilson', () => {
  it('8 of 10 at 95% is [0.490, 0.943]', () => {
    const w = wilson(8, 10);
    expect(w.lo).toBeCloseTo(0.4902, 4);
    expect(w.hi).toBeCloseTo(0.9433, 4);
  });
  it('0 of 10 is [0, z²/(n+z²)] and 10 of 10 reaches 1', () => {
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 10).hi).toBeCloseTo(3.841459 / 13.841459, 5);
    expect(wilson(10, 10).hi).toBe(1);
  });
  it('narrows with n and widens with confidence', () => {
    const w = (s: number, n: number, c?: number) => wilson(s, n, c).hi - wilson(s, n, c).lo;
    expect(w(80, 100)).toBeLessThan(w(8, 10));
    expect(w(8, 10, 0.99)).toBeGreaterThan(w(8, 10, 0.95));
  });
  it('knows nothing from no runs', () => expect(wilson(0, 0)).toMatchObject({ lo: 0, hi: 1 }));
});

describe('passAtK', () => {
  it('is the unbiased estimator 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(5, 2, 1)).toBeCloseTo(0.4, 12);
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 12);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(passAtK(5, 3, 3)).toBe(1);
    expect(passAtK(20, 1, 10)).toBeCloseTo(0.5, 12);
  });
  it('refuses k beyond n', () => expect(() => passAtK(3, 1, 4)).toThrow(/k must be in 1..n/));
});

describe('quantile', () => {
  it('interpolates like R type 7', () => {
    expect(quantile([4, 1, 3, 2], 0.95)).toBeCloseTo(3.85, 12);
    expect(quantile([5], 0.95)).toBe(5);
  });
});

describe('mcnemar', () => {
  it('is the exact binomial for few discordant pairs', () => {
    expect(mcnemar(0, 6)).toEqual({ onlyA: 0, onlyB: 6, p: 2 / 64, method: 'exact' });
    expect(mcnemar(9, 1).p).toBeCloseTo(22 / 1024, 12);
    expect(mcnemar(3, 3).p).toBe(1);
    expect(mcnemar(0, 0).p).toBe(1);
  });
  it('is the continuity-corrected chi-square for many', () => {
    const m = mcnemar(10, 30);
    expect(m.method).toBe('chi2');
    expect(m.p).toBeCloseTo(0.0026631, 5);
  });
});

describe('bootstrap', () => {
  it('is reproducible from its seed and stream, and another stream draws differently', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const a = bootstrapMean(values, { seed: 7, stream: 'cost' });
    expect(bootstrapMean(values, { seed: 7, stream: 'cost' })).toEqual(a);
    expect(bootstrapMean(values, { seed: 7, stream: 'steps' }).interval).not.toEqual(a.interval);
    expect(a.mean).toBeCloseTo(3.9, 12);
    expect(a.interval.lo).toBeLessThan(3.9);
    expect(a.interval.hi).toBeGreaterThan(3.9);
  });
  it('two values 0 and 1: resample means 0, ½, 1 with chances ¼, ½, ¼, so the 95% interval is [0, 1]', () => {
    const r = bootstrapMean([0, 1], { seed: 1, stream: 's', resamples: 4000 });
    expect(r.interval.lo).toBe(0);
    expect(r.interval.hi).toBe(1);
    const mid = bootstrapMean([0, 1], { seed: 1, stream: 's', resamples: 4000, confidence: 0.4 });
    expect(mid.interval).toMatchObject({ lo: 0.5, hi: 0.5 });
  });
  it('for a large sample, comes close to the normal interval mean ± 1.96·sd/√n', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const r = bootstrapMean(values, { seed: 3, stream: 'p' });
    const half = 1.96 * Math.sqrt(0.25 / 400);
    expect(r.interval.lo).toBeCloseTo(0.5 - half, 2);
    expect(r.interval.hi).toBeCloseTo(0.5 + half, 2);
  });
  it('paired: a constant difference has a zero-width interval however noisy the values', () => {
    const a = [1, 10, 100, 5, 50];
    const b = a.map((x) => x + 2);
    const r = pairedBootstrap(a, b, { seed: 1, stream: 'd' });
    expect(r.mean).toBe(2);
    expect(r.interval).toMatchObject({ lo: 2, hi: 2 });
  });
});
