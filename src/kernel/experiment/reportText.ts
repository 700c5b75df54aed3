/** The report as text for a terminal or a log: per variant its metrics, then comparisons and expectations. */
import type { ExperimentReport, MetricSummary } from './reportTypes';
import { formatNumber } from './verdict';

const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;

function summaryText(s: MetricSummary): string {
  if (s.shape === 'counts') return Object.entries(s.counts).map(([k, n]) => `${k} ${n}`).join(', ') || '—';
  if (s.shape === 'rate') {
    if (s.rate === null) return 'no runs';
    const k = s.passAtK ? Object.entries(s.passAtK).map(([key, v]) => `  pass@${key} ${v === null ? '—' : pct(v)}`).join('') : '';
    return `${s.passed}/${s.n} = ${pct(s.rate)}  [${pct(s.interval[0])}, ${pct(s.interval[1])}]${k}`;
  }
  if (s.mean === null) return 'no value';
  return `mean ${formatNumber(s.mean)}  [${formatNumber(s.interval![0])}, ${formatNumber(s.interval![1])}]${s.n ? `  (n ${s.n})` : ''}`;
}

/** A plain-text rendering of a report (the CLI prints it without --json). */
export function reportText(r: ExperimentReport): string {
  const e = r.experiment;
  const conf = `${Math.round(e.confidence * 1000) / 10}%`;
  const lines: string[] = [];
  lines.push(`${e.name} (experiment ${e.hash}): ${e.runs} runs, ${e.variants.length} variants × ${e.seeds.count} seeds from ${e.seeds.from}${e.inputs > 1 ? ` × ${e.inputs} inputs` : ''}; intervals at ${conf}`);
  const width = Math.max(...e.metrics.map((m) => m.length));
  for (const v of r.variants) {
    lines.push('', `${v.id}${v.name !== v.id ? ` — ${v.name}` : ''} (${v.runs} runs)`);
    for (const [id, s] of Object.entries(v.metrics)) lines.push(`  ${id.padEnd(width)}  ${summaryText(s)}`);
  }
  if (r.comparisons.length > 0) {
    lines.push('', 'comparisons (paired by seed and input)');
    for (const c of r.comparisons) lines.push(`  ${c.b} vs ${c.a}, ${c.metric}: ${c.verdict}`);
  }
  if (r.expectations.length > 0) {
    lines.push('', `expectations: ${r.holds ? 'all hold' : 'not all hold'}`);
    for (const x of r.expectations) lines.push(`  ${x.holds ? 'ok  ' : 'FAIL'} ${x.because}`);
  }
  return `${lines.join('\n')}\n`;
}
