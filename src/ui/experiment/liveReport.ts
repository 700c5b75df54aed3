/**
 * The report while runs stream in (or after a Cancel): the kernel's own report once every run
 * it needs is there (buildReport: the same bytes as `harness experiment --json`), and before
 * that the kernel's summaries and paired comparisons over the runs done so far, marked partial.
 */
import { buildReport, compare, comparedPairs, recordsByKey, summarize, type Comparison, type Experiment, type ExperimentReport, type MetricSummary, type RunRecord, type VariantReport } from '../../kernel';

/** A report and whether it covers every run the experiment needs. */
export interface LiveReport {
  report: ExperimentReport;
  complete: boolean;
}

/** The report of `records` so far. */
export function liveReport(exp: Experiment, records: readonly RunRecord[]): LiveReport {
  const built = buildReport(exp, records);
  if (built.ok) return { report: built.report, complete: true };
  const runs = recordsByKey(exp, records);
  const seeds = [...new Set([...runs.values()].map((r) => r.seed))].sort((a, b) => a - b);
  const variants: VariantReport[] = exp.file.variants.map((v) => {
    const mine = [...runs.values()].filter((r) => r.variant === v.id);
    const metrics: Record<string, MetricSummary> = {};
    for (const m of exp.metrics) metrics[m.id] = summarize(exp, m, mine, `${v.id}|${m.id}`);
    return { id: v.id, name: v.name ?? v.id, runs: mine.length, metrics };
  });
  const comparisons: Comparison[] = [];
  for (const [a, b] of comparedPairs(exp)) for (const m of exp.metrics) if (m.shape !== 'counts') comparisons.push(compare(exp, m, a, b, runs, seeds));
  return {
    complete: false,
    report: {
      experiment: {
        name: exp.file.name,
        hash: exp.hash,
        confidence: exp.file.confidence,
        runs: runs.size,
        seeds: { from: seeds[0] ?? 0, count: seeds.length },
        inputs: exp.inputs.length,
        variants: [...exp.variants],
        metrics: exp.metrics.map((m) => m.id),
      },
      variants,
      comparisons,
      expectations: [],
      holds: false,
    },
  };
}
