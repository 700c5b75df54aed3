/**
 * Every run of the experiment, one row each, a failing one with the event where its goal failed
 * and why: open it in the debugger (at that event), or pick two to see side by side where their traces first differ.
 */
import { useMemo, useState } from 'react';
import type { Experiment, RunRecord } from '../../kernel';
import { sortRecords } from '../../kernel';
import { downloadCsv, downloadJson, runRows } from './exportFiles';

/** Rows shown at once (the filter narrows a long list). */
const SHOWN = 400;

const cell = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? 'pass' : 'fail') : typeof v === 'number' ? String(Number(v.toPrecision(4))) : String(v));

/** A record fails when one of its pass/fail metrics is false. */
export function failed(exp: Experiment, r: RunRecord): boolean {
  return exp.metrics.some((m) => m.shape === 'rate' && r.values[m.id] === false);
}

/** Which runs the table lists: all, failing ones, one variant's, or one variant's failing ones (`failing:<variant>`). */
export type RunsFilter = 'all' | 'failing' | string;

function keep(exp: Experiment, filter: RunsFilter, r: RunRecord): boolean {
  if (filter === 'all') return true;
  if (filter === 'failing') return failed(exp, r);
  if (filter.startsWith('failing:')) return r.variant === filter.slice(8) && failed(exp, r);
  return r.variant === filter;
}

export function RunsTable({ exp, records, filter, setFilter, onOpen, onCompare }: { exp: Experiment; records: readonly RunRecord[]; filter: RunsFilter; setFilter(f: RunsFilter): void; onOpen(r: RunRecord): void; onCompare(a: RunRecord, b: RunRecord): void }) {
  const [picked, setPicked] = useState<RunRecord[]>([]);
  const sorted = useMemo(() => sortRecords(exp, records), [exp, records]);
  const rows = sorted.filter((r) => keep(exp, filter, r));
  const ids = exp.metrics.map((m) => m.id);
  const key = (r: RunRecord) => `${r.variant}|${r.seed}|${r.input ?? ''}`;
  const toggle = (r: RunRecord) => setPicked((p) => (p.some((x) => key(x) === key(r)) ? p.filter((x) => key(x) !== key(r)) : [...p, r].slice(-2)));
  return (
    <div className="ex-runs" id="exp-runs">
      <div className="ex-row">
        <strong>Runs</strong>
        <select aria-label="Show runs" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="runs-filter">
          <option value="all">all ({sorted.length})</option>
          <option value="failing">failing only</option>
          {exp.variants.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
          {exp.variants.map((v) => (
            <option key={`failing:${v}`} value={`failing:${v}`}>
              {v}, failing
            </option>
          ))}
        </select>
        <button type="button" className="hs-btn hs-btn--small" disabled={picked.length !== 2} onClick={() => onCompare(picked[0]!, picked[1]!)} data-testid="compare-runs" title="Pick two runs with their checkboxes">
          Compare the two picked
        </button>
        <span className="ex-table__actions">
          <button type="button" className="hs-btn hs-btn--small" onClick={() => downloadCsv('experiment-runs.csv', runRows(sorted, ids))} data-testid="export-runs-csv">
            CSV
          </button>
          <button type="button" className="hs-btn hs-btn--small" onClick={() => downloadJson('experiment-runs.json', sorted)} data-testid="export-runs-json">
            JSON
          </button>
        </span>
      </div>
      <div className="ex-runs__scroll">
        <table className="ex-table ex-table--runs" data-testid="exp-runs">
          <thead>
            <tr>
              <th scope="col" aria-label="Pick" />
              <th scope="col">variant</th>
              <th scope="col">seed</th>
              {exp.inputs[0] !== null && <th scope="col">input</th>}
              {exp.metrics.map((m) => (
                <th key={m.id} scope="col">
                  {m.id}
                </th>
              ))}
              <th scope="col">failed at</th>
              <th scope="col">trace</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN).map((r) => {
              const bad = failed(exp, r);
              return (
                <tr key={key(r)} className={bad ? 'is-failing' : undefined} data-testid="exp-run-row" data-variant={r.variant} data-seed={r.seed} data-failing={bad}>
                  <td>
                    <input type="checkbox" aria-label={`Pick ${r.variant} seed ${r.seed}`} checked={picked.some((x) => key(x) === key(r))} onChange={() => toggle(r)} />
                  </td>
                  <td>{r.variant}</td>
                  <td>
                    <button type="button" className="ex-link" onClick={() => onOpen(r)} title="Open this run in the debugger at its failure (or its stop)" data-testid="exp-run-open">
                      {r.seed}
                    </button>
                  </td>
                  {exp.inputs[0] !== null && <td>{r.input}</td>}
                  {ids.map((id) => (
                    <td key={id} data-value={String(r.values[id])}>
                      {cell(r.values[id])}
                    </td>
                  ))}
                  <td data-testid="exp-run-failure" data-seq={r.failure?.seq} title={r.failure === undefined ? undefined : `goal ${r.failure.goal}: ${r.failure.why}`}>
                    {r.failure === undefined ? '—' : `#${r.failure.seq} ${r.failure.why}`}
                  </td>
                  <td className="hs-mono">{r.traceHash}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length > SHOWN && <p className="hs-muted">{rows.length - SHOWN} more: narrow the list with the filter, or export it.</p>}
      </div>
    </div>
  );
}
