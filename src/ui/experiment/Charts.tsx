/**
 * The experiment's charts, plain SVG in the dark theme's colours: a forest plot of a pass rate
 * per variant with its interval, distributions of a number (cost, steps) per variant, cost
 * against pass rate per variant, and retention per hop. Each exports as SVG or PNG.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { ExperimentReport, Metric, MetricSummary, RunRecord } from '../../kernel';
import { downloadPng, downloadSvg } from './exportFiles';

/** A colour per variant, in file order. */
export const VARIANT_COLOURS = ['var(--accent)', 'var(--tool)', 'var(--model)', 'var(--store)', 'var(--group)', 'var(--warn)'];
export const colourOf = (i: number): string => VARIANT_COLOURS[i % VARIANT_COLOURS.length]!;

const W = 520;
const LABEL_W = 150;
const PAD = 12;

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const short = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toPrecision(3) : x === 0 ? '0' : x.toPrecision(2));

function ChartFrame({ id, title, height, children, note }: { id: string; title: string; height: number; children: ReactNode; note?: string }) {
  const svg = useRef<SVGSVGElement>(null);
  const [error, setError] = useState<string | null>(null);
  const file = `${id}`;
  return (
    <figure className="ex-chart" data-testid={`chart-${id}`}>
      <figcaption>
        <span>{title}</span>
        <span className="ex-chart__actions">
          <button type="button" className="hs-btn hs-btn--small" onClick={() => svg.current && downloadSvg(`${file}.svg`, svg.current)} data-testid={`chart-${id}-svg`}>
            SVG
          </button>
          <button type="button" className="hs-btn hs-btn--small" onClick={() => svg.current && downloadPng(`${file}.png`, svg.current).catch((e: unknown) => setError(String(e)))} data-testid={`chart-${id}-png`}>
            PNG
          </button>
        </span>
      </figcaption>
      <svg ref={svg} viewBox={`0 0 ${W} ${height}`} width={W} height={height} role="img" aria-label={title} fontFamily="system-ui, sans-serif" fontSize="11">
        <rect x="0" y="0" width={W} height={height} fill="var(--bg-1)" />
        {children}
      </svg>
      {note && <p className="ex-chart__note">{note}</p>}
      {error && <p className="ex-error">{error}</p>}
    </figure>
  );
}

/** An x axis from lo to hi with ticks, at y. */
function XAxis({ x0, x1, y, lo, hi, ticks, format }: { x0: number; x1: number; y: number; lo: number; hi: number; ticks: number[]; format(v: number): string }) {
  const sx = (v: number) => x0 + ((v - lo) / (hi - lo || 1)) * (x1 - x0);
  return (
    <g>
      <line x1={x0} x2={x1} y1={y} y2={y} stroke="var(--line-2)" />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={sx(t)} x2={sx(t)} y1={PAD} y2={y} stroke="var(--line)" strokeDasharray="2 3" />
          <text x={sx(t)} y={y + 13} fill="var(--dim)" textAnchor="middle">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Forest plot: each variant's pass rate as a dot on its Wilson interval bar. */
export function ForestPlot({ report, metric }: { report: ExperimentReport; metric: Metric }) {
  const rows = report.variants.map((v, i) => ({ v, i, s: v.metrics[metric.id] as MetricSummary | undefined }));
  const rowH = 26;
  const height = PAD * 2 + rows.length * rowH + 18;
  const x0 = LABEL_W;
  const x1 = W - PAD - 90;
  const sx = (x: number) => x0 + x * (x1 - x0);
  const axisY = PAD + rows.length * rowH;
  return (
    <ChartFrame id="forest" title={`${metric.name}: rate per variant with its ${pct(report.experiment.confidence).replace('.0', '')} Wilson interval`} height={height}>
      <XAxis x0={x0} x1={x1} y={axisY} lo={0} hi={1} ticks={[0, 0.25, 0.5, 0.75, 1]} format={(t) => `${t * 100}%`} />
      {rows.map(({ v, i, s }, r) => {
        const y = PAD + r * rowH + rowH / 2;
        const ok = s?.shape === 'rate' && s.rate !== null;
        return (
          <g key={v.id} data-testid={`forest-row-${v.id}`} data-rate={ok ? s.rate : ''} data-interval={ok ? s.interval.join(',') : ''}>
            <text x={PAD} y={y + 4} fill="var(--fg)">
              {v.id.length > 22 ? `${v.id.slice(0, 21)}…` : v.id}
            </text>
            {ok && (
              <>
                <line x1={sx(s.interval[0])} x2={sx(s.interval[1])} y1={y} y2={y} stroke={colourOf(i)} strokeWidth="3" strokeLinecap="round" />
                <line x1={sx(s.interval[0])} x2={sx(s.interval[0])} y1={y - 5} y2={y + 5} stroke={colourOf(i)} />
                <line x1={sx(s.interval[1])} x2={sx(s.interval[1])} y1={y - 5} y2={y + 5} stroke={colourOf(i)} />
                <circle cx={sx(s.rate!)} cy={y} r="5" fill={colourOf(i)} stroke="var(--bg-1)" strokeWidth="1.5" />
                <text x={x1 + 8} y={y + 4} fill="var(--dim)">
                  {s.passed}/{s.n} · {pct(s.rate!)}
                </text>
              </>
            )}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** Each run's value of a number per variant, as dots along a line, with the mean marked. */
export function Distribution({ report, records, metric }: { report: ExperimentReport; records: readonly RunRecord[]; metric: Metric }) {
  const byVariant = report.variants.map((v) => records.filter((r) => r.variant === v.id).map((r) => r.values[metric.id]).filter((x): x is number => typeof x === 'number'));
  const all = byVariant.flat();
  const lo = all.length ? Math.min(...all) : 0;
  const hiRaw = all.length ? Math.max(...all) : 1;
  const hi = hiRaw === lo ? lo + 1 : hiRaw;
  const rowH = 34;
  const height = PAD * 2 + byVariant.length * rowH + 18;
  const x0 = LABEL_W;
  const x1 = W - PAD - 10;
  const sx = (x: number) => x0 + ((x - lo) / (hi - lo)) * (x1 - x0);
  const axisY = PAD + byVariant.length * rowH;
  const ticks = [lo, lo + (hi - lo) / 2, hi];
  return (
    <ChartFrame id={`dist-${metric.id}`} title={`${metric.name}: every run per variant (bar: mean)`} height={height}>
      <XAxis x0={x0} x1={x1} y={axisY} lo={lo} hi={hi} ticks={ticks} format={short} />
      {byVariant.map((vals, i) => {
        const y = PAD + i * rowH + rowH / 2;
        // Equal values stack upward, so a pile shows how many runs share it.
        const seen = new Map<number, number>();
        const mean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
        return (
          <g key={report.variants[i]!.id}>
            <text x={PAD} y={y + 4} fill="var(--fg)">
              {report.variants[i]!.id}
            </text>
            {vals.map((x, k) => {
              const px = Math.round(sx(x));
              const n = seen.get(px) ?? 0;
              seen.set(px, n + 1);
              return <circle key={k} cx={px} cy={y + 8 - Math.min(n, 8) * 3} r="2.4" fill={colourOf(i)} opacity="0.75" />;
            })}
            {mean !== null && <line x1={sx(mean)} x2={sx(mean)} y1={y - 14} y2={y + 12} stroke="var(--fg)" strokeWidth="2" />}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** Each variant at (mean cost, pass rate), with both intervals as cross bars. */
export function CostVsPass({ report, pass, cost }: { report: ExperimentReport; pass: Metric; cost: Metric }) {
  const pts = report.variants.map((v, i) => ({ v, i, p: v.metrics[pass.id], c: v.metrics[cost.id] }));
  const costs = pts.flatMap(({ c }) => (c?.shape === 'mean' && c.interval ? [c.interval[0], c.interval[1]] : []));
  const lo = costs.length ? Math.min(...costs) : 0;
  const hiRaw = costs.length ? Math.max(...costs) : 1;
  const hi = hiRaw === lo ? lo + (lo || 1) * 0.1 : hiRaw;
  const height = 220;
  const x0 = 60;
  const x1 = W - 140;
  const y0 = height - 30;
  const y1 = PAD;
  const sx = (x: number) => x0 + ((x - lo) / (hi - lo)) * (x1 - x0);
  const sy = (y: number) => y0 - y * (y0 - y1);
  return (
    <ChartFrame id="cost-vs-pass" title={`${pass.name} against mean ${cost.name} per variant`} height={height}>
      <XAxis x0={x0} x1={x1} y={y0} lo={lo} hi={hi} ticks={[lo, (lo + hi) / 2, hi]} format={(t) => `$${short(t)}`} />
      {[0, 0.5, 1].map((t) => (
        <text key={t} x={x0 - 6} y={sy(t) + 4} fill="var(--dim)" textAnchor="end">
          {t * 100}%
        </text>
      ))}
      {pts.map(({ v, i, p, c }) => {
        if (p?.shape !== 'rate' || p.rate === null || c?.shape !== 'mean' || c.mean === null || !c.interval) return null;
        const x = sx(c.mean);
        const y = sy(p.rate);
        return (
          <g key={v.id} data-testid={`cost-pass-${v.id}`}>
            <line x1={sx(c.interval[0])} x2={sx(c.interval[1])} y1={y} y2={y} stroke={colourOf(i)} />
            <line x1={x} x2={x} y1={sy(p.interval[0])} y2={sy(p.interval[1])} stroke={colourOf(i)} />
            <circle cx={x} cy={y} r="5" fill={colourOf(i)} />
            <text x={x1 + 12} y={PAD + 14 + i * 16} fill={colourOf(i)}>
              ● {v.id}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** Mean retention at each hop (one retention metric a hop, in file order) per variant, with intervals. */
export function RetentionPerHop({ report, hops }: { report: ExperimentReport; hops: readonly Metric[] }) {
  const height = 220;
  const x0 = 60;
  const x1 = W - 140;
  const y0 = height - 30;
  const y1 = PAD;
  const sx = (h: number) => x0 + (hops.length <= 1 ? 0.5 : h / (hops.length - 1)) * (x1 - x0);
  const sy = (y: number) => y0 - y * (y0 - y1);
  return (
    <ChartFrame id="retention" title="Fact retention per hop (mean, with its bootstrap interval)" height={height}>
      <line x1={x0} x2={x1} y1={y0} y2={y0} stroke="var(--line-2)" />
      {hops.map((h, k) => (
        <text key={h.id} x={sx(k)} y={y0 + 14} fill="var(--dim)" textAnchor="middle">
          {h.id}
        </text>
      ))}
      {[0, 0.5, 1].map((t) => (
        <text key={t} x={x0 - 6} y={sy(t) + 4} fill="var(--dim)" textAnchor="end">
          {t * 100}%
        </text>
      ))}
      {report.variants.map((v, i) => {
        const pts = hops.map((h, k) => ({ k, s: v.metrics[h.id] })).filter((p) => p.s?.shape === 'mean' && p.s.mean !== null);
        const path = pts.map((p, n) => `${n ? 'L' : 'M'}${sx(p.k)},${sy((p.s as { mean: number }).mean)}`).join(' ');
        return (
          <g key={v.id} data-testid={`retention-${v.id}`}>
            <path d={path} fill="none" stroke={colourOf(i)} strokeWidth="2" />
            {pts.map((p) => {
              const s = p.s as { mean: number; interval: [number, number] | null };
              return (
                <g key={p.k}>
                  {s.interval && <line x1={sx(p.k) + i * 4} x2={sx(p.k) + i * 4} y1={sy(s.interval[0])} y2={sy(s.interval[1])} stroke={colourOf(i)} />}
                  <circle cx={sx(p.k)} cy={sy(s.mean)} r="4" fill={colourOf(i)} />
                </g>
              );
            })}
            <text x={x1 + 12} y={PAD + 14 + i * 16} fill={colourOf(i)}>
              ● {v.id}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
