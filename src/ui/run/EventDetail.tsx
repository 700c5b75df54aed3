import { useMemo } from 'react';
import { useStudio } from '../../store';
import { eventJson } from './format';
import { signed, usageComparison } from './usage';

/** The full JSON of the event at the cursor, as text. */
export function EventDetail() {
  const cursor = useStudio((s) => s.cursor);
  // A windowed run may not hold the cursor's event: the worker sent it with the cursor's state.
  const event = useStudio((s) => s.events[s.cursor] ?? (s.cursorEvent?.seq === s.cursor ? s.cursorEvent : undefined));
  const text = useMemo(() => (event ? eventJson(event) : ''), [event]);
  const usage = useMemo(() => (event ? usageComparison(event) : null), [event]);
  return (
    <div className="rp-section rp-grow" data-testid="event-detail">
      <div className="rp-head">
        <span>{event ? `Event ${cursor} · ${event.type}` : 'Event'}</span>
      </div>
      {usage && (
        <div className="rp-usage" data-testid="usage-compare" title="What the provider reported (charged) beside the tokenizer's estimate (used beforehand for budgets and admission)">
          <table>
            <thead>
              <tr><th>tokens</th><th>reported</th><th>estimated</th><th>difference</th></tr>
            </thead>
            <tbody>
              {usage.map((r) => (
                <tr key={r.label} data-testid={`usage-${r.label}`} data-reported={r.reported} data-estimate={r.estimate}>
                  <th>{r.label}</th><td>{r.reported}</td><td>{r.estimate}</td><td>{signed(r.diff)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="rp-scroll">
        {event ? <pre className="rp-pre">{text}</pre> : <div className="rp-empty">Select an event.</div>}
      </div>
    </div>
  );
}
