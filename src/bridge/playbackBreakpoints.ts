/**
 * The breakpoint matcher the worker pauses live runs with, for the run views' playback: a
 * recorded run played back stops on the same events a live run would pause at. Pure, from below
 * the bridge, since the UI may not import the worker.
 */
import type { KernelEvent } from '../kernel';
import type { Breakpoint } from '../worker/api';
import { matchBreakpoint, type MatchContext } from '../worker/matchBreakpoint';

/**
 * A predicate: would the enabled `breakpoints` pause a run at this event? The matcher answers
 * with what matched; an answer that only prints lines (a logpoint's, `{ logs }` without `pause`)
 * does not pause. Called on consecutive events in order, as the worker calls the matcher.
 * Goal breakpoints need `ctx`: the document's goals and the state after the event being asked
 * about (at creation, the state playback starts from).
 */
export function pausesAt(breakpoints: readonly Breakpoint[], ctx?: MatchContext): (e: KernelEvent) => boolean {
  const match = matchBreakpoint(breakpoints, ctx);
  return (e) => {
    const m: unknown = match(e);
    if (m === undefined || m === null) return false;
    return !(typeof m === 'object' && 'logs' in m && (m as { pause?: unknown }).pause === undefined);
  };
}
