/**
 * A comparison in plain words: which variant is better, by how much and with what confidence,
 * or that the data cannot tell them apart.
 */
import type { Metric } from './metrics';
import type { Comparison } from './reportTypes';

/** A number as a report shows it: 4 significant digits, no exponent for everyday sizes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e9) return String(Number(x.toPrecision(4)));
  return x.toPrecision(3);
}

const percent = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 1000) / 10}%` : '—');

/** The verdict sentence of a comparison (`c.better` already decided). */
export function comparisonVerdict(
  metric: Metric,
  c: Comparison,
  figures: { rateA?: number; rateB?: number; meanA?: number; meanB?: number; confidence: number },
): string {
  const conf = `${Math.round(figures.confidence * 1000) / 10}%`;
  if (c.pairs === 0) return `No run of ${c.a} and ${c.b} on the same seed and input has a value of ${metric.id}: nothing to compare.`;
  if (c.test === 'mcnemar') {
    const a = figures.rateA!;
    const b = figures.rateB!;
    const p = `McNemar ${c.method === 'exact' ? 'exact ' : ''}p = ${formatNumber(c.p!)}`;
        const pairs = `${c.onlyA} pair${c.onlyA === 1 ? '' : 's'} true only for ${c.a}, ${c.onlyB} only for ${c.b}`;
    if (c.better === null) {
      return `The data cannot tell ${c.a} and ${c.b} apart on ${metric.id}: ${percent(a)} vs ${percent(b)} over ${c.pairs} paired runs (${pairs}; ${p}, a difference at ${conf} needs p < ${formatNumber(1 - figures.confidence)}).`;
    }
    const other = c.better === c.a ? c.b : c.a;
    const [win, lose] = c.better === c.a ? [a, b] : [b, a];
    const points = Math.round(Math.abs(b - a) * 1000) / 10;
    return `${c.better} is better than ${other} on ${metric.id}: ${percent(win)} vs ${percent(lose)} (${points} points ${win > lose ? 'higher' : 'lower'}) over ${c.pairs} paired runs (${pairs}; ${p}), at ${conf} confidence.`;
  }
  const a = figures.meanA!;
  const b = figures.meanB!;
  const ci = c.interval ? `[${formatNumber(c.interval[0])}, ${formatNumber(c.interval[1])}]` : '—';
  const diff = `${c.b} − ${c.a} = ${formatNumber(c.difference ?? Number.NaN)}, ${conf} interval ${ci}`;
  if (c.better === null) {
    const why = metric.better === null ? 'the metric has no better direction' : 'the interval includes 0';
    return `The data cannot tell ${c.a} and ${c.b} apart on ${metric.id}: mean ${formatNumber(a)} vs ${formatNumber(b)} over ${c.pairs} paired runs (${diff}; ${why}).`;
  }
  const other = c.better === c.a ? c.b : c.a;
  const [win, lose] = c.better === c.a ? [a, b] : [b, a];
  const rel = lose !== 0 ? ` (${Math.round((Math.abs(win - lose) / Math.abs(lose)) * 1000) / 10}% ${win > lose ? 'higher' : 'lower'})` : '';
  return `${c.better} is better than ${other} on ${metric.id}: mean ${formatNumber(win)} vs ${formatNumber(lose)}${rel} over ${c.pairs} paired runs (${diff}).`;
}
