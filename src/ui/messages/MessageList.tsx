import { useMemo, type KeyboardEvent } from 'react';
import { formatVt } from '../run/format';
import { lastState, stateName, type SequenceModel } from './sequence';
import { messageRowText } from './sequenceLayout';

/** The list holds the latest messages up to the cursor, at most this many (the diagram has them all): a bounded page whatever the run. */
export const MAX_LISTED = 200;

/** Moves focus to the previous or next row's button on ArrowUp / ArrowDown. */
function onRowKey(e: KeyboardEvent<HTMLButtonElement>): void {
  if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
  const li = e.currentTarget.parentElement;
  const next = e.key === 'ArrowUp' ? li?.previousElementSibling : li?.nextElementSibling;
  const button = next?.querySelector('button');
  if (!button) return;
  e.preventDefault();
  button.focus();
}

/**
 * The diagram's messages as a list, for keyboards, screen readers and tests: hidden until a
 * row has focus, then shown over the diagram. Enter (or a click) selects a message's event.
 */
export function MessageList({ model, activeSeq, onSelect }: { model: SequenceModel; activeSeq: number; onSelect(seq: number): void }) {
  const states = useMemo(() => new Map(model.tasks.map((t) => [t.task, lastState(t)])), [model.tasks]);
  const from = Math.max(0, model.messages.length - MAX_LISTED);
  const shown = model.messages.slice(from);
  return (
    <div className="mg-list">
      <div className="rp-head">
        Messages · {model.messages.length}
        {from > 0 && <span className="mg-dim"> · the last {MAX_LISTED} listed</span>}
      </div>
      <ul role="list" aria-label="Messages up to the cursor" data-testid="message-list">
        {shown.length === 0 && <li role="listitem" className="rp-empty">No message before the cursor.</li>}
        {shown.map((m) => {
          const mark = m.task === null ? null : (states.get(m.task) ?? null);
          const row = messageRowText(m, mark ? stateName(mark.state) : null);
          return (
            <li key={m.seq} role="listitem" data-testid={`message-row-${m.seq}`} data-denied={m.denied !== undefined || undefined}>
              <button type="button" aria-current={m.seq === activeSeq || undefined} onClick={() => onSelect(m.seq)} onKeyDown={onRowKey}>
                <span className="mg-seq">#{m.seq}</span>
                <span className="mg-t">{formatVt(m.tSent)}</span>
                <span className="mg-route">{row.route}</span>
                <span className="mg-text">{row.text}</span>
                {row.task && <span className="mg-task">{row.task}</span>}
                {row.retention && <span className="mg-ret" data-lost={(m.retained?.lost.length ?? 0) > 0 || undefined}>{row.retention}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
