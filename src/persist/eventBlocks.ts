/**
 * A run's events are stored in blocks of EVENT_BLOCK_SIZE, never one row per event: seq =
 * block * EVENT_BLOCK_SIZE + index. Appending rewrites the run's last, partial block. Blocks are
 * written plain (`events`), the fast path of a live run; a full block never changes again, and the
 * writer later replaces it with its gzip-compressed form (`gz`, its events as JSON: about a tenth of
 * the bytes). Readers take either, so blocks stored before compression existed read as before.
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

/** Compressed rows of the full blocks `first..last` of `events` (each must be full). */
export async function compressedBlocks(runId: string, events: readonly KernelEvent[], first: number, last: number): Promise<EventBlockRow[]> {
  const rows: EventBlockRow[] = [];
  for (let block = first; block <= last; block++) {
    const slice = events.slice(block * EVENT_BLOCK_SIZE, (block + 1) * EVENT_BLOCK_SIZE);
    if (slice.length !== EVENT_BLOCK_SIZE) throw new Error(`block ${block} is not full (${slice.length} events): only full blocks are compressed`);
    rows.push({ runId, block, gz: await encodeEventBlock(slice) });
  }
  return rows;
}

/** A block's events as gzip-compressed JSON (CompressionStream: native in browsers and in Node). */
export async function encodeEventBlock(events: readonly KernelEvent[]): Promise<Uint8Array> {
  return pipeBytes(new TextEncoder().encode(JSON.stringify(events)), new CompressionStream('gzip'));
}

/** The events of a stored block row, compressed or plain. */
export async function eventsOfBlock(row: EventBlockRow): Promise<KernelEvent[]> {
  if (row.events) return row.events;
  if (!row.gz) throw new Error(`event block ${row.block} of run ${row.runId} holds neither events nor compressed events`);
  const bytes = await pipeBytes(row.gz, new DecompressionStream('gzip'));
  return JSON.parse(new TextDecoder().decode(bytes)) as KernelEvent[];
}

async function pipeBytes(input: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([input as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
