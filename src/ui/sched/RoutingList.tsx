import type { EventOf, KernelEvent } from '../../kernel';
import { formatVt } from '../run/format';
import { lastAtOrBefore } from './timeline';

const SHOWN = 50;

/** Routing decisions up to the cursor, newest first: the quality an agent's step needed, the model chosen, and why. */
export function RoutingList({ events, routed, cursor, onPick }: { events: readonly KernelEvent[]; routed: readonly number[]; cursor: number; onPick(seq: number): void }) {
  const last = lastAtOrBefore(routed, cursor);
  const seqs = routed.slice(Math.max(0, last + 1 - SHOWN), last + 1).reverse();
  if (seqs.length === 0) return <div className="rp-empty">No routing decision yet (steps that set a precision are routed).</div>;
  return (
    <ul className="sv-routes">
      {seqs.map((seq) => {
        const e = events[seq] as EventOf<'sched.routed'> | undefined;
        if (!e || e.type !== 'sched.routed') return null;
        return (
          <li key={seq}>
            <button type="button" data-testid="sched-route" data-seq={seq} className={seq === cursor ? 'is-cursor' : undefined} onClick={() => onPick(seq)} title={`Go to event ${seq}`}>
              <span className="rp-dim">{formatVt(e.t)}</span>
              <span className="sv-agent">{e.agent}</span>
              <span>
                {e.need > 0 ? `needs q≥${e.need} → ` : 'no need stated → '}
                <b>{e.model}</b>
                {e.from && e.from !== e.model ? <span className="rp-dim"> (was {e.from})</span> : null}
              </span>
              <span className="rp-text rp-dim">{e.reason}</span>
            </button>
            <div className="sv-cands">
              {e.candidates.map((c) => (
                <span key={c.model} className="sv-cand" data-ok={c.ok} data-chosen={c.model === e.model || undefined} title={`${c.model}: quality ${c.quality}, $${c.priceIn}/$${c.priceOut} per M tokens in/out${c.ok ? '' : ' — does not meet the need'}`}>
                  {c.ok ? '✓' : '✗'} {c.model} q{c.quality} ${c.priceIn}/${c.priceOut}
                </span>
              ))}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
