/**
 * The runs of an experiment: one per (variant, seed, input), keyed so a result is idempotent —
 * running a key twice, on any machine, records the same result, and a report needs each key
 * once. Adaptive seeds ("until the interval is narrower than x") are decided batch by batch
 * from complete batches only, so the decision never depends on which runs finished first.
 */
import type { Experiment } from './load';
import type { MetricValue } from './metrics';
import type { GoalFailure } from '../term/goalFailure';

/** One run to do. The experiment's hash says which experiment it belongs to. */
export interface RunJob {
  experiment: string;
  variant: string;
  seed: number;
  /** The dataset input's id; null without a dataset. */
  input: string | null;
}

/**
 * A run's compact result: the job, how it stopped, its trace hash (to reproduce and open the
 * run: `harness run` on the variant's document at that seed gives the same hash) and its
 * metric values by metric id. Plain JSON, one line of a results file.
 */
export interface RunRecord extends RunJob {
  stopReason: string;
  traceHash: string;
  values: Record<string, MetricValue>;
  /**
   * Where the run's first unmet goal failed (term/goalFailure.ts), read from its trace: the
   * debugger opens a failing run there. Absent when every goal was met (and in records made
   * before it was recorded).
   */
  failure?: GoalFailure;
}

/** The idempotency key of a run within its experiment: (variant, seed, input). */
export function runKey(r: Pick<RunJob, 'variant' | 'seed' | 'input'>): string {
  return `${r.variant}\u0000${r.seed}\u0000${r.input ?? ''}`;
}

/** Every seed the experiment may run: `count` seeds, or up to `max` when adaptive. */
export function allSeeds(exp: Experiment): number[] {
  const s = exp.file.seeds;
  const n = 'count' in s ? s.count : s.max;
  return Array.from({ length: n }, (_, i) => s.from + i);
}

/** The runs of `seeds`, seed by seed, then input, then variant (so any prefix is balanced across variants). */
export function planRuns(exp: Experiment, seeds: readonly number[]): RunJob[] {
  const jobs: RunJob[] = [];
  for (const seed of seeds) for (const input of exp.inputs) for (const variant of exp.variants) jobs.push({ experiment: exp.hash, variant, seed, input });
  return jobs;
}

/** The runs shard `index` of `count` does (0-based, like a Kubernetes Indexed Job's completion index): every count-th run. */
export function shardRuns(jobs: readonly RunJob[], index: number, count: number): RunJob[] {
  return jobs.filter((_, i) => i % count === index);
}

/** The seed batches the experiment runs in: one batch of all seeds, or `batch` seeds at a time up to `max`. */
export function seedBatches(exp: Experiment): number[][] {
  const seeds = allSeeds(exp);
  const s = exp.file.seeds;
  const size = 'count' in s ? seeds.length : s.batch;
  const batches: number[][] = [];
  for (let i = 0; i < seeds.length; i += size) batches.push(seeds.slice(i, i + size));
  return batches;
}
