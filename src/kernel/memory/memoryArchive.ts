/**
 * An ArchiveStore held in memory, for kernel tests and the CLI: BM25 over an inverted index
 * (term → ascending seqs and frequencies), so a search visits only the postings of its query terms. Ranks
 * exactly as the IndexedDB archive (src/persist/DexieArchive.ts) does: same tokenizer, same
 * arithmetic in the same order (memory/bm25.ts).
 */
import type { ArchiveChunk, ArchiveHit, ArchiveStore } from './archiveStore';
import { averageLength, bm25Idf, bm25Weight, queryTerms, Scores, termFrequencies } from './bm25';

interface Entry {
  chunk: Readonly<ArchiveChunk>;
  /** Insertion order within the store; breaks score ties. */
  seq: number;
  length: number;
  terms: string[];
}

/** A term's postings: parallel arrays (seq, term frequency, chunk length), ascending seq (inserts always bring a new, larger seq). */
interface Postings {
  seqs: number[];
  tfs: number[];
  lengths: number[];
}

/** The index of `seq` in ascending `seqs`, or -1. */
function indexOfSeq(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = seqs[mid]!;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** One store's chunks and postings. */
class StoreIndex {
  readonly byId = new Map<string, Entry>();
  readonly bySeq = new Map<number, Entry>();
  readonly postings = new Map<string, Postings>();
  nextSeq = 0;
  totalLength = 0;
  private scratch: Float64Array | null = null;

  add(chunk: ArchiveChunk): void {
    this.remove(chunk.id);
    const { length, tf } = termFrequencies(chunk.text);
    const entry: Entry = { chunk: Object.freeze({ ...chunk, tags: Object.freeze([...chunk.tags]) as string[] }), seq: this.nextSeq++, length, terms: [...tf.keys()] };
    this.byId.set(chunk.id, entry);
    this.bySeq.set(entry.seq, entry);
    this.totalLength += length;
    for (const [term, f] of tf) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = { seqs: [], tfs: [], lengths: [] }));
      list.seqs.push(entry.seq);
      list.tfs.push(f);
      list.lengths.push(length);
    }
  }

  remove(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.byId.delete(id);
    this.bySeq.delete(entry.seq);
    this.totalLength -= entry.length;
    for (const term of entry.terms) {
      const list = this.postings.get(term)!;
      const at = indexOfSeq(list.seqs, entry.seq);
      list.seqs.splice(at, 1);
      list.tfs.splice(at, 1);
      list.lengths.splice(at, 1);
      if (list.seqs.length === 0) this.postings.delete(term);
    }
    return true;
  }

  search(query: string, k: number): ArchiveHit[] {
    const docs = this.byId.size;
    const terms = queryTerms(query);
    if (docs === 0 || terms.length === 0 || !(k >= 1)) return [];
    const avg = averageLength(this.totalLength, docs);
    const scores = new Scores(this.nextSeq, this.scratch);
    for (const term of terms) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = bm25Idf(list.seqs.length, docs);
      for (let i = 0; i < list.seqs.length; i++) scores.add(list.seqs[i]!, bm25Weight(idf, list.tfs[i]!, list.lengths[i]!, avg));
    }
    const best = scores.top(k);
    this.scratch = scores.release();
    return best.map(({ seq, score }) => ({ chunk: this.bySeq.get(seq)!.chunk, score }));
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

  async clear(prefix: string): Promise<void> {
    for (const store of [...this.stores.keys()]) if (store.startsWith(prefix)) this.stores.delete(store);
  }

  async count(store: string): Promise<number> {
    return this.stores.get(store)?.byId.size ?? 0;
  }
}
