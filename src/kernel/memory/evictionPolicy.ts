/**
 * Eviction policies behind one ops table. A policy only ranks: the kernel evicts the ranked
 * victims, first to last, until the window is under its threshold. Pure functions of the
 * segments and the clock; system, pinned and fact segments are never offered.
 */
import { isEvictable, type Segment } from './segment';

export interface EvictionPolicy {
  readonly name: string;
  /** Evictable segment ids, first victim first. Called by the kernel; pure. */
  victims(segments: readonly Segment[], now: number, k: number): string[];
}

const lastRead = (s: Segment): number => s.reads[s.reads.length - 1] ?? s.t;
const byOrder = (segments: readonly Segment[]) => new Map(segments.map((s, i) => [s.id, i]));

function ranked(segments: readonly Segment[], key: (s: Segment) => number[]): string[] {
  const order = byOrder(segments);
  return segments
    .filter(isEvictable)
    .map((s) => ({ s, k: key(s) }))
    .sort((a, b) => {
      for (let i = 0; i < a.k.length; i++) if (a.k[i] !== b.k[i]) return a.k[i]! - b.k[i]!;
      return order.get(a.s.id)! - order.get(b.s.id)!;
    })
    .map((x) => x.s.id);
}

/** Oldest first, whatever was read since. */
export const fifoEviction: EvictionPolicy = Object.freeze({
  name: 'fifo',
  victims: (segments: readonly Segment[]) => ranked(segments, (s) => [s.t]),
});

/** Least recently read first (a segment never read counts from when it arrived). */
export const lruEviction: EvictionPolicy = Object.freeze({
  name: 'lru',
  victims: (segments: readonly Segment[]) => ranked(segments, (s) => [lastRead(s)]),
});

/**
 * LRU-K (O'Neil, O'Neil, Weikum 1993; AIOS lru_k_replacer): segments read fewer than k times
 * go first (least recent first), then the rest by their k-th most recent read.
 */
export const lruKEviction: EvictionPolicy = Object.freeze({
  name: 'lru-k',
  victims: (segments: readonly Segment[], _now: number, k: number) =>
    ranked(segments, (s) => (s.reads.length < k ? [0, lastRead(s)] : [1, s.reads[s.reads.length - k]!])),
});

/** Quality-aware: lowest validity first, then least recently read. */
export const qualityEviction: EvictionPolicy = Object.freeze({
  name: 'quality',
  victims: (segments: readonly Segment[]) => ranked(segments, (s) => [s.validity, lastRead(s)]),
});

const POLICIES: Readonly<Record<string, EvictionPolicy>> = Object.freeze({
  fifo: fifoEviction, lru: lruEviction, 'lru-k': lruKEviction, quality: qualityEviction,
});

export function evictionPolicy(name: string): EvictionPolicy {
  return POLICIES[name] ?? lruEviction;
}

export const EVICTION_POLICIES: readonly EvictionPolicy[] = Object.freeze(Object.values(POLICIES));
