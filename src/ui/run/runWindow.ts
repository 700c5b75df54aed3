/**
 * Feeds a windowed run slice (store/runSliceWindow.ts) from the kernel worker: the events
 * around what the views show, and the state at the cursor. One request of each kind is in
 * flight at a time and the latest wish wins, so dragging the scrubber over a million events
 * costs one round trip per answer shown, not one per input event. While a running run is
 * followed, its head's state is asked for at most every FOLLOW_STATE_MS.
 */
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';
import { windowAround, WINDOW_SPAN } from '../../store/runSliceWindow';

/** Shortest time between two requests of the head's state while a windowed run streams. */
const FOLLOW_STATE_MS = 100;

const store = () => useStudio.getState();

/** The seq range a view wants held next (latest wins), and whether a fetch is under way. */
let wantRange: { runId: string; from: number; to: number } | null = null;
let fetchingRange = false;
let stateBusy = false;
let stateTimer: ReturnType<typeof setTimeout> | undefined;
let stateAskedAt = Number.NEGATIVE_INFINITY;

function report(err: unknown): void {
  store().setRunError(err instanceof Error ? err.message : String(err));
}

/** True when every seq of `from..to` is held. */
function held(from: number, to: number): boolean {
  const s = store();
  return from >= s.heldFrom && to < s.events.length && s.events[from] !== undefined;
}

async function fetchRanges(): Promise<void> {
  if (fetchingRange) return;
  fetchingRange = true;
  try {
    while (wantRange) {
      const want = wantRange;
      const s = store();
      if (!s.windowed || s.runId !== want.runId || held(want.from, Math.min(want.to, s.head))) {
        if (wantRange === want) wantRange = null;
        continue;
      }
      const range = windowAround(want.from, want.to, s.head);
      const events = await studio().loadEvents(want.runId, range.from, range.to);
      if (store().runId === want.runId) store().holdWindow(events);
      if (wantRange === want) wantRange = null;
    }
  } catch (err) {
    wantRange = null;
    report(err);
  } finally {
    fetchingRange = false;
  }
}

/**
 * A view of a windowed run shows seqs `from..to` (inclusive): they are fetched unless held.
 * The log calls this for its rows in view; the cursor's moves call it too.
 */
export function showSeqs(from: number, to: number): void {
  const s = store();
  if (!s.windowed || s.runId === null || to < 0) return;
  const lo = Math.max(0, from);
  const hi = Math.min(to, s.head, lo + WINDOW_SPAN - 1);
  if (held(lo, hi)) return;
  wantRange = { runId: s.runId, from: lo, to: hi };
  void fetchRanges();
}

/** Asks the worker for the cursor's state unless it is shown or already asked for. */
function askState(): void {
  const s = store();
  if (!s.windowed || s.runId === null || s.cursor < 0 || stateBusy) return;
  if (s.cursorState?.seq === s.cursor) return;
  clearTimeout(stateTimer);
  const wait = s.status === 'running' && s.follow ? stateAskedAt + FOLLOW_STATE_MS - performance.now() : 0;
  if (wait > 0) {
    stateTimer = setTimeout(askState, wait);
    return;
  }
  const { runId, cursor } = s;
  stateBusy = true;
  stateAskedAt = performance.now();
  studio()
    .stateAt(runId, cursor)
    .then((state) => {
      if (state && store().runId === runId) store().takeState(state);
    })
    .catch(report)
    .finally(() => {
      stateBusy = false;
      // The cursor moved on meanwhile: its state next.
      askState();
    });
}

/**
 * Keeps a windowed selection fed while the run panel is open: the cursor's state, and the
 * events around the cursor when it moves outside what is held. Returns the unsubscribe.
 */
export function watchRunWindow(): () => void {
  return useStudio.subscribe((s, prev) => {
    if (!s.windowed || s.runId === null) return;
    const moved = s.cursor !== prev.cursor || s.runId !== prev.runId || s.windowed !== prev.windowed;
    if (moved && s.cursor >= 0) showSeqs(s.cursor, s.cursor);
    if (moved || s.cursorState !== prev.cursorState) askState();
  });
}
