/**
 * The ArchiveStore on IndexedDB: chunks and a BM25 inverted index live in the studio database,
 * so an archive survives reloads and costs the heap nothing between searches. Ranks exactly as
 * MemoryArchive (kernel/memory/bm25.ts supplies tokenizer, weights and top-k).
 *
 * Layout (StudioDb version 2):
 *   archiveChunks [store+id], index [store+seq]   the chunk, its insertion seq and length
 *   archiveTerms  [store+term]                    df, the newest postings (tail) and how many sealed blocks
 *   archiveBlocks [store+term+first]              sealed posting blocks of BLOCK_POSTINGS, keyed by first seq
 *   archiveStats  store                           chunk count, total length, next seq
 *
 * A search reads the stats row, its terms' rows and their blocks (key ranges), scores, then reads
 * the top k chunks by seq: it never walks the chunks. An insert call is one transaction: it
 * merges the batch's postings in memory, then reads and rewrites each touched term once.
 */
import Dexie, { type Table } from 'dexie';
import { averageLength, bm25Idf, bm25Weight, queryTerms, termFrequencies, topK } from '../kernel/memory/bm25';
import type { ArchiveChunk, ArchiveHit, ArchiveStore } from '../kernel';
import { decodePostings, PostingWriter, readPostings } from './postingList';
import type { ArchiveBlockRow, ArchiveChunkRow, ArchiveStatsRow, ArchiveTermRow, StudioDb } from './StudioDb';
import { withStorage } from './storageError';

/** Postings per sealed block: ~3–4 bytes each, so a block row stays well under 64 KB. */
export const BLOCK_POSTINGS = 8192;
/** Rows per bulkPut (dexie/Dexie.js#1083). */
const PUT_ROWS = 1000;
/** Above this many seqs, scores accumulate in a Map instead of a Float64Array indexed by seq. */
const DENSE_SCORES_MAX = 1 << 22;

interface Prepared {
  chunk: ArchiveChunk;
  length: number;
  tf: Map<string, number>;
}

const termRange = (store: string, term: string): [[string, string, unknown], [string, string, unknown]] => [[store, term, Dexie.minKey], [store, term, Dexie.maxKey]];

function chunkOf(row: ArchiveChunkRow): ArchiveChunk {
  return { id: row.id, store: row.store, text: row.text, source: row.source, trust: row.trust, tags: row.tags, t: row.t };
}

async function putAll<T, K>(table: Table<T, K>, rows: readonly T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += PUT_ROWS) await table.bulkPut(rows.slice(i, i + PUT_ROWS));
}

/**
 * The IndexedDB archive. A chunk inserted again under its id replaces the old one and moves to
 * the end of the insertion order (as in MemoryArchive). Failures reject with a StorageError.
 */
export class DexieArchive implements ArchiveStore {
  private readonly blockPostings: number;

  /** `blockPostings` (tests) seals blocks sooner than BLOCK_POSTINGS; blocks of any size read back the same. */
  constructor(
    private readonly db: StudioDb,
    options: { blockPostings?: number } = {},
  ) {
    this.blockPostings = options.blockPostings ?? BLOCK_POSTINGS;
  }

  async insert(chunks: readonly ArchiveChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    // Per store, the last chunk of each id wins, at its own position; tokenized before the transaction.
    const byStore = new Map<string, Map<string, ArchiveChunk>>();
    for (const chunk of chunks) {
      let ids = byStore.get(chunk.store);
      if (!ids) byStore.set(chunk.store, (ids = new Map()));
      ids.delete(chunk.id);
      ids.set(chunk.id, chunk);
    }
    const prepared = [...byStore].map(([store, ids]) => ({ store, list: [...ids.values()].map((chunk): Prepared => ({ chunk, ...termFrequencies(chunk.text) })) }));
    const { db } = this;
    await withStorage('save to the archive', () =>
      db.transaction('rw', [db.archiveChunks, db.archiveTerms, db.archiveBlocks, db.archiveStats], async () => {
        for (const { store, list } of prepared) await this.insertInto(store, list);
      }),
    );
  }

  async search(store: string, query: string, k: number): Promise<ArchiveHit[]> {
    const terms = queryTerms(query);
    const limit = Math.floor(k);
    if (terms.length === 0 || !(limit >= 1)) return [];
    const { db } = this;
    return withStorage('search the archive', () =>
      db.transaction('r', [db.archiveChunks, db.archiveTerms, db.archiveBlocks, db.archiveStats], async () => {
        const stats = await db.archiveStats.get(store);
        if (!stats || stats.docs === 0) return [];
        const termRows = await db.archiveTerms.bulkGet(terms.map((term) => [store, term]));
        const blocks = await Promise.all(termRows.map((row) => (row && row.blocks > 0 ? db.archiveBlocks.where('[store+term+first]').between(...termRange(store, row.term)).toArray() : [])));
        const avg = averageLength(stats.totalLength, stats.docs);
        const dense = stats.nextSeq <= DENSE_SCORES_MAX ? new Float64Array(stats.nextSeq) : null;
        const sparse = dense ? null : new Map<number, number>();
        const touched: number[] = [];
        // Term at a time, in query order: the same additions, in the same order, as MemoryArchive.
        termRows.forEach((row, i) => {
          if (!row) return;
          const idf = bm25Idf(row.df, stats.docs);
          const add = dense
            ? (seq: number, tf: number, length: number) => {
                const prev = dense[seq]!;
                if (prev === 0) touched.push(seq);
                dense[seq] = prev + bm25Weight(idf, tf, length, avg);
              }
            : (seq: number, tf: number, length: number) => {
                const prev = sparse!.get(seq);
                if (prev === undefined) touched.push(seq);
                sparse!.set(seq, (prev ?? 0) + bm25Weight(idf, tf, length, avg));
              };
          for (const block of blocks[i]!) readPostings(block.post, add);
          readPostings(row.post, add);
        });
        const best = topK(touched, dense ? (seq) => dense[seq]! : (seq) => sparse!.get(seq)!, limit);
        if (best.length === 0) return [];
        const rows = await Promise.all(best.map(({ seq }) => db.archiveChunks.where('[store+seq]').equals([store, seq]).first()));
        return best.flatMap(({ score }, i) => {
          const row = rows[i];
          return row ? [{ chunk: chunkOf(row), score }] : [];
        });
      }),
    );
  }

  async get(store: string, id: string): Promise<ArchiveChunk | undefined> {
    const row = await withStorage('read the archive', () => this.db.archiveChunks.get([store, id]));
    return row && chunkOf(row);
  }

  async delete(store: string, id: string): Promise<boolean> {
    const { db } = this;
    return withStorage('delete from the archive', () =>
      db.transaction('rw', [db.archiveChunks, db.archiveTerms, db.archiveBlocks, db.archiveStats], async () => {
        const row = await db.archiveChunks.get([store, id]);
        const stats = await db.archiveStats.get(store);
        if (!row || !stats) return false;
        await this.removePostings(store, [row], stats);
        await db.archiveChunks.delete([store, id]);
        await db.archiveStats.put(stats);
        return true;
      }),
    );
  }

  async count(store: string): Promise<number> {
    const stats = await withStorage('read the archive', () => this.db.archiveStats.get(store));
    return stats?.docs ?? 0;
  }

  /** Inside the insert transaction: replaces chunks already stored, appends the batch's postings to each term. */
  private async insertInto(store: string, list: readonly Prepared[]): Promise<void> {
    const { db } = this;
    const stats: ArchiveStatsRow = (await db.archiveStats.get(store)) ?? { store, docs: 0, totalLength: 0, nextSeq: 0 };
    if (stats.docs > 0) {
      const replaced = (await db.archiveChunks.bulkGet(list.map((p) => [store, p.chunk.id]))).filter((row): row is ArchiveChunkRow => row !== undefined);
      if (replaced.length > 0) await this.removePostings(store, replaced, stats);
    }
    const chunkRows: ArchiveChunkRow[] = [];
    const postings = new Map<string, number[]>(); // term → [seq, tf, length, seq, tf, length, …] ascending seq
    for (const { chunk, length, tf } of list) {
      const seq = stats.nextSeq++;
      chunkRows.push({ ...chunk, seq, length });
      stats.docs++;
      stats.totalLength += length;
      for (const [term, f] of tf) {
        let flat = postings.get(term);
        if (!flat) postings.set(term, (flat = []));
        flat.push(seq, f, length);
      }
    }
    const terms = [...postings.keys()];
    const existing = await db.archiveTerms.bulkGet(terms.map((term) => [store, term]));
    const termRows: ArchiveTermRow[] = [];
    const blockRows: ArchiveBlockRow[] = [];
    terms.forEach((term, i) => {
      const flat = postings.get(term)!;
      const row = existing[i] ?? { store, term, df: 0, blocks: 0, count: 0, last: 0, post: new Uint8Array(0) };
      let tail = new PostingWriter(row);
      let first = row.count > 0 ? decodeFirst(row.post) : flat[0]!;
      for (let j = 0; j < flat.length; j += 3) {
        if (tail.count === 0) first = flat[j]!;
        tail.push(flat[j]!, flat[j + 1]!, flat[j + 2]!);
        if (tail.count >= this.blockPostings) {
          blockRows.push({ store, term, first, count: tail.count, post: tail.bytesOut() });
          row.blocks++;
          tail = new PostingWriter();
        }
      }
      termRows.push({ store, term, df: row.df + flat.length / 3, blocks: row.blocks, count: tail.count, last: tail.last, post: tail.bytesOut() });
    });
    await putAll(db.archiveChunks, chunkRows);
    await putAll(db.archiveBlocks, blockRows);
    await putAll(db.archiveTerms, termRows);
    await db.archiveStats.put(stats);
  }

  /**
   * Inside a write transaction: takes `rows`' postings out of their terms (tails and blocks,
   * dropping emptied ones) and their counts out of `stats` (the caller writes stats and chunk rows).
   */
  private async removePostings(store: string, rows: readonly ArchiveChunkRow[], stats: ArchiveStatsRow): Promise<void> {
    const { db } = this;
    const gone = new Map<string, Set<number>>();
    for (const row of rows) {
      stats.docs--;
      stats.totalLength -= row.length;
      for (const term of termFrequencies(row.text).tf.keys()) {
        let seqs = gone.get(term);
        if (!seqs) gone.set(term, (seqs = new Set()));
        seqs.add(row.seq);
      }
    }
    const terms = [...gone.keys()];
    const termRows = await db.archiveTerms.bulkGet(terms.map((term) => [store, term]));
    const blocks = await Promise.all(termRows.map((row) => (row && row.blocks > 0 ? db.archiveBlocks.where('[store+term+first]').between(...termRange(store, row.term)).toArray() : [])));
    const putTerms: ArchiveTermRow[] = [];
    const dropTerms: [string, string][] = [];
    const putBlocks: ArchiveBlockRow[] = [];
    const dropBlocks: [string, string, number][] = [];
    termRows.forEach((row, i) => {
      if (!row) return;
      const seqs = gone.get(row.term)!;
      const keep = (post: Uint8Array) => {
        const kept = new PostingWriter();
        for (const [seq, tf, length] of decodePostings(post)) if (!seqs.has(seq)) kept.push(seq, tf, length);
        return kept;
      };
      for (const block of blocks[i]!) {
        const kept = keep(block.post);
        if (kept.count === block.count) continue;
        row.df -= block.count - kept.count;
        if (kept.count === 0) {
          dropBlocks.push([store, row.term, block.first]);
          row.blocks--;
        } else putBlocks.push({ ...block, count: kept.count, post: kept.bytesOut() });
      }
      const tail = keep(row.post);
      row.df -= row.count - tail.count;
      if (row.df === 0) dropTerms.push([store, row.term]);
      else putTerms.push({ ...row, count: tail.count, last: tail.last, post: tail.bytesOut() });
    });
    await db.archiveBlocks.bulkDelete(dropBlocks);
    await putAll(db.archiveBlocks, putBlocks);
    await db.archiveTerms.bulkDelete(dropTerms);
    await putAll(db.archiveTerms, putTerms);
  }
}

/** The seq of an encoded list's first posting. */
function decodeFirst(post: Uint8Array): number {
  let seq = 0;
  let mul = 1;
  for (let i = 0; i < post.length; i++) {
    const b = post[i]!;
    seq += (b & 127) * mul;
    if (!(b & 128)) break;
    mul *= 128;
  }
  return seq;
}
