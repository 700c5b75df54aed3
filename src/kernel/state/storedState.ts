/**
 * States stored before a change of the state's shape (snapshots in IndexedDB) brought up to
 * today's shape, so a run saved by an older studio resumes. The trace hash is over events, so
 * no trace changes; only the in-memory shape does.
 */
import type { KernelState, SlotPhase } from './state';

/** The slot phase an older state encoded in `until`: -1 picked, -2 at a boundary, -3 throttle announced. */
function phaseFromLegacyUntil(until: number, running: boolean): SlotPhase {
  if (!running) return 'off';
  if (until === -1) return 'picked';
  if (until === -2) return 'boundary';
  if (until === -3) return 'throttle-noted';
  return 'slicing';
}

/** Fills what an older stored state lacks (in place; returns it). */
export function upgradeStoredState(s: KernelState): KernelState {
  for (const p of Object.values(s.procs)) {
    if (p.slotPhase !== undefined) continue;
    p.slotPhase = phaseFromLegacyUntil(p.until, p.state === 'running');
    if (p.until < 0) p.until = 0;
  }
  return s;
}
