/**
 * Runs an experiment through a pluggable executor: in-process (tests, the studio's worker
 * pool), on Node worker threads (the CLI), or on a job queue (BullMQ) — anything that turns
 * jobs into records. The runner decides what to run (batches, shards, what is already done)
 * and builds the report; the executor decides where and in what order runs happen, which
 * cannot change the report.
 */
import type { Experiment } from './load';
import { measure, type RunFacts } from './metrics';
import { allSeeds, planRuns, runKey, shardRuns, type RunJob, type RunRecord } from './plan';
import { buildReport, coverage, recordsByKey, type ExperimentReport } from './report';
import { firstGoalFailure } from './goalFailures';

/**
 * Where runs happen. `execute` calls `onResult` once for each job, in any order and from any
 * machine, and resolves when every job has a result (it rejects if one cannot be run).
 */
export interface RunExecutor {
  execute(jobs: readonly RunJob[], onResult: (record: RunRecord) => void): Promise<void>;
}

/** Runs done of the runs planned so far (adaptive seeds plan one batch at a time). */
export interface ExperimentProgress {
  done: number;
  total: number;
  record?: RunRecord;
}

/** How `runExperiment` runs: the executor, what is done already, a shard, progress. */
export interface RunExperimentOptions {
  executor: RunExecutor;
  /** Records already made (a resumed experiment, or results read from files): their runs are not run again. */
  have?: Iterable<RunRecord>;
  /** Run only this shard of every run the experiment may need (0-based index of `count`); no report. */
  shard?: { index: number; count: number };
  onProgress?: (p: ExperimentProgress) => void;
}

/** What `runExperiment` returns. */
export interface ExperimentOutcome {
  /** Every record of this experiment (those given and those made), in plan order. */
  records: RunRecord[];
  /** The report; null for a shard (merge the shards' records to get it). */
  report: ExperimentReport | null;
}

/** The record of one run: its job, stop, trace hash and the value of every metric. */
export function measureRun(exp: Experiment, job: RunJob, run: RunFacts & { traceHash: string }): RunRecord {
  const spec = exp.spec(job.variant, job.input);
  const values: RunRecord['values'] = {};
  for (const m of exp.metrics) values[m.id] = measure(m, spec, run);
  const failure = spec.goals.every((g) => run.goals[g.id] === true) ? null : firstGoalFailure(spec, run.events);
  return { experiment: exp.hash, variant: job.variant, seed: job.seed, input: job.input, stopReason: run.stopReason, traceHash: run.traceHash, values, ...(failure ? { failure } : {}) };
}

/** Records in plan order: seed, input (dataset order), variant (file order). */
export function sortRecords(exp: Experiment, records: Iterable<RunRecord>): RunRecord[] {
  const inputIndex = new Map(exp.inputs.map((x, i) => [x ?? '', i]));
  const variantIndex = new Map(exp.variants.map((v, i) => [v, i]));
  return [...recordsByKey(exp, records).values()].sort(
    (x, y) => x.seed - y.seed || inputIndex.get(x.input ?? '')! - inputIndex.get(y.input ?? '')! || variantIndex.get(x.variant)! - variantIndex.get(y.variant)!,
  );
}

/** Runs what the experiment still needs (batch by batch for adaptive seeds) and reports. */
export async function runExperiment(exp: Experiment, opts: RunExperimentOptions): Promise<ExperimentOutcome> {
  const runs = recordsByKey(exp, opts.have ?? []);
  let done = 0;
  let total = 0;
  const onResult = (record: RunRecord) => {
    if (record.experiment !== exp.hash) throw new Error(`a result of another experiment (${record.experiment}) came back for ${exp.hash}`);
    if (runs.has(runKey(record))) return;
    runs.set(runKey(record), record);
    done++;
    opts.onProgress?.({ done, total, record });
  };
  if (opts.shard) {
    const jobs = shardRuns(planRuns(exp, allSeeds(exp)), opts.shard.index, opts.shard.count).filter((j) => !runs.has(runKey(j)));
    total = jobs.length;
    opts.onProgress?.({ done, total });
    await opts.executor.execute(jobs, onResult);
    return { records: sortRecords(exp, runs.values()), report: null };
  }
  for (;;) {
    const cov = coverage(exp, runs);
    if (cov.state === 'complete') break;
    total += cov.missing.length;
    opts.onProgress?.({ done, total });
    await opts.executor.execute(cov.missing, onResult);
    const still = cov.missing.filter((j) => !runs.has(runKey(j)));
    if (still.length > 0) throw new Error(`the executor finished without a result for ${still.length} run${still.length === 1 ? '' : 's'} (first: variant ${still[0]!.variant}, seed ${still[0]!.seed})`);
  }
  const built = buildReport(exp, runs.values());
  if (!built.ok) throw new Error('coverage said complete but the report lacks runs'); // unreachable: both read the same map
  return { records: sortRecords(exp, runs.values()), report: built.report };
}

/**
 * An executor that runs jobs in this thread, `concurrency` at a time (a run that awaits a
 * model lets another start). `run` makes one record.
 */
export function inProcessExecutor(run: (job: RunJob) => Promise<RunRecord>, concurrency = 1): RunExecutor {
  return {
    async execute(jobs, onResult) {
      let next = 0;
      const lane = async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          onResult(await run(job));
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, lane));
    },
  };
}
