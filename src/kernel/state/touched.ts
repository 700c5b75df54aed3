/**
 * Which agents' records the reducers change: each write to a process record is announced here
 * first (reduceHelpers.proc and the few reducers that reach a record another way), so whoever
 * tracks a live state (state/sharing.ts) knows what changed without comparing states.
 */
import type { KernelState } from './state';

/** Told of every agent whose record is about to change in the state it listens to. */
export interface ProcListener {
  touched(id: string): void;
}

const LISTENERS = new WeakMap<KernelState, ProcListener>();
/** The state last asked about and its listener: a run applies event after event to one state. */
let lastState: KernelState | null = null;
let lastListener: ProcListener | undefined;

/** `listener` hears of every change to an agent's record in `s` from now on (one listener per state). */
export function listen(s: KernelState, listener: ProcListener): void {
  LISTENERS.set(s, listener);
  if (lastState === s) lastListener = listener;
}

/** `listener` stops hearing of `s` (no-op when another listener took it over). */
export function unlisten(s: KernelState, listener: ProcListener): void {
  if (LISTENERS.get(s) !== listener) return;
  LISTENERS.delete(s);
  if (lastState === s) lastListener = undefined;
}

/** Announces that agent `id`'s record in `s` is about to change (or be added). */
export function touchProc(s: KernelState, id: string): void {
  if (s !== lastState) {
    lastState = s;
    lastListener = LISTENERS.get(s);
  }
  if (lastListener !== undefined) lastListener.touched(id);
}
