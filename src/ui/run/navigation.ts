/**
 * Pure helpers for moving through a trace and reading breakpoints: where the scrubber's markers
 * go, and how settings turn back into breakpoints. (Where a step stops is the kernel's:
 * kernel/trace/stepping.ts.)
 */
import type { KernelEvent } from '../../kernel';
import { BREAKPOINT_KINDS, type Breakpoint } from '../../bridge/api';

/** Index of `seq` in an ascending list, or of the nearest entry before it (0 when none is). */
export function indexAtOrBefore(sorted: readonly number[], seq: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= seq) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export type MarkerKind = 'hit' | 'stop' | 'fork';

export interface Marker {
  seq: number;
  kind: MarkerKind;
  label: string;
}

/**
 * Scrubber markers: breakpoint hits, the fork point and the stop. A forked run copies its
 * parent's events 0..parentSeq, so `run.forked` sits at parentSeq + 1; the stop is the last
 * event. So this reads O(hits) events, never the whole trace.
 */
export function scrubberMarkers(
  events: readonly KernelEvent[],
  hits: readonly { seq: number; breakpoint: Breakpoint }[],
  parentSeq?: number,
): Marker[] {
  const out: Marker[] = hits.map((h) => ({ seq: h.seq, kind: 'hit', label: `breakpoint ${describeBreakpoint(h.breakpoint)} @ ${h.seq}` }));
  const fork = parentSeq === undefined ? undefined : events[parentSeq + 1];
  if (fork?.type === 'run.forked') out.push({ seq: fork.seq, kind: 'fork', label: `forked from ${fork.parent.run} @ ${fork.parent.seq}` });
  const last = events[events.length - 1];
  if (last?.type === 'run.stopped') out.push({ seq: last.seq, kind: 'stop', label: `stopped: ${last.reason} @ ${last.seq}` });
  return out;
}

/** `tool = web_search`, `agent = writer if tokens > 500`, `log event = tool.denied: "…"`. */
export function describeBreakpoint(b: Breakpoint): string {
  const on = b.kind === 'when' ? 'any event' : `${b.kind} = ${b.value || '*'}`;
  const cond = b.condition ? ` if ${b.condition}` : '';
  return b.log !== undefined ? `log ${on}${cond}: "${b.log}"` : `${on}${cond}`;
}

/** Breakpoints read back from settings; anything malformed is dropped, never trusted. */
export function parseBreakpoints(raw: unknown): Breakpoint[] {
  if (!Array.isArray(raw)) return [];
  const out: Breakpoint[] = [];
  for (const item of raw as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const { id, kind, value, enabled, condition, log } = item as Record<string, unknown>;
    if (typeof id !== 'string' || typeof value !== 'string' || !(BREAKPOINT_KINDS as readonly unknown[]).includes(kind)) continue;
    out.push({
      id, kind: kind as Breakpoint['kind'], value, enabled: enabled !== false,
      ...(typeof condition === 'string' && condition.trim() !== '' ? { condition } : {}),
      ...(typeof log === 'string' && log.trim() !== '' ? { log } : {}),
    });
  }
  return out;
}
