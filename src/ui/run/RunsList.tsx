import { memo, useMemo, useState, type MouseEvent } from 'react';
import { useStudio } from '../../store';
import type { RunMeta } from '../../bridge/api';
import { stopTone } from './format';
import { deleteRun, forkAtHead, labelRun, resume, selectRun } from './runController';
import { exportRunTrace } from './traceFile';
import { useFixedRows } from './useFixedRows';

/** Past this many runs the list is windowed: rows of one pinned height (run.css), only those in view exist. */
const WINDOW_FROM = 60;
const RUN_ROW = 92;

const shortId = (id: string) => id.slice(0, 8);

/** The run's name as the person types it: Enter saves (blank unnames), Escape gives up. */
function RunNameInput({ run, onDone }: { run: RunMeta; onDone(): void }) {
  const [text, setText] = useState(run.name ?? '');
  return (
    <input
      data-testid="run-name-input"
      aria-label={`Name of run ${shortId(run.id)}`}
      autoFocus
      value={text}
      placeholder="name this run"
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') {
          void labelRun(run.id, { name: text });
          onDone();
        } else if (e.key === 'Escape') onDone();
      }}
      onBlur={onDone}
    />
  );
}

const RunItem = memo(function RunItem({ run, selected, top }: { run: RunMeta; selected: boolean; top?: number }) {
  const stop = (e: MouseEvent) => e.stopPropagation();
  const [naming, setNaming] = useState(false);
  return (
    <li
      className={top === undefined ? undefined : 'is-fixed'}
      style={top === undefined ? undefined : { transform: `translateY(${top}px)` }}
      data-testid="run-item"
      data-run={run.id}
      data-status={run.status}
      role="option"
      aria-selected={selected}
      title={`${run.harness} · created ${new Date(run.createdAt).toLocaleString()}`}
      onClick={() => {
        if (!selected) void selectRun(run.id);
      }}
    >
      <div className="rp-line">
        <span className="rp-badge" data-status={run.status} data-tone={run.status === 'stopped' ? stopTone(run.stopReason) : undefined}>{run.status}</span>
        {naming ? <RunNameInput run={run} onDone={() => setNaming(false)} /> : run.name ? <strong data-testid="run-name">{run.name}</strong> : null}
        <span>{shortId(run.id)}</span>
        {/* One group, so at the column's 200px it wraps whole to its own line instead of clipping Delete. */}
        <span className="rp-run-actions">
          <button
            type="button"
            data-testid="run-rename"
            title="Name this run"
            aria-label={`Name run ${shortId(run.id)}`}
            onClick={(e) => {
              stop(e);
              setNaming(true);
            }}
          >
            ✎
          </button>
          <button
            type="button"
            data-testid="run-pin"
            aria-pressed={run.pinned === true}
            title={run.pinned ? 'Unpin this run' : 'Pin this run to the top of the list'}
            aria-label={`${run.pinned ? 'Unpin' : 'Pin'} run ${shortId(run.id)}`}
            onClick={(e) => {
              stop(e);
              void labelRun(run.id, { pinned: !run.pinned });
            }}
          >
            {run.pinned ? '★' : '☆'}
          </button>
          <button
            type="button"
            data-testid="run-export-trace"
            title="Download this run's trace as JSONL (declared secrets redacted; what the document's allocator classes keep out of files withheld)"
            aria-label={`Download the trace of run ${shortId(run.id)}`}
            onClick={(e) => {
              stop(e);
              void exportRunTrace(run.id, false).catch((err: unknown) => useStudio.getState().notify({ level: 'error', message: `Could not export the trace: ${err instanceof Error ? err.message : String(err)}` }));
            }}
          >
            ⤓
          </button>
          <button
            type="button"
            data-testid="run-delete"
            title="Delete this run and its events"
            aria-label={`Delete run ${shortId(run.id)}`}
            onClick={(e) => {
              stop(e);
              if (window.confirm(`Delete run ${shortId(run.id)} and its ${run.head + 1} events?`)) void deleteRun(run.id);
            }}
          >
            ✕
          </button>
        </span>
      </div>
      <div className="rp-sub">
        seed {run.seed} · head {run.head}
        {run.stopReason ? ` · ${run.stopReason}` : ''}
      </div>
      {run.parent && (
        <div className="rp-sub" data-testid="run-parent">
          forked from {shortId(run.parent.run)} @ {run.parent.seq}
        </div>
      )}
      {run.status === 'interrupted' && (
        <div className="rp-line">
          <button type="button" data-testid="run-resume" title="Reopen this run from its last committed events" onClick={(e) => { stop(e); void resume(run.id); }}>
            Resume
          </button>
          <button type="button" data-testid="run-fork" title="Fork a new run from its last event, with the current document" onClick={(e) => { stop(e); void forkAtHead(run.id); }}>
            Fork
          </button>
        </div>
      )}
    </li>
  );
});

/** The open project's runs, pinned ones first, then newest first: name, status, seed, parent, head. Click one to inspect it. */
export function RunsList() {
  const all = useStudio((s) => s.runs);
  const runs = useMemo(() => [...all.filter((r) => r.pinned), ...all.filter((r) => !r.pinned)], [all]);
  const runId = useStudio((s) => s.runId);
  const windowed = runs.length > WINDOW_FROM;
  const rows = useFixedRows<HTMLDivElement>(windowed ? runs.length : 0, RUN_ROW, windowed ? runs.findIndex((r) => r.id === runId) : -1, 4);
  return (
    <div className="rp-section rp-grow">
      <div className="rp-head">Runs ({runs.length})</div>
      <div className="rp-scroll" ref={rows.ref} data-testid="runs-scroll" data-rows={runs.length}>
        {runs.length === 0 ? (
          <div className="rp-empty">No runs yet.</div>
        ) : windowed ? (
          <ul className="rp-list is-windowed" data-testid="runs-list" role="listbox" aria-label="Runs" style={{ height: rows.total }}>
            {runs.slice(rows.start, rows.end).map((r, i) => (
              <RunItem key={r.id} run={r} selected={r.id === runId} top={(rows.start + i) * RUN_ROW} />
            ))}
          </ul>
        ) : (
          <ul className="rp-list" data-testid="runs-list" role="listbox" aria-label="Runs">
            {runs.map((r) => (
              <RunItem key={r.id} run={r} selected={r.id === runId} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
