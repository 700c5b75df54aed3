import { useMemo } from 'react';
import { useStudio } from '../../store';
import { scrubberMarkers } from './navigation';
import { PlaybackControls } from './playbackControl';

/** Half the range thumb's width in Chromium, so markers line up with the thumb's centre. */
const THUMB_HALF = 8;

/** Time-travel slider over the run: 0..head, with markers for breakpoint hits, the fork and the stop, and the play control. */
export function Scrubber() {
  const head = useStudio((s) => s.head);
  const cursor = useStudio((s) => s.cursor);
  const hits = useStudio((s) => s.hits);
  const events = useStudio((s) => s.events);
  const parentSeq = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.parent?.seq);
  const setCursor = useStudio((s) => s.setCursor);
  // `events` grows in place; `head` is what changes.
  const markers = useMemo(() => scrubberMarkers(events, hits, parentSeq), [events, hits, parentSeq, head]);
  const max = Math.max(head, 0);
  const at = (seq: number) => `calc(${THUMB_HALF}px + (100% - ${2 * THUMB_HALF}px) * ${max === 0 ? 0 : seq / max})`;
  return (
    <div className="rp-scrub">
      <PlaybackControls />
      <div className="rp-scrub-track">
        <input
          type="range"
          data-testid="scrubber"
          aria-label="Event cursor"
          title="Drag to travel through the run; views show the state after the event at the cursor"
          min={0}
          max={max}
          step={1}
          value={Math.max(cursor, 0)}
          disabled={head < 0}
          onChange={(e) => setCursor(e.currentTarget.valueAsNumber)}
        />
        {markers.map((m) => (
          <span key={`${m.kind}-${m.seq}`} className="rp-marker" data-kind={m.kind} title={m.label} style={{ left: at(m.seq) }} />
        ))}
      </div>
      <span className="rp-readout" data-testid="cursor-readout">
        {head < 0 ? 'no events' : `event ${cursor} / ${head}`}
      </span>
    </div>
  );
}
