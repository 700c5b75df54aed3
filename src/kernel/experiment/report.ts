/**
 * The report of an experiment: per variant, each metric summarised (pass rate with its Wilson
 * interval and pass@k, mean with a seeded bootstrap interval, counts per stop reason), then
 * paired comparisons between variants (McNemar for pass/fail, a paired bootstrap for numbers)
 * with a verdict in plain words, then the author's expectations. It is a function of the
 * records keyed by (variant, seed, input) alone: neither the order they came in nor the
 * number of workers that produced them can change a byte of it.
 */
import { bootstrapMean, mcnemar, pairedBootstrap, passAtK, wilson } from './stats';
import { planRuns, runKey, seedBatches, type RunJob, type RunRecord } from './plan';
import type { Experiment } from './load';
import type { Metric } from './metrics';
import type { Expectation } from './schema';
import { comparisonVerdict } from './verdict';
import type { Comparison, ExpectationResult, ExperimentReport, MetricSummary, RateSummary, VariantReport } from './reportTypes';

export type { Comparison, CountsSummary, ExpectationResult, ExperimentReport, MeanSummary, MetricSummary, RateSummary, VariantReport } from './reportTypes';

/** 6 significant digits, so the JSON is short and stable; NaN and infinities become null. */
export function round(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}
const pair = (lo: number, hi: number): [number, number] => [round(lo) ?? 0, round(hi) ?? 0];

/** The records of the experiment by key: later duplicates of a key are ignored (a result is idempotent). */
export function recordsByKey(exp: Experiment, records: Iterable<RunRecord>): Map<string, RunRecord> {
  const byKey = new Map<string, RunRecord>();
  for (const r of records) if (r.experiment === exp.hash && !byKey.has(runKey(r))) byKey.set(runKey(r), r);
  return byKey;
}

/** Summarises one metric over values of one variant. `stream` seeds its bootstrap. */
export function summarize(exp: Experiment, metric: Metric, runs: readonly RunRecord[], stream: string, confidence = exp.file.confidence): MetricSummary {
  const values = runs.map((r) => r.values[metric.id] ?? null).filter((v) => v !== null);
  if (metric.shape === 'counts') {
    const counts: Record<string, number> = {};
    for (const v of values.map(String).sort()) counts[v] = (counts[v] ?? 0) + 1;
    return { shape: 'counts', n: values.length, counts };
  }
  if (metric.shape === 'rate') {
    const passed = values.filter((v) => v === true).length;
    const w = wilson(passed, values.length, confidence);
    const out: RateSummary = { shape: 'rate', n: values.length, passed, rate: values.length ? round(passed / values.length) : null, interval: pair(w.lo, w.hi) };
    if (exp.file.passAtK.length > 0) {
      out.passAtK = {};
      for (const k of exp.file.passAtK) out.passAtK[String(k)] = passAtKOver(exp, metric, runs, k);
    }
    return out;
  }
  const nums = values.map(Number);
  if (nums.length === 0) return { shape: 'mean', n: 0, mean: null, interval: null };
  const b = bootstrapMean(nums, { seed: exp.file.bootstrap.seed, stream, resamples: exp.file.bootstrap.resamples, confidence });
  return { shape: 'mean', n: nums.length, mean: round(b.mean), interval: pair(b.interval.lo, b.interval.hi) };
}

function passAtKOver(exp: Experiment, metric: Metric, runs: readonly RunRecord[], k: number): number | null {
  let sum = 0;
  for (const input of exp.inputs) {
    const vals = runs.filter((r) => r.input === input).map((r) => r.values[metric.id]).filter((v) => v !== null && v !== undefined);
    if (vals.length < k) return null;
    sum += passAtK(vals.length, vals.filter((v) => v === true).length, k);
  }
  return round(sum / exp.inputs.length);
}

/** Compares `b` against `a` on a rate or mean metric over the runs they share. */
export function compare(exp: Experiment, metric: Metric, a: string, b: string, runs: ReadonlyMap<string, RunRecord>, seeds: readonly number[], confidence = exp.file.confidence): Comparison {
  const xs: Array<number | boolean> = [];
  const ys: Array<number | boolean> = [];
  for (const seed of seeds)
    for (const input of exp.inputs) {
      const x = runs.get(runKey({ variant: a, seed, input }))?.values[metric.id];
      const y = runs.get(runKey({ variant: b, seed, input }))?.values[metric.id];
      if (x === null || x === undefined || y === null || y === undefined) continue;
      xs.push(x as number | boolean);
      ys.push(y as number | boolean);
    }
  const base = { a, b, metric: metric.id, pairs: xs.length };
  if (metric.shape === 'rate') {
    let onlyA = 0;
    let onlyB = 0;
    xs.forEach((x, i) => {
      if (x === true && ys[i] !== true) onlyA++;
      if (x !== true && ys[i] === true) onlyB++;
    });
    const m = mcnemar(onlyA, onlyB);
    const difference = xs.length ? (onlyB - onlyA) / xs.length : Number.NaN;
    const significant = xs.length > 0 && onlyA !== onlyB && m.p < 1 - confidence;
    const better = significant && metric.better ? ((difference > 0) === (metric.better === 'higher') ? b : a) : null;
    const rateA = xs.length ? xs.filter((x) => x === true).length / xs.length : Number.NaN;
    const c: Comparison = { ...base, test: 'mcnemar', difference: round(difference), onlyA, onlyB, p: round(m.p) ?? 1, method: m.method, better, verdict: '' };
    c.verdict = comparisonVerdict(metric, c, { rateA, rateB: rateA + difference, confidence });
    return c;
  }
  const d = pairedBootstrap(xs.map(Number), ys.map(Number), { seed: exp.file.bootstrap.seed, stream: `${a}|${b}|${metric.id}`, resamples: exp.file.bootstrap.resamples, confidence });
  const interval = xs.length ? pair(d.interval.lo, d.interval.hi) : null;
  const significant = interval !== null && (interval[0] > 0 || interval[1] < 0);
  const better = significant && metric.better ? ((d.mean > 0) === (metric.better === 'higher') ? b : a) : null;
  const c: Comparison = { ...base, test: 'paired-bootstrap', difference: round(d.mean), interval, better, verdict: '' };
  const meanOf = (v: readonly (number | boolean)[]) => (v.length ? v.reduce<number>((s, x) => s + Number(x), 0) / v.length : Number.NaN);
  c.verdict = comparisonVerdict(metric, c, { meanA: meanOf(xs), meanB: meanOf(ys), confidence });
  return c;
}

/** The pairs compared: those the file lists, or every variant against the first. */
export function comparedPairs(exp: Experiment): Array<[string, string]> {
  if (exp.file.compare) return exp.file.compare.map(([a, b]) => [a, b]);
  const [first, ...rest] = exp.variants;
  return rest.map((v) => [first!, v]);
}

/**
 * Which seeds the report covers, given the records so far: `complete` with the seeds, or
 * `needs` with the runs still missing from the next batch. Adaptive seeds stop after the first
 * complete batch in which every variant's interval of the `until` metric is narrower than its
 * width, or at `max`.
 */
export function coverage(exp: Experiment, runs: ReadonlyMap<string, RunRecord>): { state: 'complete'; seeds: number[] } | { state: 'needs'; seeds: number[]; missing: RunJob[] } {
  const seeds: number[] = [];
  const s = exp.file.seeds;
  for (const batch of seedBatches(exp)) {
    seeds.push(...batch);
    const missing = planRuns(exp, batch).filter((j) => !runs.has(runKey(j)));
    if (missing.length > 0) return { state: 'needs', seeds: [...seeds], missing };
    if ('until' in s) {
      const metric = exp.metrics.find((m) => m.id === s.until.metric)!;
      const narrow = exp.variants.every((v) => {
        const sum = summarize(exp, metric, variantRuns(exp, v, runs, seeds), `${v}|${metric.id}`);
        const iv = sum.shape === 'counts' ? null : sum.interval;
        return iv !== null && iv[1] - iv[0] < s.until.width;
      });
      if (narrow) return { state: 'complete', seeds };
    }
  }
  return { state: 'complete', seeds };
}

function variantRuns(exp: Experiment, variant: string, runs: ReadonlyMap<string, RunRecord>, seeds: readonly number[]): RunRecord[] {
  const out: RunRecord[] = [];
  for (const seed of seeds)
    for (const input of exp.inputs) {
      const r = runs.get(runKey({ variant, seed, input }));
      if (r) out.push(r);
    }
  return out;
}

function checkExpectation(exp: Experiment, e: Expectation, runs: ReadonlyMap<string, RunRecord>, seeds: readonly number[]): ExpectationResult {
  const metric = exp.metrics.find((m) => m.id === e.metric)!;
  const confidence = e.confidence ?? exp.file.confidence;
  const pct = `${round(confidence * 100)}%`;
  if ('better' in e) {
    const c = compare(exp, metric, e.than, e.better, runs, seeds, confidence);
    const holds = c.better === e.better;
    return { expectation: e, holds, because: `${holds ? 'holds' : 'does not hold'} at ${pct}: ${c.verdict}` };
  }
  const sum = summarize(exp, metric, variantRuns(exp, e.variant, runs, seeds), `${e.variant}|${metric.id}|expect`, confidence);
  const iv = sum.shape === 'counts' ? null : sum.interval;
  const bounds = [e.atLeast !== undefined ? `at least ${e.atLeast}` : '', e.atMost !== undefined ? `at most ${e.atMost}` : ''].filter(Boolean).join(' and ');
  if (iv === null) return { expectation: e, holds: false, because: `does not hold: ${e.variant} has no value of ${metric.id}` };
  const holds = (e.atLeast === undefined || iv[0] >= e.atLeast) && (e.atMost === undefined || iv[1] <= e.atMost);
  return { expectation: e, holds, because: `${holds ? 'holds' : 'does not hold'}: ${e.variant}'s ${metric.name} is in [${iv[0]}, ${iv[1]}] at ${pct}, expected ${bounds}` };
}

/**
 * The report from the records (any order, duplicates ignored), or the runs still missing.
 * Only seeds `coverage` settles on count, so a longer shard run reports like a local one.
 */
export function buildReport(exp: Experiment, records: Iterable<RunRecord>): { ok: true; report: ExperimentReport } | { ok: false; missing: RunJob[] } {
  const runs = recordsByKey(exp, records);
  const cov = coverage(exp, runs);
  if (cov.state === 'needs') return { ok: false, missing: cov.missing };
  const seeds = cov.seeds;
  const variants: VariantReport[] = exp.file.variants.map((v) => {
    const mine = variantRuns(exp, v.id, runs, seeds);
    const metrics: Record<string, MetricSummary> = {};
    for (const m of exp.metrics) metrics[m.id] = summarize(exp, m, mine, `${v.id}|${m.id}`);
    return { id: v.id, name: v.name ?? v.id, runs: mine.length, metrics };
  });
  const comparisons: Comparison[] = [];
  for (const [a, b] of comparedPairs(exp)) for (const m of exp.metrics) if (m.shape !== 'counts') comparisons.push(compare(exp, m, a, b, runs, seeds));
  const expectations = exp.file.expect.map((e) => checkExpectation(exp, e, runs, seeds));
  return {
    ok: true,
    report: {
      experiment: {
        name: exp.file.name,
        hash: exp.hash,
        confidence: exp.file.confidence,
        runs: variants.reduce((s, v) => s + v.runs, 0),
        seeds: { from: seeds[0] ?? 0, count: seeds.length },
        inputs: exp.inputs.length,
        variants: [...exp.variants],
        metrics: exp.metrics.map((m) => m.id),
      },
      variants,
      comparisons,
      expectations,
      holds: expectations.every((e) => e.holds),
    },
  };
}
