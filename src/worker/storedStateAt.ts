/**
 * The kernel state after event `seq` of a run that is not live: its nearest stored snapshot
 * at or before `seq`, plus the stored events after it replayed through the kernel's reducer.
 */
import { applyEvent, stateFromStart, type KernelState } from '../kernel';
import type { RunStore } from '../persist';

/** Rebuilds the state after `seq` from storage; throws if the stored trace is damaged. */
export async function storedStateAt(runs: RunStore, runId: string, seq: number): Promise<KernelState> {
  const snap = await runs.snapshotAtOrBefore(runId, seq);
  const events = await runs.loadEvents(runId, snap ? snap.seq + 1 : 0, seq);
  let state: KernelState;
  let i = 0;
  if (snap) state = snap.state;
  else {
    const first = events[0];
    if (first?.type !== 'run.started') throw new Error(`The stored trace of run ${runId} does not begin with run.started: it is damaged; delete the run.`);
    state = stateFromStart(first);
    i = 1;
  }
  for (; i < events.length; i++) applyEvent(state, events[i]!);
  if (state.seq !== seq) throw new Error(`The stored trace of run ${runId} ends before event ${seq}: it is damaged; delete the run.`);
  return state;
}
