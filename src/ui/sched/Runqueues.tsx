import { formatVt } from '../run/format';
import { agentColor } from './drawGantt';
import type { AgentLine, ModelQueue } from './runqueues';

/** Scheduler numbers: integers as they are, fractions to 2 places, big values in k. */
export function formatStat(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100_000) return `${(n / 1000).toFixed(0)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) < 10 ? 2 : 1);
}

function statsTitle(l: AgentLine): string {
  if (!l.stats) return 'No scheduling numbers yet';
  const all = Object.entries(l.stats).map(([k, v]) => `${k} ${formatStat(v)}`).join(' · ');
  return `${all}${l.statsSeq !== null ? ` (event ${l.statsSeq})` : ''}`;
}

function Numbers({ line }: { line: AgentLine }) {
  return (
    <span className="sv-nums" title={statsTitle(line)}>
      {line.numbers.length === 0 ? <span className="rp-dim">—</span> : line.numbers.map(([k, v]) => (
        <span key={k}><b>{k}</b>{formatStat(v)}</span>
      ))}
    </span>
  );
}

function AgentRow({ line, state, slot, color }: { line: AgentLine; state: 'running' | 'waiting'; slot?: number; color: number }) {
  return (
    <tr data-testid="sched-rq-agent" data-agent={line.agent} data-class={line.class} data-state={state} data-throttled={line.throttled !== null || undefined}>
      <td className="sv-slot">{slot !== undefined ? `[${slot}]` : ''}</td>
      <td className="sv-agent">
        <i className="sv-swatch" style={{ background: agentColor(color) }} />
        {line.agent}
        {state === 'running' && <span className="rp-dim"> {line.class}</span>}
        {line.throttled && <span className="sv-badge" data-kind="throttled" title={line.throttled}>throttled</span>}
      </td>
      <td><Numbers line={line} /></td>
      <td className="num rp-dim" title={state === 'running' ? 'holding the slot for' : 'waiting for'}>{formatVt(line.ms)}</td>
    </tr>
  );
}

/** Per model: who holds each slot, then who waits, class by class in rank order. */
export function Runqueues({ queues, colorOf }: { queues: ModelQueue[]; colorOf(agent: string): number }) {
  if (queues.length === 0) return <div className="rp-empty">No state at the cursor.</div>;
  return (
    <>
      {queues.map((q) => (
        <div key={q.model} className="sv-rq" data-testid="sched-runqueue" data-model={q.model}>
          <div className="sv-rq-head">
            <span className="sv-model">{q.model}</span>
            <span className="rp-dim">
              {q.slots.filter((s) => s.holder).length}/{q.slots.length} slots busy · {q.waitingCount} waiting
              {q.bandwidth !== null && q.bandwidth > 0 ? ` · deadline bandwidth ${formatStat(q.bandwidth)} slots` : ''}
            </span>
          </div>
          <table className="rp-table sv-rq-table">
            <tbody>
              {q.slots.map((s) =>
                s.holder ? (
                  <AgentRow key={`s${s.slot}`} line={s.holder} state="running" slot={s.slot} color={colorOf(s.holder.agent)} />
                ) : (
                  <tr key={`s${s.slot}`} className="sv-free">
                    <td className="sv-slot">[{s.slot}]</td>
                    <td colSpan={3} className="rp-dim">idle</td>
                  </tr>
                ),
              )}
              {q.classes.map((c) => [
                <tr key={`c-${c.class}`} className="sv-class">
                  <td />
                  <td colSpan={3}>{c.label} · {c.waiting.length} waiting</td>
                </tr>,
                ...c.waiting.map((l) => <AgentRow key={`w-${l.agent}`} line={l} state="waiting" color={colorOf(l.agent)} />),
              ])}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}
