import { useMemo } from 'react';
import { useStudio } from '../../store';
import { eventJson } from './format';

/** The full JSON of the event at the cursor, as text. */
export function EventDetail() {
  const cursor = useStudio((s) => s.cursor);
  const event = useStudio((s) => s.events[s.cursor]);
  const text = useMemo(() => (event ? eventJson(event) : ''), [event]);
  return (
    <div className="rp-section rp-grow" data-testid="event-detail">
      <div className="rp-head">
        <span>{event ? `Event ${cursor} · ${event.type}` : 'Event'}</span>
      </div>
      <div className="rp-scroll">
        {event ? <pre className="rp-pre">{text}</pre> : <div className="rp-empty">Select an event.</div>}
      </div>
    </div>
  );
}
