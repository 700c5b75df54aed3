/**
 * Play / Pause and the speed beside the scrubber. The schedule of cursor moves is playback.ts's;
 * this owns the frame loop: each frame (or when the next event is due) it asks playbackStep where
 * the cursor goes and moves it through the store, as a drag of the scrubber would. A recorded run
 * and a live one play the same way; on a run still streaming, playback stays one event behind
 * the head (moving onto the head would make the cursor follow the stream) and waits there for
 * more. It stops at the end of a stopped run, on an event an enabled breakpoint matches (the
 * worker's own matcher), on Pause, and when another run is selected.
 */
import { useEffect, useRef, useState } from 'react';
import { pausesAt } from '../../bridge/playbackBreakpoints';
import { useStudio } from '../../store';
import './playback.css';
import { PLAYBACK_SPEEDS, playbackStep, playStart, type PlaybackAnchor, type PlaybackSpeed } from './playback';

const speedLabel = (s: PlaybackSpeed): string => (s === 'max' ? 'max' : `${s}×`);

/** Waits shorter than this go to the next frame. */
const FRAME_MS = 16;

function usePlaybackLoop(playing: boolean, speed: PlaybackSpeed, onStop: (why: string | null) => void): void {
  const stop = useRef(onStop);
  stop.current = onStop;
  useEffect(() => {
    if (!playing) return;
    let cancelled = false;
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = useStudio.getState();
    // Goal breakpoints read the state after each event asked about (from the run's projection).
    let asked = first.cursor;
    const start = first.stateAfter(first.cursor);
    const ctx = first.spec && start ? { spec: first.spec, state: () => useStudio.getState().stateAfter(asked) ?? start } : undefined;
    const pauses = pausesAt(first.breakpoints, ctx);
    const anchorAt = (seq: number): PlaybackAnchor => ({ seq, virtualMs: useStudio.getState().events[seq]?.t ?? 0, wallMs: performance.now() });
    let anchor = anchorAt(first.cursor);
    /** Where playback last put the cursor: a move by someone else (a drag, a click in the log) re-anchors there. */
    let placed = first.cursor;
    const tick = (): void => {
      if (cancelled) return;
      const s = useStudio.getState();
      if (s.cursor !== placed) anchor = anchorAt(s.cursor);
      const streaming = s.status === 'running';
      const step = playbackStep({
        from: s.cursor,
        last: streaming ? s.head - 1 : s.head,
        timeOf: (seq) => s.events[seq]?.t,
        anchor,
        speed,
        wallMs: performance.now(),
        stopsAt: (seq) => {
          const e = s.events[seq];
          asked = seq;
          return e !== undefined && pauses(e);
        },
      });
      if (step.seq !== s.cursor) s.setCursor(step.seq);
      placed = useStudio.getState().cursor;
      if (step.stop === 'breakpoint') return stop.current(`breakpoint at event ${step.seq}`);
      if (step.stop === 'last' && s.status === 'stopped') return stop.current(null);
      const wait = step.wakeInMs ?? 0;
      if (wait <= FRAME_MS) frame = requestAnimationFrame(tick);
      else timer = setTimeout(() => (frame = requestAnimationFrame(tick)), wait - FRAME_MS / 2);
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelled = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [playing, speed]);
}

/** The play control: Play / Pause, the speed, and why playback last stopped. */
export function PlaybackControls() {
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<PlaybackSpeed>(10);
  const [stoppedAt, setStoppedAt] = useState<string | null>(null);
  const runId = useStudio((s) => s.runId);
  const head = useStudio((s) => s.head);
  // Another run selected: this one's playback is over.
  useEffect(() => setPlaying(false), [runId]);
  usePlaybackLoop(playing, speed, (why) => {
    setPlaying(false);
    setStoppedAt(why);
  });
  const toggle = (): void => {
    if (playing) return setPlaying(false);
    const s = useStudio.getState();
    const start = playStart(s.cursor, s.head, s.status === 'stopped');
    if (start !== s.cursor) s.setCursor(start);
    setStoppedAt(null);
    setPlaying(true);
  };
  return (
    <div className="rp-playback" data-testid="playback" data-playing={playing}>
      <button
        type="button"
        className="hs-btn hs-btn--small"
        data-testid="playback-toggle"
        aria-pressed={playing}
        disabled={head < 0}
        title={playing ? 'Pause playback' : 'Play the run on its virtual clock from the cursor'}
        onClick={toggle}
      >
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <select
        className="rp-playback-speed"
        data-testid="playback-speed"
        aria-label="Playback speed"
        title="Virtual time per wall time; max shows one event a frame"
        value={String(speed)}
        onChange={(e) => setSpeed(e.currentTarget.value === 'max' ? 'max' : (Number(e.currentTarget.value) as PlaybackSpeed))}
      >
        {PLAYBACK_SPEEDS.map((s) => (
          <option key={s} value={String(s)}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
      {stoppedAt !== null && !playing && (
        <span className="rp-playback-note" data-testid="playback-stopped" role="status">
          stopped: {stoppedAt}
        </span>
      )}
    </div>
  );
}
