/**
 * The breakpoint matcher the worker pauses live runs with, for the run views' playback: a
 * recorded run played back stops on the same events a live run would pause at. Pure, re-exported
 * from below the bridge, since the UI may not import the worker.
 */
export { matchBreakpoint } from '../worker/matchBreakpoint';
