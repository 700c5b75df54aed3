/**
 * A run's events are stored in blocks of EVENT_BLOCK_SIZE, never one row per event: seq =
 * block * EVENT_BLOCK_SIZE + index. Appending rewrites the run's last, partial block.
 */
import type { KernelEvent } from '../kernel';
import type { EventBlockRow } from './StudioDb';

/** Events per stored block. */
export const EVENT_BLOCK_SIZE = 256;

/** The block that holds event `seq`. */
export const blockOf = (seq: number): number => Math.floor(seq / EVENT_BLOCK_SIZE);

/**
 * The block rows to write after events `from..to` (inclusive) were appended to `events`, the
 * run's whole trace indexed by seq. Each row holds its block's events from the block's start
 * through `to`, so rows of earlier flushes are completed, not duplicated.
 */
export function toEventBlocks(runId: string, events: readonly KernelEvent[], from: number, to: number): EventBlockRow[] {
  const rows: EventBlockRow[] = [];
  if (to < from) return rows;
  for (let block = blockOf(from); block <= blockOf(to); block++) {
    const start = block * EVENT_BLOCK_SIZE;
    const end = Math.min(start + EVENT_BLOCK_SIZE, to + 1);
    rows.push({ runId, block, events: events.slice(start, end) });
  }
  return rows;
}
