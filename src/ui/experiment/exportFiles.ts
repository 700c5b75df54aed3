/**
 * Exports of the Experiments view: the report tables as CSV and JSON, a chart as SVG or PNG
 * (drawn from the same SVG, with the dark theme's colours resolved so the file looks as shown).
 */
import type { ExperimentReport, MetricSummary, RunRecord } from '../../kernel';
import { downloadText } from '../shared/download';

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows as CSV (RFC 4180 quoting), the header first. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One row per variant and metric: n, the value (rate or mean), its interval, or the counts. */
export function summaryRows(report: ExperimentReport): { header: string[]; rows: unknown[][] } {
  const header = ['variant', 'metric', 'shape', 'n', 'passed', 'value', 'low', 'high', 'counts'];
  const rows: unknown[][] = [];
  for (const v of report.variants)
    for (const [id, m] of Object.entries(v.metrics) as [string, MetricSummary][]) {
      if (m.shape === 'rate') rows.push([v.id, id, m.shape, m.n, m.passed, m.rate, m.interval[0], m.interval[1], '']);
      else if (m.shape === 'mean') rows.push([v.id, id, m.shape, m.n, '', m.mean, m.interval?.[0] ?? '', m.interval?.[1] ?? '', '']);
      else rows.push([v.id, id, m.shape, m.n, '', '', '', '', m.counts]);
    }
  return { header, rows };
}

/** One row per run: its job, stop, trace hash and every metric value. */
export function runRows(records: readonly RunRecord[], metrics: readonly string[]): { header: string[]; rows: unknown[][] } {
  return {
    header: ['variant', 'seed', 'input', 'stopReason', 'traceHash', ...metrics],
    rows: records.map((r) => [r.variant, r.seed, r.input ?? '', r.stopReason, r.traceHash, ...metrics.map((m) => r.values[m] ?? '')]),
  };
}

export function downloadCsv(name: string, table: { header: string[]; rows: unknown[][] }): void {
  downloadText(name, toCsv(table.header, table.rows), 'text/csv');
}

export function downloadJson(name: string, value: unknown): void {
  downloadText(name, `${JSON.stringify(value, null, 2)}\n`, 'application/json');
}

/** The chart's SVG as a standalone file: CSS variables resolved to the colours on screen, a background drawn. */
export function svgText(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const style = getComputedStyle(svg);
  const vars = ['--bg-1', '--fg', '--dim', '--line', '--line-2', '--accent', '--ok', '--danger-fg', '--warn', '--model', '--store', '--tool', '--group'];
  let text = new XMLSerializer().serializeToString(clone);
  for (const v of vars) text = text.replaceAll(`var(${v})`, style.getPropertyValue(v).trim() || '#888');
  if (!text.includes('xmlns=')) text = text.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
  return text;
}

export function downloadSvg(name: string, svg: SVGSVGElement): void {
  downloadText(name, svgText(svg), 'image/svg+xml');
}

/** The chart as a PNG at twice its size, through an image of its SVG drawn on a canvas. */
export async function downloadPng(name: string, svg: SVGSVGElement): Promise<void> {
  const { width, height } = svg.viewBox.baseVal;
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas here');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the chart could not be encoded as PNG');
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 1000);
  } finally {
    URL.revokeObjectURL(url);
  }
}
