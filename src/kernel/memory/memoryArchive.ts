/**
 * An ArchiveStore held in memory, for kernel tests and the CLI: BM25 over an inverted index
 * (term → chunk → frequency), so a search visits only the postings of its query terms. Ranks
 * exactly as the IndexedDB archive (src/persist/DexieArchive.ts) does: same tokenizer, same
 * arithmetic in the same order (memory/bm25.ts).
 */
import type { ArchiveChunk, ArchiveHit, ArchiveStore } from './archiveStore';
import { averageLength, bm25Idf, bm25Weight, queryTerms, termFrequencies, topK } from './bm25';

interface Entry {
  chunk: Readonly<ArchiveChunk>;
  /** Insertion order within the store; breaks score ties. */
  seq: number;
  length: number;
  tf: Map<string, number>;
}

/** One store's chunks and postings. */
class StoreIndex {
  readonly byId = new Map<string, Entry>();
  readonly bySeq = new Map<number, Entry>();
  /** term → seq → term frequency; seqs in ascending order (Maps keep insertion order). */
  readonly postings = new Map<string, Map<number, number>>();
  nextSeq = 0;
  totalLength = 0;

  add(chunk: ArchiveChunk): void {
    this.remove(chunk.id);
    const { length, tf } = termFrequencies(chunk.text);
    const entry: Entry = { chunk: Object.freeze({ ...chunk, tags: Object.freeze([...chunk.tags]) as string[] }), seq: this.nextSeq++, length, tf };
    this.byId.set(chunk.id, entry);
    this.bySeq.set(entry.seq, entry);
    this.totalLength += length;
    for (const [term, f] of tf) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = new Map()));
      list.set(entry.seq, f);
    }
  }

  remove(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    this.bySeq.delete(entry.seq);
    this.totalLength -= entry.length;
    for (const term of entry.tf.keys()) {
      const list = this.postings.get(term);
      list?.delete(entry.seq);
      if (list?.size === 0) this.postings.delete(term);
    }
    return true;
  }

  search(query: string, k: number): ArchiveHit[] {
    const docs = this.byId.size;
    const terms = queryTerms(query);
    if (docs === 0 || terms.length === 0 || !(k >= 1)) return [];
    const avg = averageLength(this.totalLength, docs);
    const scores = new Map<number, number>();
    for (const term of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = bm25Idf(list.size, docs);
      for (const [seq, f] of list) scores.set(seq, (scores.get(seq) ?? 0) + bm25Weight(idf, f, this.bySeq.get(seq)!.length, avg));
    }
    return topK([...scores.keys()], (seq) => scores.get(seq)!, k).map(({ seq, score }) => ({ chunk: this.bySeq.get(seq)!.chunk, score }));
  }
}

/**
 * The in-memory archive. A chunk inserted again under its id replaces the old one and moves to
 * the end of the insertion order. Returned chunks are frozen copies.
 */
export class MemoryArchive implements ArchiveStore {
  private readonly stores = new Map<string, StoreIndex>();

  private index(store: string): StoreIndex {
    let s = this.stores.get(store);
    if (!s) this.stores.set(store, (s = new StoreIndex()));
    return s;
  }

  async insert(chunks: readonly ArchiveChunk[]): Promise<void> {
    for (const chunk of chunks) this.index(chunk.store).add(chunk);
  }

  async search(store: string, query: string, k: number): Promise<ArchiveHit[]> {
    return this.stores.get(store)?.search(query, Math.floor(k)) ?? [];
  }

  async get(store: string, id: string): Promise<ArchiveChunk | undefined> {
    return this.stores.get(store)?.byId.get(id)?.chunk;
  }

  async delete(store: string, id: string): Promise<boolean> {
    return this.stores.get(store)?.remove(id) ?? false;
  }

  async count(store: string): Promise<number> {
    return this.stores.get(store)?.byId.size ?? 0;
  }
}
