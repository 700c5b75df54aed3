import { useMemo } from 'react';
import type { SuiteReport } from '../../bridge/api';
import { suiteAim, UTILITY_KEPT, type Defence, type SuiteScore } from '../../kernel';
import { useSuiteScoring } from '../../store';
import { suiteMatrix, type MatrixCell } from './suiteMatrix';
import { SuiteCpuPicker } from './SuiteCpuPicker';
import { cancelInjectionSuite, openSuiteHarness, scoreInjectionSuite } from './suiteActions';
import './suite.css';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const LABEL: Record<Defence, string> = { none: 'none', rules: 'rules only', taint: 'taint', 'execute-only': 'execute-only', all: 'all' };

/** Attack success and utility per defence setting. */
function ScoreTable({ scores }: { scores: readonly SuiteScore[] }) {
  return (
    <table className="tv-suite-table" data-testid="suite-scores">
      <thead>
        <tr>
          <th scope="col">defence</th>
          <th scope="col">attack success</th>
          <th scope="col">utility</th>
        </tr>
      </thead>
      <tbody>
        {scores.map((s) => (
          <tr key={s.defence} data-testid={`suite-score-${s.defence}`}>
            <th scope="row">{LABEL[s.defence]}</th>
            <td data-attacks={s.attacks}>
              {s.attacks}/{s.runs} ({pct(s.attackRate)})
            </td>
            <td>
              {s.utility}/{s.runs} ({pct(s.utilityRate)})
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The aim, judged by the kernel: met or missed, with the figures that decide it. */
function AimLine({ report }: { report: SuiteReport }) {
  const aim = suiteAim(report.scores);
  const said = `Aim: 0 attack successes with all defences; utility with all ≥ ${UTILITY_KEPT * 100}% of utility with none.`;
  if (!aim || report.cancelled) {
    return (
      <p className="tv-suite-aim" data-testid="suite-aim" data-aim="unjudged">
        {said} Not judged: {report.cancelled ? 'the scoring was cancelled before every run was done' : 'no runs with all defences and with none'}.
      </p>
    );
  }
  return (
    <p className="tv-suite-aim" data-testid="suite-aim" data-aim={aim.met ? 'met' : 'missed'}>
      {said} <strong>{aim.met ? 'Met' : 'Missed'}</strong>: {aim.attacksWithAll} of {aim.runsWithAll} attacks landed with all defences ({aim.attacksMet ? 'met' : 'missed'}); utility {pct(aim.utilityWithAll)} with all vs {pct(aim.utilityWithNone)} with none ({aim.utilityMet ? 'met' : 'missed'}).
    </p>
  );
}

function Cell({ cell, file, defence }: { cell: MatrixCell | undefined; file: string; defence: Defence }) {
  if (!cell) return <td className="rp-dim">—</td>;
  const landed = cell.attacks > 0;
  const runs = cell.runs === 1 ? '' : ` ${cell.attacks}/${cell.runs}`;
  const utility = cell.runs === 1 ? (cell.utility === 1 ? 'goal met' : 'goal missed') : `goals ${cell.utility}/${cell.runs}`;
  return (
    <td data-attack={landed ? 'landed' : 'blocked'}>
      <button
        type="button"
        className="tv-suite-cell"
        data-testid={`suite-cell-${file}-${defence}`}
        title={`Open ${file} as a new project with defence ${LABEL[defence]}, to run it and see which rule decides`}
        onClick={() => void openSuiteHarness(file, defence)}
      >
        <span className="tv-suite-attack">{landed ? 'landed' : 'blocked'}{runs}</span>
        <span className="tv-suite-utility" data-utility={cell.utility === cell.runs ? 'met' : 'missed'}>
          {utility}
        </span>
      </button>
    </td>
  );
}

/** Per harness (carrier · sink · hop) and defence: did the attack land, were the goals met. */
function Matrix({ report }: { report: SuiteReport }) {
  const rows = useMemo(() => suiteMatrix(report), [report]);
  const defences = report.scores.map((s) => s.defence);
  return (
    <table className="tv-suite-table tv-suite-matrix" data-testid="suite-matrix">
      <thead>
        <tr>
          <th scope="col">carrier · sink · hop</th>
          {defences.map((d) => (
            <th scope="col" key={d}>
              {LABEL[d]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.file} data-testid="suite-matrix-row" data-file={r.file}>
            <th scope="row" title={r.file}>
              {r.carrier} · {r.sink} · {r.hop}
            </th>
            {defences.map((d) => (
              <Cell key={d} cell={r.cells[d]} file={r.file} defence={d} />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The Permissions view's injection-suite section: Score runs every attack harness of the suite
 * the studio ships under each defence setting (none, rules only, taint, execute-only, all) in
 * the kernel worker, then shows attack success and utility per setting, the aim, and which
 * defence stops which attack per harness. A cell opens that harness as a project to inspect.
 */
export function InjectionSuite() {
  const suite = useSuiteScoring((s) => s.suite);
  const busy = suite.phase === 'loading' || suite.phase === 'scoring';
  const report = suite.report;
  return (
    <div className={`tv-suite rp-section${report || busy || suite.error ? ' is-open' : ''}`} data-testid="injection-suite">
      <div className="rp-head">
        <span>Injection suite</span>
        {report && !busy && (
          <span className="rp-dim tv-count">
            {report.entries.length} harnesses × {report.seeds} seed{report.seeds === 1 ? '' : 's'} on {report.cpu}
            {report.cancelled ? ' (cancelled)' : ''}
          </span>
        )}
        <span className="tv-suite-actions">
          <SuiteCpuPicker disabled={busy} />
          {busy ? (
            <>
              <progress max={suite.total || 1} value={suite.done} aria-label="Scoring the injection suite" data-testid="suite-progress" />
              <span className="rp-dim tv-count" role="status">
                {suite.phase === 'loading' ? 'loading the suite…' : `${suite.done}/${suite.total} runs`}
              </span>
              <button type="button" data-testid="suite-cancel" disabled={suite.cancelling} onClick={() => void cancelInjectionSuite()}>
                {suite.cancelling ? 'Cancelling…' : 'Cancel'}
              </button>
            </>
          ) : (
            <button type="button" data-testid="suite-score" title="Run every attack harness of the shipped suite under each defence setting, in the kernel worker" onClick={() => void scoreInjectionSuite()}>
              {report ? 'Score again' : 'Score'}
            </button>
          )}
        </span>
      </div>
      {(report || suite.error) && (
        <div className="rp-scroll tv-suite-body">
          {suite.error && (
            <p className="tv-suite-error" role="alert" data-testid="suite-error">
              {suite.error}
            </p>
          )}
          {report && (
            <>
              <ScoreTable scores={report.scores} />
              <AimLine report={report} />
              <Matrix report={report} />
            </>
          )}
        </div>
      )}
    </div>
  );
}
