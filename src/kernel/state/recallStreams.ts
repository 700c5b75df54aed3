/**
 * Recall storage and windows of snapshots, kept once per agent and encoded (when a run spills).
 *
 * A long run's snapshots share every segment they have in common, yet together they hold nearly
 * every segment the run ever put in recall storage: 256 per agent each, and the older ones differ
 * from one snapshot to the next. At a million events that was most of the run's memory (a
 * recursive summary folds in the one before it, so the same text is held many times over).
 *
 * An agent's recall only grows at its end and drops from its front (takeOut), so each snapshot's
 * recall is a stretch of one append-only stream per agent: the segments of every recall packed
 * so far, in order, each once. A packed snapshot keeps, per agent, only where its stretch lies;
 * the stream keeps its segments in chunks of RECALL_CHUNK, each written out as JSON through the
 * run's codec (node:zlib in the CLI), a summary that contains an earlier one's body in the same
 * chunk written as the difference. A seek reads back the chunks its snapshot needs (a small
 * cache keeps the last ones read: scrubbing nearby reads none).
 *
 * An agent's window changes at every turn (reading a segment replaces it), so each snapshot
 * writes it out whole through the codec (a few kilobytes).
 *
 * A recall that is not such a stretch, or a recall or window holding a segment that is not
 * frozen, stays in the snapshot as it is: packing never changes what a snapshot says.
 */
import type { Segment } from '../memory/segment';
import type { BlockCodec } from '../trace/eventLog';
import type { KernelState } from './state';

/** Segments per encoded chunk of a stream. */
export const RECALL_CHUNK = 64;

/** Decoded chunks kept for seeks (a snapshot's recall is a few chunks per agent). */
const CACHE_CHUNKS = 128;

/** What a packed snapshot's agent record holds instead of its recall and window (frozen: copies share it). */
export const PACKED: Segment[] = Object.freeze([]) as unknown as Segment[];

/** A stretch of an agent's stream: segments from..to-1. */
export type RecallRange = readonly [from: number, to: number];

/** Where a packed snapshot keeps an agent's recall (a stretch of its stream) and window (written out through the codec). */
export interface PackedProc {
  recall?: RecallRange;
  context?: unknown;
}

/** A summary written as the difference to an earlier segment of its chunk: [index, earlier, head length, before, after]. */
type Delta = [number, number, number, string, string];

/** The part of a summary's text before its body ("Summary of 12 earlier segments: "), or 0. */
function headLength(text: string): number {
  const colon = text.indexOf(': ');
  return colon > 0 && colon < 80 && !text.slice(0, colon).includes('\n') ? colon + 2 : 0;
}

/** A chunk's segments as JSON, a long text that contains an earlier long text's body written as the difference. */
export function encodeChunk(segs: readonly Segment[]): string {
  const out: unknown[] = [];
  const deltas: Delta[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const text = seg.text;
    let delta: Delta | null = null;
    if (typeof text === 'string' && text.length >= 256) {
      // The latest earlier long text first: a recursive summary folds in the one just before it.
      for (let j = i - 1; j >= 0 && delta === null; j--) {
        const earlier = segs[j]!.text;
        if (typeof earlier !== 'string' || earlier.length < 128) continue;
        const head = headLength(earlier);
        const body = earlier.slice(head);
        const at = text.indexOf(body);
        if (at >= 0) delta = [i, j, head, text.slice(0, at), text.slice(at + body.length)];
      }
    }
    if (delta) deltas.push(delta);
    out.push(delta ? { ...seg, text: '' } : seg);
  }
  return JSON.stringify(deltas.length > 0 ? { s: out, d: deltas } : out);
}

/** Freezes decoded JSON data all the way down (as `immutable`, without allocating per object: a seek freezes thousands). */
function freezeAll<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'object' && x !== null) freezeAll(x);
  }
  return Object.freeze(v);
}

/** A chunk's segments back, frozen as they were (encodeChunk's inverse). */
export function decodeChunk(json: string): readonly Segment[] {
  const v = JSON.parse(json) as Segment[] | { s: Segment[]; d: Delta[] };
  const segs = Array.isArray(v) ? v : v.s;
  // In index order, and each refers to an earlier segment: its text is whole when read here.
  if (!Array.isArray(v)) for (const [i, j, head, before, after] of v.d) segs[i]!.text = before + segs[j]!.text.slice(head) + after;
  for (const s of segs) freezeAll(s);
  return segs;
}

/** One agent's stream: sealed chunks, the open one, and the recall packed last (to find the next one's stretch). */
class AgentStream {
  readonly sealed: unknown[] = [];
  open: Segment[] = [];
  last: readonly Segment[] = [];
  lastFrom = 0;

  constructor(readonly key: number) {}

  get length(): number {
    return this.sealed.length * RECALL_CHUNK + this.open.length;
  }

  append(seg: Segment, codec: BlockCodec): void {
    this.open.push(seg);
    if (this.open.length < RECALL_CHUNK) return;
    this.sealed.push(codec.encode(encodeChunk(this.open)));
    this.open = [];
  }
}

/** The streams of one snapshot log (see the module comment). */
export class RecallStreams {
  private readonly streams = new Map<string, AgentStream>();
  private readonly cache = new Map<number, readonly Segment[]>();

  constructor(private readonly codec: BlockCodec) {}

  /**
   * Replaces each agent's recall and window in `copy` (a snapshot copy the caller gives up, not
   * shared with a live state) by PACKED and returns where each is kept. A record already packed
   * (shared with the snapshot before, unchanged since) keeps that snapshot's from `before`.
   */
  pack(copy: KernelState, before: ReadonlyMap<string, PackedProc> | undefined): Map<string, PackedProc> {
    const packed = new Map<string, PackedProc>();
    for (const id in copy.procs) {
      if (!Object.hasOwn(copy.procs, id)) continue;
      const p = copy.procs[id]!;
      if (p.recall === PACKED || p.context === PACKED) {
        const kept = before?.get(id);
        if (kept === undefined) throw new Error(`snapshot of agent ${id}: its record is packed but not kept`);
        packed.set(id, kept);
        continue;
      }
      const recall = this.stretch(id, p.recall);
      // The window changes at every turn (a read replaces its segments): written out whole, once per snapshot.
      const context = p.context.every((seg) => Object.isFrozen(seg)) ? this.codec.encode(JSON.stringify(p.context)) : undefined;
      if (recall === null && context === undefined) continue;
      packed.set(id, { ...(recall ? { recall } : {}), ...(context !== undefined ? { context } : {}) });
      if (recall) p.recall = PACKED;
      if (context !== undefined) p.context = PACKED;
    }
    return packed;
  }

  /** Puts each packed agent's recall and window back into `s` (a fresh copy of a packed snapshot), as new arrays. */
  unpack(s: KernelState, packed: ReadonlyMap<string, PackedProc>): KernelState {
    for (const [id, { recall, context }] of packed) {
      const p = s.procs[id];
      if (p === undefined) continue;
      if (recall) p.recall = this.read(this.streams.get(id)!, recall[0], recall[1]);
      if (context !== undefined) p.context = (JSON.parse(this.codec.decode(context)) as Segment[]).map(freezeAll);
    }
    return s;
  }

  /** Where `recall` lies in agent `id`'s stream, appending what is new; null when it cannot be packed. */
  private stretch(id: string, recall: readonly Segment[]): RecallRange | null {
    let st = this.streams.get(id);
    if (st === undefined) this.streams.set(id, (st = new AgentStream(this.streams.size)));
    for (const seg of recall) if (!Object.isFrozen(seg)) return null;
    // The last packed recall lies at the stream's end: a recall that starts inside it and agrees with it from there goes on it.
    const last = st.last;
    const at = recall.length > 0 ? last.indexOf(recall[0]!) : -1;
    let overlap = at >= 0 && st.lastFrom + last.length === st.length ? Math.min(last.length - at, recall.length) : -1;
    for (let j = 0; j < overlap; j++) {
      if (recall[j] !== last[at + j]) {
        overlap = -1;
        break;
      }
    }
    const from = overlap >= 0 ? st.lastFrom + at : st.length;
    for (let j = Math.max(0, overlap); j < recall.length; j++) st.append(recall[j]!, this.codec);
    st.last = recall;
    st.lastFrom = from;
    return [from, from + recall.length];
  }

  private read(st: AgentStream, from: number, to: number): Segment[] {
    const out: Segment[] = [];
    for (let seq = from; seq < to; ) {
      const c = Math.floor(seq / RECALL_CHUNK);
      const segs = c < st.sealed.length ? this.chunk(st, c) : st.open;
      const end = Math.min(to, (c + 1) * RECALL_CHUNK);
      for (; seq < end; seq++) out.push(segs[seq - c * RECALL_CHUNK]!);
    }
    return out;
  }

  private chunk(st: AgentStream, c: number): readonly Segment[] {
    // Chunk numbers stay far below 2^26 (64 segments each): one number keys agent and chunk.
    const key = st.key * 2 ** 26 + c;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const segs = decodeChunk(this.codec.decode(st.sealed[c]));
    if (this.cache.size >= CACHE_CHUNKS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, segs);
    return segs;
  }
}
