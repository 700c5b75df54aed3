/**
 * The ArchiveStore port: archival memory (the disk). Several stores per run: each agent's
 * archival memory and shared knowledge stores. Ranked full-text search; an optional vector
 * search may sit behind the same port. The kernel records every result it uses in its trace,
 * so a seek or replay never needs the store again.
 */
export interface ArchiveChunk {
  /** Unique within its store. */
  id: string;
  store: string;
  text: string;
  /** Provenance: where the text came from and how far to trust it. */
  source: string;
  trust: 'trusted' | 'untrusted';
  tags: string[];
  /** False for a planted plausible-but-wrong chunk (a distractor); unset means valid. */
  valid?: boolean;
  /** Source labels of untrusted data the text derives from; absent when none (labels rest with the chunk). */
  taint?: string[];
  /** Virtual time (kernel) or wall time (UI inserts) of the insert. */
  t: number;
}

export interface ArchiveHit {
  chunk: ArchiveChunk;
  score: number;
}

export interface ArchiveStore {
  insert(chunks: readonly ArchiveChunk[]): Promise<void>;
  /** Top-k chunks of `store` for `query`, best first; ties in insertion order. */
  search(store: string, query: string, k: number): Promise<ArchiveHit[]>;
  get(store: string, id: string): Promise<ArchiveChunk | undefined>;
  delete(store: string, id: string): Promise<boolean>;
  /** Chunks in a store (for the archival browser). */
  count(store: string): Promise<number>;
  /** Deletes every store whose name starts with `prefix` (a run's namespaces, before a rebuild or when the run is deleted). */
  clear(prefix: string): Promise<void>;
}
