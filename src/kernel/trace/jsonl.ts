/**
 * JSONL trace format (docs/trace-format.md): one event per line, in seq order, as the kernel
 * wrote it. Reading reports the line of the first bad record instead of throwing.
 */
import { EVENT_TYPES, type KernelEvent } from './events';

/** The trace as one JSONL text (for small traces; a file is better written from jsonlChunks). */
export function toJsonl(events: readonly KernelEvent[]): string {
  let out = '';
  for (const chunk of jsonlChunks(events)) out += chunk;
  return out;
}

/**
 * The trace as JSONL in pieces of whole lines, about `chunkChars` characters each, so a long
 * trace is written out as it is produced instead of as one string of its whole size.
 */
export function* jsonlChunks(events: Iterable<KernelEvent>, chunkChars = 1 << 16): Generator<string> {
  let out = '';
  for (const e of events) {
    out += `${JSON.stringify(e)}\n`;
    if (out.length >= chunkChars) {
      yield out;
      out = '';
    }
  }
  if (out !== '') yield out;
}

const KNOWN = new Set<string>(EVENT_TYPES);

export function fromJsonl(text: string): { ok: true; events: KernelEvent[] } | { ok: false; line: number; message: string } {
  const events: KernelEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return { ok: false, line: i + 1, message: `line ${i + 1}: not valid JSON (${err instanceof Error ? err.message : String(err)})` };
    }
    const e = value as Partial<KernelEvent>;
    if (typeof e !== 'object' || e === null || typeof e.type !== 'string' || !KNOWN.has(e.type)) {
      return { ok: false, line: i + 1, message: `line ${i + 1}: expected an event with a known "type", found ${JSON.stringify(e?.type ?? null)}` };
    }
    if (e.seq !== events.length) {
      return { ok: false, line: i + 1, message: `line ${i + 1}: expected seq ${events.length}, found ${JSON.stringify(e.seq)}` };
    }
    events.push(e as KernelEvent);
  }
  return { ok: true, events };
}
