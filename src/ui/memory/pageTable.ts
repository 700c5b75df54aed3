/**
 * The page table of a context window: one row per segment with its provenance, validity
 * and access times, as the debugger shows it. Pure, from the process and the virtual time
 * at the cursor.
 */
import type { Segment } from '../../kernel';

export type ValidityLevel = 'bad' | 'doubtful' | 'good';

export interface SegmentRow {
  id: string;
  kind: Segment['kind'];
  tokens: number;
  source: string;
  trust: Segment['trust'];
  verified: boolean;
  validity: number;
  validityLevel: ValidityLevel;
  /** The run-time check that set its validity (a store's validity checks), and why; null when planted or unchecked. */
  validityBy: { check: string; reason: string } | null;
  fact: boolean;
  pinned: boolean;
  /** May eviction take it (isEvictable's rule, restated so a partial segment does not throw). */
  evictable: boolean;
  /** Virtual ms since it entered the window. */
  age: number;
  /** Virtual ms since its last read by an inference; null when never read. */
  sinceRead: number | null;
  reads: number;
  text: string;
}

/** Below 1/3 a segment is shown as wrong, below 2/3 as doubtful. */
export function validityLevel(v: number): ValidityLevel {
  return v < 1 / 3 ? 'bad' : v < 2 / 3 ? 'doubtful' : 'good';
}

/**
 * Rows in window order. Fields a trace recorded before the kernel had them fall back to
 * neutral values (trusted, unverified, validity 1, never read).
 */
export function pageRows(context: readonly Partial<Segment>[], now: number): SegmentRow[] {
  return context.map((s, i) => {
    const validity = typeof s.validity === 'number' ? Math.min(1, Math.max(0, s.validity)) : 1;
    const reads = Array.isArray(s.reads) ? s.reads : [];
    const last = reads.length > 0 ? reads[reads.length - 1]! : null;
    const kind = s.kind ?? 'message';
    const fact = s.fact === true;
    const pinned = s.pinned === true;
    return {
      id: s.id ?? `#${i}`,
      kind,
      tokens: s.tokens ?? 0,
      source: s.source ?? '',
      trust: s.trust ?? 'trusted',
      verified: s.verified === true,
      validity,
      validityLevel: validityLevel(validity),
      validityBy: s.validityBy ? { check: s.validityBy.check, reason: s.validityBy.reason } : null,
      fact,
      pinned,
      evictable: !pinned && !fact && kind !== 'system',
      age: typeof s.t === 'number' ? Math.max(0, now - s.t) : 0,
      sinceRead: last === null ? null : Math.max(0, now - last),
      reads: reads.length,
      text: s.text ?? '',
    };
  });
}

/** A virtual duration, short: `340ms`, `1.2s`, `3m05s`. */
export function formatAge(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
