import { formatCost, formatTokens, formatVt } from '../run/format';
import type { Gauge, HarnessTotals, Meter } from './budgets';
import { untilText } from './timeline';

function Bar({ m, label, format }: { m: Meter; label: string; format(n: number): string }) {
  const pct = m.ratio === null ? 0 : Math.min(100, m.ratio * 100);
  return (
    <div className="sv-meter" data-level={m.level} title={m.ratio === null ? `${label}: ${format(m.used)} used, no quota` : `${label}: ${format(m.used)} of ${format(m.quota!)} (${Math.round(m.ratio * 100)}%)`}>
      <span className="sv-meter-label">{label}</span>
      <span className="sv-meter-bar" data-unlimited={m.quota === null || undefined}>
        <i style={{ width: `${pct}%` }} />
      </span>
      <span className="sv-meter-num">
        {format(m.used)}
        {m.quota !== null ? ` / ${format(m.quota)}` : ' / ∞'}
      </span>
    </div>
  );
}

/** Harness totals, then each budget group's use of its quotas in the current period, as a tree. */
export function BudgetGauges({ gauges, totals }: { gauges: Gauge[]; totals: HarnessTotals | null }) {
  return (
    <>
      {totals && (
        <div className="sv-gauge" data-testid="budget-totals">
          <div className="sv-gauge-head">
            <span className="sv-model">harness</span>
            <span className="rp-dim">{formatTokens(totals.tokensIn)} in · {formatTokens(totals.tokensOut)} out · limits from the document</span>
          </div>
          <Bar m={totals.tokens} label="tokens" format={formatTokens} />
          <Bar m={totals.cost} label="cost" format={formatCost} />
        </div>
      )}
      {gauges.length === 0 && <div className="rp-empty">No budget groups. Add one from the editor palette (Group).</div>}
      {gauges.map((g) => (
        <div key={g.id} className="sv-gauge" data-testid="budget-gauge" data-group={g.id} data-throttled={g.throttled || undefined} style={{ paddingLeft: 8 + g.depth * 12 }}>
          <div className="sv-gauge-head">
            <span className="sv-model">{g.name}</span>
            {g.name !== g.id && <span className="rp-dim">{g.id}</span>}
            <span className="rp-dim">w {g.weight}</span>
            <span className="rp-dim">
              {g.periodMs === null ? 'per run' : `period ${formatVt(g.periodMs)}${g.periodLeftMs !== null ? `, ${formatVt(g.periodLeftMs)} left` : ''}`}
            </span>
            {g.throttled && g.throttledUntil !== null && (
              <span className="sv-badge" data-kind="throttled">throttled until {untilText(g.throttledUntil)}</span>
            )}
          </div>
          <Bar m={g.tokens} label="tokens" format={formatTokens} />
          <Bar m={g.cost} label="cost" format={formatCost} />
          {g.members.length > 0 && <div className="sv-members rp-dim">agents: {g.members.join(', ')}</div>}
        </div>
      ))}
    </>
  );
}
