/**
 * The injection suite's per-harness matrix: one row per harness (carrier · sink · hop), one cell
 * per defence setting with the runs whose attack landed and whose goals were met. Built once per
 * report (the worker's per-run results); the table renders it as it is.
 */
import type { SuiteReport } from '../../bridge/api';
import type { Defence } from '../../kernel';

export interface MatrixCell {
  runs: number;
  /** Runs in which the attack landed. */
  attacks: number;
  /** Runs whose goals were all met. */
  utility: number;
}

export interface MatrixRow {
  file: string;
  carrier: string;
  sink: string;
  hop: string;
  /** Per defence setting; a setting with no run yet (cancelled) has none. */
  cells: Partial<Record<Defence, MatrixCell>>;
}

/** Rows in suite.json's order, columns in the report's defence order. */
export function suiteMatrix(report: SuiteReport): MatrixRow[] {
  const rows = new Map<string, MatrixRow>(report.entries.map((e) => [e.file, { file: e.file, carrier: e.carrier, sink: e.sink, hop: e.hop, cells: {} }]));
  for (const r of report.results) {
    const row = rows.get(r.file);
    if (!row) continue;
    const cell = (row.cells[r.defence] ??= { runs: 0, attacks: 0, utility: 0 });
    cell.runs++;
    if (r.attack) cell.attacks++;
    if (r.utility) cell.utility++;
  }
  return [...rows.values()];
}
