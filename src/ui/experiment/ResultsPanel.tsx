/**
 * Run, Cancel and Resume; the progress bar (done / total, runs per second, ETA); then the report
 * as it streams in: tables, charts, every run (each opens in the debugger) and a side-by-side
 * comparison of two picked runs.
 */
import { useContext, useState } from 'react';
import type { Experiment, RunRecord } from '../../kernel';
import { CloseContext } from './closeContext';
import { CostVsPass, Distribution, ForestPlot, RetentionPerHop } from './Charts';
import { compareRuns, openRunInDebugger, showPairRun, type RunPair, type RunSource } from './openRun';
import { ComparisonsTable, ExpectationsList, SummaryTable } from './ReportTables';
import { RunPairView } from './RunPairView';
import { RunsTable, type RunsFilter } from './RunsTable';
import { CpuPicker } from './CpuPicker';
import { cpuOfRunHash } from './realCpu';
import { cancelRun, experimentOf, runSelected, session, useExperiments, type Progress } from './session';

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function ProgressLine({ p, running }: { p: Progress; running: boolean }) {
  const secs = (p.now - p.startedAt) / 1000;
  const rate = secs > 0 ? p.fresh / secs : 0;
  const left = p.total - p.done;
  return (
    <div className="ex-progress" data-testid="exp-progress" data-done={p.done} data-total={p.total}>
      <progress max={Math.max(1, p.total)} value={p.done} aria-label="Runs done" />
      <span data-testid="exp-progress-text">
        {p.done} / {p.total} runs
      </span>
      <span className="hs-muted" data-testid="exp-throughput" data-rate={rate.toFixed(1)}>
        {rate > 0 ? `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} runs/s` : ''}
      </span>
      {running && <span className="hs-muted">ETA {rate > 0 ? duration((left / rate) * 1000) : '—'}</span>}
    </div>
  );
}

function RunControls({ exp }: { exp: Experiment | null }) {
  const phase = useExperiments((s) => s.phase);
  const selected = useExperiments((s) => s.selected);
  const records = useExperiments((s) => s.records.length);
  const complete = useExperiments((s) => s.live?.complete ?? false);
  const interrupted = phase === 'idle' && selected?.status === 'running';
  const resumable = !complete && records > 0;
  return (
    <div className="ex-row ex-controls">
      {phase === 'idle' ? (
        <button type="button" className="hs-btn hs-btn--primary" disabled={!exp || complete} onClick={() => void runSelected()} data-testid="exp-run" title={complete ? 'Every run is done: runs are deterministic, so running them again gives the same records' : exp ? 'Run every run the experiment still lacks' : 'Fix the problems in the definition first'}>
          {resumable ? `Resume (${records} done)` : complete ? 'All runs done' : 'Run'}
        </button>
      ) : (
        <button type="button" className="hs-btn hs-btn--danger" disabled={phase === 'cancelling'} onClick={cancelRun} data-testid="exp-cancel">
          {phase === 'cancelling' ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      <CpuPicker />
      {interrupted && (
        <span className="ex-note" data-testid="exp-interrupted">
          Interrupted (the page was closed or reloaded) with {records} of {selected.total} runs stored: Resume runs only the rest.
        </span>
      )}
      {phase === 'idle' && selected?.status === 'cancelled' && records > 0 && !complete && (
        <span className="ex-note" data-testid="exp-cancelled">
          Cancelled with {records} runs kept: the tables show them; Resume runs the rest.
        </span>
      )}
    </div>
  );
}

/** The selected experiment's runs: on the sim (run again from the seed) or on a real CPU (opened from the traces kept with the experiment). */
function runSource(): RunSource {
  const selected = session().selected;
  return selected && cpuOfRunHash(selected.hash) !== null ? { keptIn: selected.id } : null;
}

export function ResultsPanel() {
  const prepared = useExperiments((s) => s.prepared);
  const records = useExperiments((s) => s.records);
  const live = useExperiments((s) => s.live);
  const progress = useExperiments((s) => s.progress);
  const phase = useExperiments((s) => s.phase);
  const exp = prepared?.ok ? prepared.experiment : null;
  const [pair, setPair] = useState<{ pair: RunPair; labels: [string, string] } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [filter, setFilter] = useState<RunsFilter>('all');
  const pick = (variant: string, failingOnly: boolean) => {
    setFilter(failingOnly ? `failing:${variant}` : variant);
    document.getElementById('exp-runs')?.scrollIntoView({ block: 'nearest' });
  };
  const close = useContext(CloseContext);

  const open = async (r: RunRecord) => {
    const e = experimentOf();
    if (!e) return;
    const source = runSource();
    setBusy(source ? `Opening the recorded run of ${r.variant} at seed ${r.seed} in the debugger…` : `Running ${r.variant} at seed ${r.seed} in the debugger…`);
    try {
      await openRunInDebugger(e, r, source);
      close();
    } catch (err) {
      setProblem(`Could not open the run: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };
  const comparePair = async (a: RunRecord, b: RunRecord) => {
    const e = experimentOf();
    if (!e) return;
    setBusy('Running both in the debugger to compare their traces…');
    try {
      setPair({ pair: await compareRuns(e, a, b, runSource()), labels: [`${a.variant} · seed ${a.seed}`, `${b.variant} · seed ${b.seed}`] });
    } catch (err) {
      setProblem(`Could not compare: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };

  const rate = exp?.metrics.find((m) => m.shape === 'rate');
  const cost = exp?.metrics.find((m) => m.spec.kind === 'cost');
  const numbers = exp?.metrics.filter((m) => m.spec.kind === 'cost' || m.spec.kind === 'steps') ?? [];
  const hops = exp?.metrics.filter((m) => m.spec.kind === 'retention') ?? [];
  return (
    <div className="ex-results" data-testid="exp-results">
      <RunControls exp={exp} />
      {progress && <ProgressLine p={progress} running={phase !== 'idle'} />}
      {busy && (
        <p className="ex-note" role="status">
          {busy}
        </p>
      )}
      {problem && (
        <p className="ex-error" role="alert">
          {problem}{' '}
          <button type="button" className="hs-btn hs-btn--small" onClick={() => setProblem(null)}>
            Dismiss
          </button>
        </p>
      )}
      {exp && live && (
        <>
          {!live.complete && <p className="hs-muted" data-testid="exp-partial">Partial: {records.length} runs so far. The figures below cover only those; expectations are judged when every run is in.</p>}
          <SummaryTable exp={exp} report={live.report} onPick={pick} />
          <ComparisonsTable report={live.report} />
          {live.complete && <ExpectationsList report={live.report} />}
          <div className="ex-charts">
            {rate && <ForestPlot report={live.report} metric={rate} />}
            {rate && cost && <CostVsPass report={live.report} pass={rate} cost={cost} />}
            {numbers.map((m) => (
              <Distribution key={m.id} report={live.report} records={records} metric={m} />
            ))}
            {hops.length > 0 && <RetentionPerHop report={live.report} hops={hops} />}
          </div>
          {pair && <RunPairView pair={pair.pair} labels={pair.labels} onClose={() => setPair(null)} onOpen={(w, seq) => void showPairRun(w === 'a' ? pair.pair.a.run : pair.pair.b.run, seq).then(close)} />}
          <RunsTable exp={exp} records={records} filter={filter} setFilter={setFilter} onOpen={(r) => void open(r)} onCompare={(a, b) => void comparePair(a, b)} />
        </>
      )}
      {exp && !live && phase === 'idle' && <p className="hs-muted">No runs yet: Run executes {describePlan(exp)} in parallel Web Workers.</p>}
    </div>
  );
}

function describePlan(exp: Experiment): string {
  const s = exp.file.seeds;
  const seeds = 'count' in s ? `${s.count} seeds` : `batches of ${s.batch} seeds (at most ${s.max}) until every ${s.until.metric} interval is narrower than ${s.until.width}`;
  return `${exp.variants.length} variant${exp.variants.length === 1 ? '' : 's'} × ${seeds}${exp.inputs[0] !== null ? ` × ${exp.inputs.length} inputs` : ''}`;
}
