/**
 * Events as text for failure messages (test-only): one line per event, `#41 t=1200 tool.denied
 * a tool="mail" …`, so a failing scenario reads like a trace, not like a JSON dump.
 */
import type { KernelEvent, KernelEventType } from '../trace/events';
import { describeMismatches, mismatches, show } from './match';

const FRAME = new Set(['seq', 't', 'run', 'type', 'cause', 'agent']);

/**
 * `#seq t=… type agent key=value …`, cut at `max` characters. Fields named in `first` (those an
 * expectation is about) come first, so the cut never hides them.
 */
export function formatEvent(e: KernelEvent, first: readonly string[] = [], max = 180): string {
  const agent = 'agent' in e ? ` ${e.agent}` : '';
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  const fields = Object.entries(e)
    .filter(([k]) => !FRAME.has(k))
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k}=${show(v, 60)}`)
    .join(' ');
  const line = `#${e.seq} t=${e.t} ${e.type}${agent}${fields ? ` ${fields}` : ''}`;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The events as indented lines under a heading, or a line saying there are none. */
export function formatEvents(heading: string, events: readonly KernelEvent[], first: readonly string[] = []): string[] {
  if (events.length === 0) return [`${heading}: none`];
  return [`${heading}:`, ...events.map((e) => `    ${formatEvent(e, first)}`)];
}

/** Up to three events before and after `seq`. */
export function around(events: readonly KernelEvent[], seq: number): KernelEvent[] {
  return events.slice(Math.max(0, seq - 3), seq + 4);
}

/** The top-level fields an expectation names. */
export function keysOf(match: unknown): string[] {
  return typeof match === 'object' && match !== null && !Array.isArray(match) ? Object.keys(match) : [];
}

/** What came closest to an expected event: the candidate with fewest differences, and the others. */
export function closest(events: readonly KernelEvent[], type: KernelEventType, match: unknown): string[] {
  const candidates = events.filter((e) => e.type === type);
  if (candidates.length === 0) return [`there is no ${type} event at all`];
  const ranked = candidates.map((e) => ({ e, wrong: match === undefined ? [] : mismatches(e, match) })).sort((a, b) => a.wrong.length - b.wrong.length);
  const best = ranked[0]!;
  return [
    `the closest, #${best.e.seq}, differs:`,
    ...describeMismatches(best.wrong).map((l) => `  ${l}`),
    ...formatEvents(`${type} events (${candidates.length})`, candidates.slice(-6), keysOf(match)),
  ];
}
