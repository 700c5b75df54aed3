/**
 * The report as tables: per variant the runs, each pass rate with its Wilson interval, each mean
 * with its bootstrap interval and each stop-reason count; the paired comparisons with the
 * kernel's verdict in words; the expectations once every run is in. Exports as CSV and JSON.
 */
import type { Comparison, Experiment, ExperimentReport, MetricSummary } from '../../kernel';
import { formatNumber } from '../../kernel';
import { downloadCsv, downloadJson, summaryRows } from './exportFiles';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** One summary as a cell's text, e.g. "26/40 · 65.0% [49.5%, 77.9%]" or "0.0123 [0.0101, 0.0150]". */
export function summaryText(s: MetricSummary | undefined): string {
  if (!s || s.n === 0) return '—';
  if (s.shape === 'rate') return `${s.passed}/${s.n} · ${pct(s.rate ?? 0)} [${pct(s.interval[0])}, ${pct(s.interval[1])}]`;
  if (s.shape === 'mean') return s.mean === null ? '—' : `${formatNumber(s.mean)}${s.interval ? ` [${formatNumber(s.interval[0])}, ${formatNumber(s.interval[1])}]` : ''}`;
  return Object.entries(s.counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(' · ');
}

/** `onPick(variant, failingOnly)`: a cell lists its runs (a rate's cell: the failing ones). */
export function SummaryTable({ exp, report, onPick }: { exp: Experiment; report: ExperimentReport; onPick(variant: string, failingOnly: boolean): void }) {
  const conf = `${Math.round(report.experiment.confidence * 100)}%`;
  return (
    <table className="ex-table" data-testid="exp-summary">
      <caption>
        Per variant ({conf} intervals: Wilson for rates, seeded bootstrap for means)
        <span className="ex-table__actions">
          <button type="button" className="hs-btn hs-btn--small" onClick={() => downloadCsv('experiment-summary.csv', summaryRows(report))} data-testid="export-summary-csv">
            CSV
          </button>
          <button type="button" className="hs-btn hs-btn--small" onClick={() => downloadJson('experiment-report.json', report)} data-testid="export-summary-json">
            JSON
          </button>
        </span>
      </caption>
      <thead>
        <tr>
          <th scope="col">variant</th>
          <th scope="col">runs</th>
          {exp.metrics.map((m) => (
            <th key={m.id} scope="col" title={`${m.id}${m.better ? ` (${m.better} is better)` : ''}`}>
              {m.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.variants.map((v) => (
          <tr key={v.id} data-testid={`exp-variant-${v.id}`}>
            <th scope="row" title={v.name}>
              {v.id}
            </th>
            <td>{v.runs}</td>
            {exp.metrics.map((m) => {
              const s = v.metrics[m.id];
              return (
                <td key={m.id} data-testid={`exp-cell-${v.id}-${m.id}`} data-shape={s?.shape} {...(s?.shape === 'rate' ? { 'data-interval': s.interval.join(',') } : {})}>
                  <button type="button" className="ex-cell" onClick={() => onPick(v.id, s?.shape === 'rate')} title={s?.shape === 'rate' ? `List ${v.id}'s failing runs (each opens in the debugger)` : `List ${v.id}'s runs`}>
                    {summaryText(s)}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function testText(c: Comparison): string {
  if (c.test === 'mcnemar') return `McNemar (${c.method}): ${c.onlyA} only ${c.a}, ${c.onlyB} only ${c.b}, p = ${c.p !== undefined ? formatNumber(c.p) : '—'}`;
  return `paired bootstrap: ${c.interval ? `[${formatNumber(c.interval[0])}, ${formatNumber(c.interval[1])}]` : 'no pairs'}`;
}

/** The verdict comes before the test that backs it, and both wrap: at 1280px the one-line test (McNemar's counts) pushed the verdict out of view. */
export function ComparisonsTable({ report }: { report: ExperimentReport }) {
  if (report.comparisons.length === 0) return null;
  return (
    <table className="ex-table" data-testid="exp-comparisons">
      <caption>Paired comparisons (same seeds and inputs)</caption>
      <thead>
        <tr>
          <th scope="col">b vs a</th>
          <th scope="col">metric</th>
          <th scope="col">pairs</th>
          <th scope="col">difference b − a</th>
          <th scope="col">verdict</th>
          <th scope="col">test</th>
        </tr>
      </thead>
      <tbody>
        {report.comparisons.map((c) => (
          <tr key={`${c.a}|${c.b}|${c.metric}`} data-testid={`exp-comparison-${c.metric}`} data-better={c.better ?? ''}>
            <th scope="row">
              {c.b} vs {c.a}
            </th>
            <td>{c.metric}</td>
            <td>{c.pairs}</td>
            <td>{c.difference === null ? '—' : formatNumber(c.difference)}</td>
            <td className={c.better ? 'ex-verdict is-decided' : 'ex-verdict'}>{c.verdict}</td>
            <td className="ex-test">{testText(c)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExpectationsList({ report }: { report: ExperimentReport }) {
  if (report.expectations.length === 0) return null;
  return (
    <ul className="ex-expectations" data-testid="exp-expectations">
      {report.expectations.map((e, i) => (
        <li key={i} data-holds={e.holds}>
          <strong>{e.holds ? 'Holds' : 'Does not hold'}</strong>: {e.because}
        </li>
      ))}
    </ul>
  );
}
