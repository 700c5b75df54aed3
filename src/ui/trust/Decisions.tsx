import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatVt } from '../run/format';
import { authorityText, countUntil, DECISION_OUTCOMES, NO_FILTER, type DecisionFilter, type DecisionLog, type DecisionOutcome } from './decisions';
import { ShowOnCanvas } from './ShowOnCanvas';
import { TaintBadges } from './Taint';
import { NO_EVENTS_HINT } from '../run/runActions';

const ROW_HEIGHT = 22;

function FilterSelect({ label, testId, value, options, onChange }: { label: string; testId: string; value: string | null; options: readonly string[]; onChange(v: string | null): void }) {
  return (
    <select data-testid={testId} aria-label={`Filter by ${label}`} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value || null)}>
      <option value="">all {label}s</option>
      {options.map((o) => (
        <option key={o} value={o}>{o}</option>
      ))}
    </select>
  );
}

/**
 * The decision log up to the scrubber, virtualized: outcome, agent, tool, the deciding rule and
 * scope, mode, reason and taint of each decision. Click a row (or ↑/↓) to move the cursor to it;
 * "Show on canvas" selects the rule or capability that decided it in the policy editor.
 */
export function Decisions({ log, head, cursor, onPick }: { log: DecisionLog; head: number; cursor: number; onPick(seq: number): void }) {
  const [filter, setFilter] = useState<DecisionFilter>(NO_FILTER);
  const scrollRef = useRef<HTMLDivElement>(null);
  // `log` and its lists grow in place; `head` says when.
  const list = useMemo(() => log.matching(filter), [log, head, filter]);
  const count = countUntil(list, cursor);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // Keeps the last decision at or before the cursor (the last row) in view as the cursor moves.
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || count === 0) return;
    const top = (count - 1) * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [count]);

  // ↑/↓ move the cursor to the previous or next decision that passes the filter.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const last = list[count - 1];
    const prev = last && last.seq < cursor ? last : list[count - 2];
    const to = e.key === 'ArrowUp' ? prev : e.key === 'ArrowDown' ? list[count] : undefined;
    if (!to) return;
    e.preventDefault();
    onPick(to.seq);
  };

  const set = (f: Partial<DecisionFilter>) => setFilter((prev) => ({ ...prev, ...f }));
  return (
    <div className="rp-section rp-grow">
      <div className="rp-head">
        <span>Decisions @ {cursor < 0 ? '—' : cursor}</span>
        <span className="rp-dim tv-count">{count} shown</span>
        <span className="rp-spacer" />
        <FilterSelect label="agent" testId="decision-filter-agent" value={filter.agent} options={log.agents} onChange={(agent) => set({ agent })} />
        <FilterSelect label="tool" testId="decision-filter-tool" value={filter.tool} options={log.tools} onChange={(tool) => set({ tool })} />
        <FilterSelect
          label="outcome"
          testId="decision-filter-outcome"
          value={filter.outcome}
          options={DECISION_OUTCOMES}
          onChange={(outcome) => set({ outcome: outcome as DecisionOutcome | null })}
        />
      </div>
      <div ref={scrollRef} className="rp-log tv-log" data-testid="decision-log" role="list" aria-label="Decision log (↑/↓ go to the previous or next decision)" tabIndex={0} onKeyDown={onKeyDown}>
        {count === 0 ? (
          <div className="rp-empty">
            {head < 0 ? NO_EVENTS_HINT : list.length > 0 ? 'No decision before the cursor.' : log.rows.length > 0 ? 'No decision matches the filter.' : 'No trust decision in this run yet.'}
          </div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = list[item.index]!;
              const cls = ['tv-row', row.seq === cursor && 'is-cursor', row.taint.length > 0 && 'is-tainted'];
              return (
                <div
                  key={row.seq}
                  role="listitem"
                  data-testid={`decision-row-${row.seq}`}
                  data-outcome={row.outcome}
                  className={cls.filter(Boolean).join(' ')}
                  style={{ transform: `translateY(${item.start}px)` }}
                  title={`${row.type} at ${formatVt(row.t)} · hook ${row.hook}${row.callId ? ` · call ${row.callId}` : ''}`}
                  onClick={() => onPick(row.seq)}
                >
                  <span className="rp-seq">{row.seq}</span>
                  <span className="tv-outcome" data-outcome={row.outcome}>{row.outcome}</span>
                  <span className="rp-agent">{row.agent}</span>
                  <span className="tv-tool">{row.tool}</span>
                  <span className="tv-authority">{authorityText(row)}</span>
                  <span className="tv-mode">{row.mode}</span>
                  <span className="tv-reason">{row.reason}</span>
                  <span className="tv-taint-cell"><TaintBadges taint={row.taint} /></span>
                  <ShowOnCanvas row={row} />
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
