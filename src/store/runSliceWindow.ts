/**
 * The windowed form of a run slice (runSlice.ts): a run longer than WHOLE_MAX events is never
 * held whole by the page. The page holds one contiguous range of its events (around what is
 * shown), the cursor's state comes from the worker (worker/storedStateAt.ts for a stored run,
 * the live kernel's seek for a live one), and views that need more ask the worker for it.
 *
 * The held events stay indexed by seq, so `events[seq]` is the event or undefined: a held
 * window is an array whose slots before its first seq are holes. A hole costs a pointer's
 * bytes (8 MB at 1M events) and allocating one array is a single memset, so moving the window
 * never copies events it does not hold.
 */
import type { KernelEvent } from '../kernel';

/** Runs up to this many events are held whole (every view reads the whole trace in the page). */
export const WHOLE_MAX = 20_000;

/** Events fetched around a row or a cursor when a windowed run's view needs them. */
export const WINDOW_SPAN = 2_000;

/** A streaming windowed run keeps at least this many newest events, and at most twice as many. */
export const TAIL_KEEP = 4_000;

/** True when a run of `head + 1` events is held as a window. */
export const isWindowed = (head: number): boolean => head + 1 > WHOLE_MAX;

/**
 * A seq-indexed array holding only `events` (contiguous, ascending by seq): slots before the
 * first are holes. Events that do not follow on are dropped, so the array stays contiguous.
 */
export function heldArray(events: readonly KernelEvent[]): KernelEvent[] {
  const first = events[0];
  if (!first) return [];
  // `new Array(n)` keeps fast (holey) elements; growing an empty array to n would not.
  const out = new Array<KernelEvent>(first.seq);
  for (const e of events) {
    if (e.seq !== out.length) break;
    out.push(e);
  }
  return out;
}

/** The first seq a held array holds (its length when it holds none). */
export function firstHeld(events: readonly KernelEvent[], from = 0): number {
  let i = from;
  while (i < events.length && events[i] === undefined) i++;
  return i;
}

/** The range of `span` events centred on `from..to` (inclusive), inside 0..head. */
export function windowAround(from: number, to: number, head: number, span = WINDOW_SPAN): { from: number; to: number } {
  const extra = Math.max(0, span - (to - from + 1));
  let lo = Math.max(0, from - Math.ceil(extra / 2));
  const hi = Math.min(head, Math.max(to, lo + span - 1));
  lo = Math.max(0, Math.min(lo, hi - span + 1));
  return { from: lo, to: hi };
}
