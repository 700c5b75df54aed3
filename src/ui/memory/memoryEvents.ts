/**
 * One agent's memory events (pressure, eviction, compaction, faults) up to the debugger's
 * cursor, each as a one-line entry with the tokens in its window afterwards. Pure, from the
 * trace.
 */
import type { KernelEvent } from '../../kernel';

export type MemEventType = 'mem.pressure' | 'mem.evicted' | 'mem.compacted' | 'mem.faulted';
type MemEvent = Extract<KernelEvent, { type: MemEventType }>;

export interface MemEntry {
  seq: number;
  t: number;
  type: MemEventType;
  /** Pressure level, eviction policy, or fault outcome: what the row is coloured by. */
  tone: string;
  /** Tokens in the window after the event. */
  tokens: number;
  text: string;
}

const MEM_TYPES = new Set<string>(['mem.pressure', 'mem.evicted', 'mem.compacted', 'mem.faulted']);

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const ids = (refs: readonly { id: string }[]): string => (refs.length <= 4 ? refs.map((r) => r.id).join(' ') : `${refs.slice(0, 3).map((r) => r.id).join(' ')} +${refs.length - 3}`);

function describe(e: MemEvent): { tone: string; text: string } {
  switch (e.type) {
    case 'mem.pressure':
      return { tone: e.level, text: `${e.level} · ${pct(e.share)} of ${e.window} (threshold ${pct(e.threshold)})` };
    case 'mem.evicted':
      return { tone: 'evicted', text: `${e.policy} took ${e.segments.length} · freed ${e.freed} · ${ids(e.segments)}` };
    case 'mem.compacted':
      return { tone: 'compacted', text: `${e.summarized.length} → ${e.summary.id} (${e.summary.tokens} tok) · kept ${e.keptFacts} facts · freed ${e.freed}` };
    case 'mem.faulted':
      return { tone: e.outcome === 'failed' ? 'failed' : 'faulted', text: `${e.mode} ${e.ref} → ${e.outcome}${e.tokens ? ` · ${e.tokens} tok` : ''}${e.detail ? ` · ${e.detail}` : ''}` };
  }
}

/** The agent's memory events with seq ≤ `until`, oldest first. */
export function memoryEntries(events: readonly KernelEvent[], agent: string | null, until: number): MemEntry[] {
  const out: MemEntry[] = [];
  const end = Math.min(until, events.length - 1);
  for (let i = 0; i <= end; i++) {
    const e = events[i]!;
    if (!MEM_TYPES.has(e.type) || (agent !== null && e.agent !== agent)) continue;
    const m = e as MemEvent;
    const { tone, text } = describe(m);
    out.push({ seq: m.seq, t: m.t, type: m.type, tone, tokens: m.type === 'mem.faulted' ? -1 : m.tokens, text });
  }
  return out;
}

/**
 * The agent the run's memory story is about: the one with the most memory events in the whole
 * trace (the first in `order` on a tie), or null when no agent has any. Read from the run, so
 * the Memory view opens on it whatever the document calls its agents.
 */
export function busiestMemoryAgent(events: readonly KernelEvent[], order: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const e of events) if (MEM_TYPES.has(e.type) && e.agent !== undefined) counts.set(e.agent, (counts.get(e.agent) ?? 0) + 1);
  let best: string | null = null;
  for (const id of order) if ((counts.get(id) ?? 0) > (best === null ? 0 : counts.get(best)!)) best = id;
  return best;
}
