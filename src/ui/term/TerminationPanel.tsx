import { useMemo } from 'react';
import type { HarnessSpec, KernelEvent, KernelState } from '../../kernel';
import { formatVt } from '../run/format';
import { goalChecklist, type ConditionNode, type GoalRow } from './checklist';
import { limitRows, livelockRows } from './limits';
import { stopReport, type StopReport } from './stopReport';
import './term.css';
import { NO_EVENTS_HINT } from '../run/runActions';

export interface TerminationPanelProps {
  events: readonly KernelEvent[];
  /** seq of the debugger's cursor; -1 before any event. */
  cursor: number;
  /** Kernel state at the cursor. */
  state: KernelState | null;
  spec: HarnessSpec | null;
  onSelectEvent(seq: number): void;
}

/**
 * Why the run goes on or stopped, at the debugger's cursor: the goal checklist (each goal met or
 * not, and why, linked to its `goal.met`), the stop's reason and evidence, the limits in force
 * and the livelock thresholds. Derived once per cursor move, never per render.
 */
export function TerminationPanel({ events, cursor, state, spec, onSelectEvent }: TerminationPanelProps) {
  const rows = useMemo(() => (spec ? goalChecklist(spec, state, events, cursor) : []), [spec, state, events, cursor]);
  const stop = useMemo(() => stopReport(events, cursor), [events, cursor]);
  const limits = useMemo(() => (spec ? limitRows(state, spec.limits) : []), [spec, state]);
  const livelock = useMemo(() => (spec ? livelockRows(spec.term.livelock) : []), [spec]);
  const metCount = rows.filter((r) => r.met).length;

  return (
    <div className="tm" data-testid="termination-panel">
      <div className="rp-col">
        <div className="rp-head">
          <span>Goals @ {cursor < 0 ? '—' : cursor}</span>
          <span className="rp-spacer" />
          {rows.length > 0 && <span className="tm-dim">{metCount} / {rows.length} met</span>}
        </div>
        <div className="rp-scroll">
          {!spec ? (
            <div className="rp-empty">The document has issues: goals show once it parses.</div>
          ) : rows.length === 0 ? (
            <div className="rp-empty">No goals. Add them in the inspector (click the canvas background); the run then stops when every agent has finished.</div>
          ) : (
            <ul className="tm-goals" data-testid="goal-checklist">
              {rows.map((row) => <GoalItem key={row.id} row={row} onSelectEvent={onSelectEvent} />)}
            </ul>
          )}
        </div>
      </div>
      <div className="rp-col">
        <div className="rp-head">
          <span>Stop</span>
        </div>
        <div className="rp-scroll">
          {stop ? (
            <StopSection stop={stop} cursor={cursor} onSelectEvent={onSelectEvent} />
          ) : !state ? (
            <div className="rp-empty">{NO_EVENTS_HINT}</div>
          ) : (
            <div className="tm-running" data-testid="term-running">
              <p className="tm-reason">running — nothing has stopped it yet</p>
              {spec && <Remaining rows={rows} />}
            </div>
          )}
        </div>
      </div>
      <div className="rp-col">
        <div className="rp-head">
          <span>Limits</span>
        </div>
        <div className="rp-scroll">
          {!spec && <div className="rp-empty" data-testid="term-limits-none">The document has issues: limits show once it parses.</div>}
          {spec && (
            <>
              <table className="rp-table tm-limits" data-testid="term-limits">
                <tbody>
                  {limits.map((l) => (
                    <tr key={l.id} data-testid={`limit-${l.id}`}>
                      <td className="tm-dim">{l.label}</td>
                      <td>
                        {l.used}
                        <span className="tm-dim"> / {l.max ?? 'no limit'}</span>
                      </td>
                      <td className="tm-bar-cell">
                        {l.share !== null && (
                          <span className="tm-bar" data-full={l.share >= 1 || undefined}>
                            <i style={{ width: `${Math.round(l.share * 100)}%` }} />
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="rp-head">
                <span>Livelock detector</span>
                <span className="rp-spacer" />
                <span className="tm-dim">{spec.term.livelock.enabled ? 'on' : 'off'}</span>
              </div>
              <ul className="tm-livelock" data-testid="term-livelock">
                {livelock.map((l) => (
                  <li key={l.id} data-on={l.on}>
                    <span className="tm-livelock-label">{l.label}</span> {l.rule}
                  </li>
                ))}
              </ul>
              <p className="tm-note tm-dim">Deadlock: stops when no blocked agent can ever be woken (no knobs).</p>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

/** ✓ or ✗; `of` names what is checked for screen readers ("met", "holds"). */
function Mark({ ok, of }: { ok: boolean; of: 'met' | 'holds' }) {
  return (
    <span className="tm-mark" data-ok={ok} aria-label={ok ? of : of === 'met' ? 'not met' : 'does not hold'}>
      {ok ? '✓' : '✗'}
    </span>
  );
}

function GoalItem({ row, onSelectEvent }: { row: GoalRow; onSelectEvent(seq: number): void }) {
  const { metAt } = row;
  const parts = row.condition.children;
  return (
    <li className="tm-goal" data-testid={`goal-row-${row.id}`} data-met={row.met}>
      <div className="tm-goal-head">
        <Mark ok={row.met} of="met" />
        <span className="tm-goal-name">{row.name}</span>
        <span className="tm-dim tm-mono">{row.id}{row.scope === 'harness' ? '' : ` · ${row.scope}`}</span>
        <span className="rp-spacer" />
        {metAt !== null && (
          <button type="button" className="tm-link" data-testid={`goal-met-${row.id}`} onClick={() => onSelectEvent(metAt)} title="Show its goal.met event">
            met at #{metAt}
          </button>
        )}
      </div>
      <div className="tm-why">
        {row.met && !row.holds ? `no longer holds: ${row.why}` : !row.met && row.holds ? `holds now; the run records it next: ${row.why}` : row.why}
      </div>
      {parts.length > 0 && (
        <div className="tm-tree">
          <span className="tm-dim">{row.condition.label}:</span>
          <Conditions nodes={parts} />
        </div>
      )}
    </li>
  );
}

/** An `all` / `any` goal's parts, each with its own status; nested combinations indent. */
function Conditions({ nodes }: { nodes: readonly ConditionNode[] }) {
  return (
    <ul className="tm-conds">
      {nodes.map((n) => (
        <li key={n.path} data-testid={`condition-${n.path}`} data-holds={n.holds}>
          <Mark ok={n.holds} of="holds" />
          <span className="tm-cond-label">{n.label}</span>
          {n.children.length === 0 ? <span className="tm-dim"> — {n.why}</span> : <Conditions nodes={n.children} />}
        </li>
      ))}
    </ul>
  );
}

function StopSection({ stop, cursor, onSelectEvent }: { stop: StopReport; cursor: number; onSelectEvent(seq: number): void }) {
  return (
    <div className="tm-stop" data-testid="stop-section" data-reason={stop.reason}>
      <p className="tm-reason" data-testid="stop-reason" data-reason={stop.reason}>
        <strong>{stop.title}.</strong> {stop.sentence}
      </p>
      <p className="tm-detail">
        <button type="button" className="tm-link" onClick={() => onSelectEvent(stop.seq)} title="Show the run.stopped event">
          #{stop.seq} · {formatVt(stop.t)}
        </button>{' '}
        {stop.detail}
      </p>
      {stop.goals.length > 0 && (
        <p className="tm-detail">
          {stop.goals.map((g) => (
            <span key={g.id} className="tm-stop-goal">
              <Mark ok={g.met} of="met" /> {g.id}
            </span>
          ))}
        </p>
      )}
      <div className="rp-head">
        <span>Evidence</span>
      </div>
      <ul className="tm-evidence" data-testid="stop-evidence">
        {stop.evidence.length === 0 && <li className="rp-empty">The stop cites no events.</li>}
        {stop.evidence.map((r) => (
          <li key={r.seq}>
            <button type="button" className="tm-ev" data-testid={`evidence-${r.seq}`} aria-current={r.seq === cursor || undefined} onClick={() => onSelectEvent(r.seq)} title={r.summary}>
              <span className="tm-dim">#{r.seq}</span>
              <span className="rp-type" data-family={r.type.split('.')[0]}>{r.type}</span>
              <span className="rp-agent">{r.agent ?? ''}</span>
              <span className="tm-ev-summary">{r.summary}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Remaining({ rows }: { rows: readonly GoalRow[] }) {
  const left = rows.filter((r) => !r.met);
  if (rows.length === 0) return <p className="tm-dim">No goals: it stops when every agent has finished, or at a limit.</p>;
  if (left.length === 0) return <p className="tm-dim">Every goal is met; it stops once every agent has finished.</p>;
  return (
    <>
      <p className="tm-dim">Goals remaining:</p>
      <ul className="tm-remaining" data-testid="goals-remaining">
        {left.map((r) => <li key={r.id}>{r.name}</li>)}
      </ul>
    </>
  );
}
