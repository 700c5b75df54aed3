/**
 * The statistics of an experiment report: intervals for pass rates and means, pass@k, and the
 * paired tests that compare two variants run on the same seeds and inputs. Pure functions of
 * their inputs; the bootstrap draws come from the kernel's counter-based rng (rng.ts), so a
 * report computed twice from the same results is the same to the last bit.
 */
import { draw } from '../rng';

/** A two-sided interval [lo, hi] at `confidence` (0.95 means 95%). */
export interface Interval {
  lo: number;
  hi: number;
  confidence: number;
}

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1: Acklam's rational approximation (relative
 * error below 1.15e-9; Φ⁻¹(0.975) = 1.959964).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
}

/** The complementary error function, to ~1.2e-7 relative (Numerical Recipes' erfcc, Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * The Wilson score interval for `successes` of `n` (Wilson 1927; Brown, Cai & DasGupta 2001
 * recommend it for small n). 8 of 10 at 95% is [0.490, 0.943]. n = 0 gives [0, 1].
 */
export function wilson(successes: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return { lo: 0, hi: 1, confidence };
  if (!(successes >= 0 && successes <= n)) throw new RangeError(`wilson: successes ${successes} not in 0..${n}`);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Clamp rounding: at p = 0 or 1 the bound is exactly 0 or 1.
  return { lo: successes === 0 ? 0 : Math.max(0, center - half), hi: successes === n ? 1 : Math.min(1, center + half), confidence };
}

/**
 * The unbiased pass@k estimate for one input with `n` samples of which `c` passed: the
 * chance that at least one of k samples drawn without replacement passes,
 * 1 − C(n−c, k) / C(n, k), in the product form of Chen et al. 2021 ("Evaluating Large
 * Language Models Trained on Code", fig. 3) that never forms large binomials. Needs k ≤ n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(k >= 1 && k <= n)) throw new RangeError(`passAtK: k must be in 1..n (${n}), got ${k}`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** The arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * The p-quantile of `values` (0 ≤ p ≤ 1) by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy); NaN for no values.
 */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** How a bootstrap draws: its resample count and where its randomness comes from. */
export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  confidence?: number;
  /** The rng seed and stream: the same pair gives the same interval for the same values. */
  seed: number;
  stream: string;
}

/** The mean of `values` with a percentile bootstrap interval (Efron 1979), reproducible from `opts.seed` and `opts.stream`. */
export function bootstrapMean(values: readonly number[], opts: BootstrapOptions): { mean: number; interval: Interval } {
  const confidence = opts.confidence ?? 0.95;
  const m = mean(values);
  if (values.length === 0) return { mean: m, interval: { lo: Number.NaN, hi: Number.NaN, confidence } };
  const b = opts.resamples ?? 2000;
  const n = values.length;
  const means = new Array<number>(b);
  for (let r = 0; r < b; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(draw(opts.seed, opts.stream, r, i) * n)]!;
    means[r] = s / n;
  }
  const alpha = (1 - confidence) / 2;
  return { mean: m, interval: { lo: quantile(means, alpha), hi: quantile(means, 1 - alpha), confidence } };
}

/**
 * The mean difference b − a over pairs (a[i], b[i]) with a paired percentile bootstrap interval:
 * pairs are resampled whole, so what the pair shares (the seed, the input) cancels out.
 */
export function pairedBootstrap(a: readonly number[], b: readonly number[], opts: BootstrapOptions): { mean: number; interval: Interval } {
  if (a.length !== b.length) throw new RangeError(`pairedBootstrap: ${a.length} values against ${b.length}`);
  return bootstrapMean(
    a.map((x, i) => b[i]! - x),
    opts,
  );
}

/** McNemar's test on paired pass/fail outcomes. */
export interface McNemar {
  /** Pairs where only the first passed. */
  onlyA: number;
  /** Pairs where only the second passed. */
  onlyB: number;
  /** Two-sided p-value. */
  p: number;
  /** `exact`: binomial on the discordant pairs; `chi2`: the continuity-corrected χ² approximation. */
  method: 'exact' | 'chi2';
}

/** Discordant pairs below this count use the exact binomial test (the χ² approximation is poor there). */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's test (McNemar 1947) for paired pass/fail: only discordant pairs count. Under the
 * null each is equally likely to favour either side, so with n = onlyA + onlyB below
 * MCNEMAR_EXACT_BELOW the p-value is the exact two-sided binomial 2·P(X ≤ min(onlyA, onlyB)),
 * X ~ Bin(n, ½), capped at 1; above it, (|onlyA − onlyB| − 1)² / n against χ²(1).
 */
export function mcnemar(onlyA: number, onlyB: number): McNemar {
  const n = onlyA + onlyB;
  if (n === 0) return { onlyA, onlyB, p: 1, method: 'exact' };
  if (n < MCNEMAR_EXACT_BELOW) {
    const k = Math.min(onlyA, onlyB);
    let term = Math.pow(0.5, n); // C(n, 0) / 2^n
    let tail = term;
    for (let i = 1; i <= k; i++) {
      term = (term * (n - i + 1)) / i;
      tail += term;
    }
    return { onlyA, onlyB, p: Math.min(1, 2 * tail), method: 'exact' };
  }
  const stat = (Math.abs(onlyA - onlyB) - 1) ** 2 / n;
  // χ²(1) survival: P(X > s) = erfc(√(s/2)).
  return { onlyA, onlyB, p: Math.min(1, erfc(Math.sqrt(stat / 2))), method: 'chi2' };
}
