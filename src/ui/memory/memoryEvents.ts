/**
 * One agent's memory events (pressure, eviction, compaction, faults) up to the debugger's
 * cursor, each as a one-line entry with the tokens in its window afterwards. Pure, from the
 * trace.
 */
import type { KernelEvent } from '../../kernel';

export type MemEventType = 'mem.pressure' | 'mem.evicted' | 'mem.compacted' | 'mem.faulted' | 'mem.validity';
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

const MEM_TYPES = new Set<string>(['mem.pressure', 'mem.evicted', 'mem.compacted', 'mem.faulted', 'mem.validity']);

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
    case 'mem.validity':
      return { tone: e.verdict, text: `${e.segment} ${e.check} → ${e.verdict} · ${e.before.toFixed(2)} → ${e.validity.toFixed(2)}${e.evicted ? ' · evicted' : ''} · ${e.reason}` };
  }
}

/**
 * The memory entries of one events array, indexed as far as it has been read. A run's
 * projection only appends to its array, so each call reads only the events new since the last
 * (a scrub or a batch costs the entries it returns, not the whole trace).
 */
class MemIndex {
  read = 0;
  readonly all: MemEntry[] = [];
  readonly byAgent = new Map<string, MemEntry[]>();

  advance(events: readonly KernelEvent[]): this {
    for (; this.read < events.length; this.read++) {
      const e = events[this.read];
      // A windowed run holds only some events (store/runSliceWindow.ts): the rest are holes.
      if (!e || !MEM_TYPES.has(e.type)) continue;
      const m = e as MemEvent;
      const { tone, text } = describe(m);
      const entry: MemEntry = { seq: m.seq, t: m.t, type: m.type, tone, tokens: m.type === 'mem.faulted' || m.type === 'mem.validity' ? -1 : m.tokens, text };
      this.all.push(entry);
      if (e.agent === undefined) continue;
      let list = this.byAgent.get(e.agent);
      if (!list) this.byAgent.set(e.agent, (list = []));
      list.push(entry);
    }
    return this;
  }
}

const indexes = new WeakMap<readonly KernelEvent[], MemIndex>();

function indexOf(events: readonly KernelEvent[]): MemIndex {
  let index = indexes.get(events);
  // A shorter array under the same identity is not the one indexed (arrays only grow): start over.
  if (!index || index.read > events.length) indexes.set(events, (index = new MemIndex()));
  return index.advance(events);
}

/** How many of `entries` (ascending by seq) have seq ≤ `until`. */
function countUpTo(entries: readonly MemEntry[], until: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.seq <= until) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The agent's memory events with seq ≤ `until`, oldest first (all agents' when `agent` is null). */
export function memoryEntries(events: readonly KernelEvent[], agent: string | null, until: number): MemEntry[] {
  const index = indexOf(events);
  const entries = agent === null ? index.all : (index.byAgent.get(agent) ?? []);
  return entries.slice(0, countUpTo(entries, Math.min(until, events.length - 1)));
}

/**
 * The agent the run's memory story is about: the one with the most memory events in the whole
 * trace (the first in `order` on a tie), or null when no agent has any. Read from the run, so
 * the Memory view opens on it whatever the document calls its agents.
 */
export function busiestMemoryAgent(events: readonly KernelEvent[], order: readonly string[]): string | null {
  const index = indexOf(events);
  let best: string | null = null;
  let most = 0;
  for (const id of order) {
    const n = index.byAgent.get(id)?.length ?? 0;
    if (n > most) {
      best = id;
      most = n;
    }
  }
  return best;
}
