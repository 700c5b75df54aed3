/** The shapes of an experiment report (plain JSON: `harness experiment --json` prints one). */
import type { Expectation } from './schema';

/** A pass/fail metric of one variant: passes of the runs that have a value, the rate and its Wilson interval. */
export interface RateSummary {
  shape: 'rate';
  n: number;
  passed: number;
  rate: number | null;
  interval: [number, number];
  /** pass@k averaged over inputs, per k the experiment asks for (null when an input has fewer than k runs). */
  passAtK?: Record<string, number | null>;
}

/** A numeric metric of one variant: the mean of the runs that have a value, with a bootstrap interval. */
export interface MeanSummary {
  shape: 'mean';
  n: number;
  mean: number | null;
  interval: [number, number] | null;
}

/** A categorical metric of one variant (the stop reason): runs per category, categories sorted. */
export interface CountsSummary {
  shape: 'counts';
  n: number;
  counts: Record<string, number>;
}

/** One metric of one variant, by its shape. */
export type MetricSummary = RateSummary | MeanSummary | CountsSummary;

/** One variant's runs and the summary of each metric, by metric id. */
export interface VariantReport {
  id: string;
  name: string;
  runs: number;
  metrics: Record<string, MetricSummary>;
}

/** Variant `b` against variant `a` on one metric, over the runs they share (same seed and input). */
export interface Comparison {
  a: string;
  b: string;
  metric: string;
  test: 'mcnemar' | 'paired-bootstrap';
  /** Pairs with a value on both sides. */
  pairs: number;
  /** b − a: of pass rates (mcnemar), or the mean paired difference. */
  difference: number | null;
  /** The paired bootstrap interval of the difference. */
  interval?: [number, number] | null;
  /** McNemar: pairs only a passed, only b passed, the two-sided p and how it was computed. */
  onlyA?: number;
  onlyB?: number;
  p?: number;
  method?: 'exact' | 'chi2';
  /** The better variant at the report's confidence, or null when the data cannot tell. */
  better: string | null;
  verdict: string;
}

/** One expectation of the file, whether it holds, and why in words. */
export interface ExpectationResult {
  expectation: Expectation;
  holds: boolean;
  because: string;
}

/** The report `harness experiment --json` prints: what ran, each variant, the comparisons, the expectations. */
export interface ExperimentReport {
  experiment: { name: string; hash: string; confidence: number; runs: number; seeds: { from: number; count: number }; inputs: number; variants: string[]; metrics: string[] };
  variants: VariantReport[];
  comparisons: Comparison[];
  expectations: ExpectationResult[];
  /** Every expectation holds (true when there are none). */
  holds: boolean;
}

