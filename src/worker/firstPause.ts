/**
 * Where breakpoints would first pause a recorded run, found with the one breakpoint matcher
 * (matchBreakpoint.ts) the drive loop pauses live runs with. A run too long for the page to hold
 * (a windowed run) is scanned from the stored trace page by page, as a step's stop is
 * (kernel/trace/stepping.ts findStopPaged).
 */
import { type EventPager, type KernelEvent } from '../kernel';
import type { Breakpoint } from './api';
import { matchBreakpoint } from './matchBreakpoint';

/** Events read per page while the scan reads a stored trace (the same page a step's scan reads). */
export const PAUSE_PAGE = 4096;

/**
 * Refuses breakpoints a scan of the events alone cannot match: goal breakpoints turn on the
 * state after each event, which a recorded trace does not carry.
 */
function checkScannable(breakpoints: readonly Breakpoint[]): void {
  const goal = breakpoints.find((b) => b.enabled && (b.kind === 'goal-true' || b.kind === 'goal-false'));
  if (goal) throw new Error(`Breakpoint ${goal.id} (${goal.kind}) needs the state after each event: a recorded run can only be searched for event, agent, tool, decision, throttle, fact-evicted and when breakpoints.`);
}

/** Whether `match` pauses at `e`: a logpoint's line alone does not pause. */
const pauses = (match: ReturnType<typeof matchBreakpoint>, e: KernelEvent): boolean => match(e)?.pause !== undefined;

/** The seq of the first of `events` (in order from the run's start; holes skipped) at which `breakpoints` pause, or null. */
export function firstPause(events: readonly (KernelEvent | undefined)[], breakpoints: readonly Breakpoint[]): number | null {
  checkScannable(breakpoints);
  const match = matchBreakpoint(breakpoints);
  for (const e of events) if (e !== undefined && pauses(match, e)) return e.seq;
  return null;
}

/**
 * `firstPause` over a stored trace read in pages from event 0 to `head`: the matcher sees every
 * event in order, as it does while a run plays. Memory stays one page, whatever the run's length.
 */
export async function firstPausePaged(read: EventPager, breakpoints: readonly Breakpoint[], head: number, page = PAUSE_PAGE): Promise<number | null> {
  checkScannable(breakpoints);
  const match = matchBreakpoint(breakpoints);
  for (let from = 0; from <= head; from += page) {
    const events = await read(from, Math.min(head, from + page - 1));
    if (events.length === 0) return null;
    for (const e of events) if (pauses(match, e)) return e.seq;
  }
  return null;
}
