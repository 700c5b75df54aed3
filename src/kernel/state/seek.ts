/**
 * Seek: the state right after an event, as a copy of the nearest snapshot at or before it (its
 * recall read back when the log packs it, see recallStreams.ts) with the events after it
 * replayed. The kernel and the view projection both seek with it.
 */
import type { EventOf } from '../trace/events';
import type { EventReader } from '../trace/eventLog';
import { applyEvent, cloneState, stateFromStart } from './reduce';
import { nearestSnapshot, type SnapshotLog } from './snapshots';
import type { KernelState } from './state';

/** The state right after event `seq` of `events` (0 <= seq < events.length), a fresh copy the caller may change. */
export function seekState(log: SnapshotLog, events: EventReader, seq: number): KernelState {
  const base = nearestSnapshot(log.list, seq);
  const state = base ? log.stateOf(base, cloneState) : stateFromStart(events.get(0) as EventOf<'run.started'>);
  for (const e of events.range((base?.seq ?? 0) + 1, seq + 1)) applyEvent(state, e);
  return state;
}
