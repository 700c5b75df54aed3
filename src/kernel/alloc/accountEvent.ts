/**
 * Which objects one event allocates and frees, and their estimated bytes. Called by the reducer
 * around every event (state/reduce.ts applyEvent): it compares the few numbers of the event's
 * agent that it reads before and after the event (window length and tokens, call in flight, job
 * alive), so each event costs O(1) whatever the run's size, and every path that changes a window
 * is counted without each reducer having to say so.
 */
import type { KernelState, Proc } from '../state/state';
import type { EventOf, KernelEvent } from '../trace/events';
import { newLedger, slabAlloc, slabFree, type SlabLedger } from './ledger';
import { BYTES_PER_TOKEN, SLAB_HEADER } from './slabClass';

const segBytes = (n: number, tokens: number): number => n * SLAB_HEADER['prompt-segment'] + tokens * BYTES_PER_TOKEN;
const chunkBytes = (text: string): number => SLAB_HEADER['archive-chunk'] + 2 * text.length;
const alive = (p: Proc | undefined): boolean => p !== undefined && p.state !== 'done' && p.state !== 'failed';

/** Whose window, call and job the event may change: its agent, or the agent whose core block a rollback restores. */
function agentOf(e: KernelEvent): string | undefined {
  if (e.agent !== undefined) return e.agent;
  return e.type === 'audit.rolledback' && e.undo.kind === 'restore-core' ? e.undo.agent : undefined;
}

/** A trace event's estimated bytes: its header plus its `text` field, if it has one. */
export function spanBytes(e: KernelEvent): number {
  const text = (e as { text?: unknown }).text;
  return SLAB_HEADER['trace-span'] + (typeof text === 'string' ? 2 * text.length : 0);
}

/** The ledger right after `run.started`: its own trace event, and the chunks of the document's stores. */
export function startLedger(e: EventOf<'run.started'>): SlabLedger {
  const l = newLedger();
  slabAlloc(l, 'trace-span', 1, spanBytes(e));
  let n = 0;
  let bytes = 0;
  for (const docs of Object.values(e.stores)) {
    for (const d of docs) {
      n += 1;
      bytes += chunkBytes(d.text);
    }
  }
  slabAlloc(l, 'archive-chunk', n, bytes);
  return l;
}

/** Applies `e` with `reduce` and accounts what it allocated and freed in `s.slabs` (absent: no accounting). */
export function accounted(s: KernelState, e: KernelEvent, reduce: (s: KernelState, e: KernelEvent) => void): void {
  const l = s.slabs;
  if (l === undefined) {
    reduce(s, e);
    return;
  }
  const who = agentOf(e);
  const before = who === undefined ? undefined : s.procs[who];
  const segs = before?.context.length ?? 0;
  const tokens = before?.contextTokens ?? 0;
  const call = before?.call != null;
  const live = alive(before);
  // A rolled-back insert frees its chunk: its text is read before the reducer deletes it.
  const dropped = e.type === 'audit.rolledback' && e.undo.kind === 'delete-chunk' ? storedText(s, e.undo.store, e.undo.id) : null;
  reduce(s, e);
  slabAlloc(l, 'trace-span', 1, spanBytes(e));
  if (e.type === 'tool.returned' && e.stored) slabAlloc(l, 'archive-chunk', 1, chunkBytes(e.stored.text));
  if (dropped !== null) slabFree(l, 'archive-chunk', 1, chunkBytes(dropped));
  if (who === undefined) return;
  const p = s.procs[who];
  accountWindow(l, e, segs, tokens, p?.context.length ?? 0, p?.contextTokens ?? 0);
  const callNow = p?.call != null;
  if (!call && callNow) slabAlloc(l, 'tool-call', 1, SLAB_HEADER['tool-call']);
  else if (call && !callNow) slabFree(l, 'tool-call', 1, SLAB_HEADER['tool-call']);
  const liveNow = alive(p);
  if (!live && liveNow) slabAlloc(l, 'job-descriptor', 1, SLAB_HEADER['job-descriptor']);
  else if (live && !liveNow) slabFree(l, 'job-descriptor', 1, SLAB_HEADER['job-descriptor']);
}

/**
 * Segments in and out of one window. The net change says most events; a compaction frees the
 * segments it summarised and allocates its summary, so allocs and frees stay exact there too.
 */
function accountWindow(l: SlabLedger, e: KernelEvent, segs: number, tokens: number, segsNow: number, tokensNow: number): void {
  if (e.type === 'mem.compacted') {
    const freedTokens = e.summarized.reduce((n, x) => n + x.tokens, 0);
    slabFree(l, 'prompt-segment', e.summarized.length, segBytes(e.summarized.length, freedTokens));
    slabAlloc(l, 'prompt-segment', 1, segBytes(1, e.summary.tokens));
    return;
  }
  const dn = segsNow - segs;
  const dt = tokensNow - tokens;
  if (dn > 0) slabAlloc(l, 'prompt-segment', dn, segBytes(dn, dt));
  else if (dn < 0) slabFree(l, 'prompt-segment', -dn, segBytes(-dn, -dt));
  // A segment replaced in place (an edit, a core block rewritten): same count, other tokens.
  else if (dt !== 0) {
    l['prompt-segment'].bytes += dt * BYTES_PER_TOKEN;
    if (l['prompt-segment'].bytes > l['prompt-segment'].peakBytes) l['prompt-segment'].peakBytes = l['prompt-segment'].bytes;
  }
}

/** The text of chunk `id` in `store` (the shared tier, then each agent's copy-on-write view), or null. */
function storedText(s: KernelState, store: string, id: string): string | null {
  const hit = s.stores[store]?.find((d) => d.id === id);
  if (hit) return hit.text;
  for (const docs of Object.values(s.views[store] ?? {})) {
    const own = docs.find((d) => d.id === id);
    if (own) return own.text;
  }
  return null;
}
