/**
 * Playback of a run on its virtual clock: where the cursor should be at a wall-clock moment.
 * Playing from an anchor (the cursor's event, its virtual time and the wall time Play was
 * pressed), an event at virtual time t is due (t − anchor's t) / speed wall ms after the anchor:
 * at 10× a run's events come ten times closer together than at 1×. `max` ignores virtual time
 * and shows the next event every frame. Every event passed is checked against the breakpoints,
 * in order, and playback stops on the first that matches. Pure: the caller (playbackControl.tsx)
 * owns the frame loop, the clock and the store.
 */

export const PLAYBACK_SPEEDS = [1, 10, 100, 'max'] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];

/** Where playback (re)started: the cursor's event, its virtual time, and the wall clock then. */
export interface PlaybackAnchor {
  seq: number;
  virtualMs: number;
  wallMs: number;
}

export interface PlaybackInput {
  /** The cursor now. */
  from: number;
  /** The last event playback may move to (the run's head, or one before it while the run streams). */
  last: number;
  /** Virtual time of an event, undefined when it is not held (a long run's window): such an event takes one frame. */
  timeOf(seq: number): number | undefined;
  anchor: PlaybackAnchor;
  speed: PlaybackSpeed;
  /** The wall clock now (ms). */
  wallMs: number;
  /** True when a breakpoint matches the event at `seq`. */
  stopsAt(seq: number): boolean;
  /** The most events one step passes (one frame's work after a long stall). */
  maxSteps?: number;
}

export interface PlaybackStep {
  /** Where the cursor goes (≥ `from`). */
  seq: number;
  /** Why playback stops here: a breakpoint matched this event, or it reached `last`; null: it goes on. */
  stop: 'breakpoint' | 'last' | null;
  /** Wall ms from now until the next event is due (0: the next frame); null when stopped. */
  wakeInMs: number | null;
}

const MAX_STEPS = 5000;

/** The wall time (ms) at which an event at `virtualMs` is due, playing from `anchor` at `speed` (`max`: at once). */
export function dueAt(anchor: PlaybackAnchor, virtualMs: number, speed: PlaybackSpeed): number {
  if (speed === 'max') return anchor.wallMs;
  return anchor.wallMs + Math.max(0, virtualMs - anchor.virtualMs) / speed;
}

/** Where the cursor goes at `wallMs`, and what comes next (see the module comment). */
export function playbackStep(input: PlaybackInput): PlaybackStep {
  const { from, last, timeOf, anchor, speed, wallMs, stopsAt } = input;
  const maxSteps = input.maxSteps ?? MAX_STEPS;
  let seq = from;
  for (let n = 0; seq < last && n < maxSteps; n++) {
    const next = seq + 1;
    const t = timeOf(next);
    // A step at max speed, or to an event whose time is unknown, takes a frame of its own.
    const oneFrame = speed === 'max' || t === undefined;
    if (!oneFrame && dueAt(anchor, t, speed) > wallMs) break;
    if (oneFrame && n > 0) break;
    seq = next;
    if (stopsAt(seq)) return { seq, stop: 'breakpoint', wakeInMs: null };
    if (oneFrame) break;
  }
  if (seq >= last) return { seq, stop: 'last', wakeInMs: null };
  const t = timeOf(seq + 1);
  const wakeInMs = speed === 'max' || t === undefined ? 0 : Math.max(0, dueAt(anchor, t, speed) - wallMs);
  return { seq, stop: null, wakeInMs };
}

/** Where Play starts: from the cursor, or from the first event when the cursor is at the end. */
export function playStart(cursor: number, head: number, finished: boolean): number {
  return finished && cursor >= head ? 0 : Math.max(cursor, 0);
}
