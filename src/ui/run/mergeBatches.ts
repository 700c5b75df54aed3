import type { EventBatch } from '../../bridge/api';

/**
 * Consecutive batches of one run as one (their events in order, the last one's head and status,
 * the newest live text), so the cursor's state is derived once per frame, not once per batch.
 * A batch that carries a breakpoint hit ends a group: every hit is applied as it came.
 */
export function mergeBatches(batches: readonly EventBatch[]): EventBatch[] {
  const out: EventBatch[] = [];
  for (const b of batches) {
    const prev = out[out.length - 1];
    if (prev && prev.runId === b.runId && prev.hit === undefined) {
      const live = b.live ?? prev.live;
      out[out.length - 1] = { ...b, events: prev.events.concat(b.events), ...(live ? { live } : {}) };
    } else out.push(b);
  }
  return out;
}
