/**
 * Experiments: a harness judged statistically. An experiment file names a base document,
 * variants as JSON Patches over it, seeds, an optional dataset and metrics; the runner plans
 * one run per (variant, seed, input), an executor runs them anywhere, and the report gives
 * pass rates with Wilson intervals, means with seeded bootstrap intervals and paired
 * comparisons (McNemar, paired bootstrap) with verdicts in plain words.
 */
export { bootstrapMean, erfc, mcnemar, MCNEMAR_EXACT_BELOW, mean, normalQuantile, pairedBootstrap, passAtK, quantile, wilson, type BootstrapOptions, type Interval, type McNemar } from './stats';
export { applyPatch, parsePointer, type PatchError, type PatchOp } from './patch';
export { bindRow, parseCsvRows, parseJsonlRows } from './dataset';
export { EXPERIMENT_VERSION, ExperimentFileSchema, experimentJsonSchema, type DatasetSpec, type Expectation, type ExperimentFile, type ExperimentFileInput, type MetricKind, type MetricSpec, type SeedsSpec, type VariantSpec } from './schema';
export { DEFAULT_METRICS, measure, resolveMetric, type Metric, type MetricShape, type MetricValue, type RunFacts } from './metrics';
export { loadExperiment, prepareExperiment, type Experiment, type LoadResult, type ReadFile, type ResolvedExperiment } from './load';
export { allSeeds, planRuns, runKey, seedBatches, shardRuns, type RunJob, type RunRecord } from './plan';
export { buildReport, compare, comparedPairs, coverage, recordsByKey, round, summarize, type Comparison, type CountsSummary, type ExpectationResult, type ExperimentReport, type MeanSummary, type MetricSummary, type RateSummary, type VariantReport } from './report';
export { comparisonVerdict, formatNumber } from './verdict';
export { inProcessExecutor, measureRun, runExperiment, sortRecords, type ExperimentOutcome, type ExperimentProgress, type RunExecutor, type RunExperimentOptions } from './runner';
export { reportText } from './reportText';
export { firstGoalFailure, goalFailures } from './goalFailures';
