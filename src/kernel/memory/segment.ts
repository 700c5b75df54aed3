/**
 * The context window as RAM: a list of typed segments, each with a real token count and
 * provenance. What is present (in the window) and what is correct (validity) are separate
 * dimensions: a segment can be present and wrong.
 */
/** One line of the context window as an inference reads it. */
export interface ContextEntry {
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  tokens: number;
}

export type SegmentKind = 'system' | 'fact' | 'core' | 'message' | 'tool' | 'retrieved' | 'summary';

export interface Segment extends ContextEntry {
  /** Unique within the run, e.g. `s12`. */
  id: string;
  kind: SegmentKind;
  /** Tagged fact: never evicted, kept verbatim by compaction. */
  fact: boolean;
  /** Pinned by the harness (system, core blocks): never evicted. */
  pinned: boolean;
  /** Where it came from: `system`, `agent:ID`, `tool:ID`, `msg:ID`, `archive:STORE`, `summary`. */
  source: string;
  trust: 'trusted' | 'untrusted';
  verified: boolean;
  /** 0 (known wrong) … 1 (known right). */
  validity: number;
  /** Virtual time it entered the window, in ms. */
  t: number;
  /** Virtual times of its most recent reads by an inference, newest last (at most 8). */
  reads: number[];
  /** Source labels of untrusted data in it (taint); absent when trusted. */
  taint?: string[];
  /**
   * The world's ground truth the sim draws its mistakes from (0 wrong, 1 right), set where the
   * harness judges validity itself (a store with validity checks): `validity` is then the
   * harness's belief, which starts at 1 and only checks lower. Absent: validity was planted.
   */
  truth?: number;
  /** Which of its store's checks (by index) gave a verdict on it: each decides once. */
  checked?: number[];
  /** Contradiction checks with `recheck` (by index) that found it valid, and the fact each agreed with: a newer fact asks again. */
  agreed?: { index: number; fact: string }[];
  /** The check that set its validity last, and why, in one line (the Memory view shows it). */
  validityBy?: { check: string; reason: string };
}

/** Segments that eviction may never take. */
export const isEvictable = (s: Segment): boolean => !s.pinned && !s.fact && s.kind !== 'system';
