/**
 * The ArchiveStore on IndexedDB: chunks and a BM25 inverted index live in the studio database,
 * so an archive survives reloads and costs the JS heap nothing between searches. Ranks exactly
 * as MemoryArchive (kernel/memory/bm25.ts supplies tokenizer, weights and top-k).
 *
 * Layout (StudioDb version 5):
 *   archiveBlocks [store+block], unique multi-entry keys  chunks of ARCHIVE_BLOCK consecutive seqs, with their [store, id]
 *   archiveParts  [store+segment+part]            a segment's postings, partitioned by term hash (archiveSegment.ts)
 *   archiveStats  store                           chunk count, total length, next seq, the segment list
 *
 * An insert call is one transaction: it writes the chunks in blocks (the one the store's seqs
 * stop inside rewritten) and one new segment (a few partition rows, whatever the vocabulary, and
 * a row per long list), then merges a full size tier if there is one. A search reads the stats
 * row, one row per query term per segment (one bulkGet, sent with the stats read when the
 * segments are those it saw last), scores, and reads the blocks of the top k chunks: it never
 * walks the chunks or the index.
 */
import Dexie, { type Table } from 'dexie';
import { averageLength, bm25Idf, queryTerms, Scores, termFrequencies, type ArchiveChunk, type ArchiveHit, type ArchiveStore } from '../kernel';
import { findTerm, listAt, listsOf, mergeSegments, partRow, pickMerge, rowOf, segmentFromDocs, segmentOf, unionRanges, withoutSeqs, type TermList } from './archiveSegment';
import { scorePostings } from './postingList';
import { ARCHIVE_BLOCK, toArchiveBlocks, type ArchiveBlockRow, type ArchiveChunkRow, type ArchivePartRow, type ArchiveSegmentMeta, type ArchiveStatsRow, type StudioDb } from './StudioDb';
import { withStorage } from './storageError';

/** Rows per bulkPut (dexie/Dexie.js#1083). */
const PUT_ROWS = 1000;

type PartKey = [string, number, number];

interface Prepared {
  chunk: ArchiveChunk;
  length: number;
  tf: Map<string, number>;
}

function chunkOf(row: ArchiveChunkRow): ArchiveChunk {
  const chunk: ArchiveChunk = { id: row.id, store: row.store, text: row.text, source: row.source, trust: row.trust, tags: row.tags, t: row.t };
  if (row.valid === false) chunk.valid = false;
  if (row.taint && row.taint.length > 0) chunk.taint = row.taint;
  return chunk;
}

async function putAll<T, K>(table: Table<T, K>, rows: readonly T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += PUT_ROWS) await table.bulkPut(rows.slice(i, i + PUT_ROWS));
}

/** Puts rows; returns those a unique index refused (ConstraintError), the transaction going on. Other failures throw. */
async function putRefusing<T, K>(table: Table<T, K>, rows: readonly T[]): Promise<T[]> {
  const refused: T[] = [];
  for (let i = 0; i < rows.length; i += PUT_ROWS) {
    const slice = rows.slice(i, i + PUT_ROWS);
    try {
      await table.bulkPut(slice);
    } catch (err) {
      if (!(err instanceof Dexie.BulkError)) throw err;
      for (const [pos, failure] of Object.entries(err.failuresByPos)) {
        if (failure.name !== 'ConstraintError') throw failure;
        refused.push(slice[Number(pos)]!);
      }
    }
  }
  return refused;
}

/** A block without the chunks of `ids`: the row to put, or null when none is left (delete it). */
function withoutIds(block: ArchiveBlockRow, ids: ReadonlySet<string>): ArchiveBlockRow | null {
  const chunks = block.chunks.filter((c) => !ids.has(c.id));
  return chunks.length === 0 ? null : { ...block, keys: chunks.map((c): [string, string] => [block.store, c.id]), chunks };
}

/** What a search asks for: each key once, and per query term the indexes of its segments' rows in `keys`. */
interface ReadPlan {
  keys: PartKey[];
  where: number[][];
}

function readPlan(store: string, terms: readonly string[], segments: readonly ArchiveSegmentMeta[]): ReadPlan {
  const keys: PartKey[] = [];
  const slot = new Map<string, number>();
  const where = terms.map((term) =>
    segments.map((seg) => {
      const part = rowOf(seg, term);
      const name = `${seg.id}:${part}`;
      let i = slot.get(name);
      if (i === undefined) slot.set(name, (i = keys.push([store, seg.id, part]) - 1));
      return i;
    }),
  );
  return { keys, where };
}

/** The same segments, read the same way (ids, partitions and long terms): a read plan made for one holds for the other. */
function sameSegments(a: readonly ArchiveSegmentMeta[], b: readonly ArchiveSegmentMeta[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((s, i) => {
    const t = b[i]!;
    const x = s.long ?? [];
    const y = t.long ?? [];
    return s.id === t.id && s.parts === t.parts && x.length === y.length && x.every((term, j) => term === y[j]);
  });
}

/**
 * The IndexedDB archive. A chunk inserted again under its id replaces the old one and moves to
 * the end of the insertion order (as in MemoryArchive). Insert big batches in one call when you
 * can: each call writes a segment. Failures reject with a StorageError.
 */
export class DexieArchive implements ArchiveStore {
  /** The score buffer searches share (scoring never awaits, so one search uses it at a time). */
  private scratch: Float64Array | null = null;
  /**
   * Per store, the segment list the last search read: the next search asks for its rows in the
   * same round trip as the stats row and keeps them only if the segments are still the same.
   */
  private readonly lastSegments = new Map<string, ArchiveSegmentMeta[]>();

  constructor(private readonly db: StudioDb) {}

  private get tables() {
    return [this.db.archiveBlocks, this.db.archiveParts, this.db.archiveStats];
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
    await withStorage('save to the archive', () =>
      this.db.transaction('rw', this.tables, async () => {
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
      db.transaction('r', this.tables, async () => {
        const guess = this.lastSegments.get(store);
        const guessed = guess && readPlan(store, terms, guess);
        const [stats, guessedRows] = await Promise.all([db.archiveStats.get(store), guessed && db.archiveParts.bulkGet(guessed.keys)]);
        if (!stats || stats.docs === 0) {
          this.lastSegments.delete(store);
          return [];
        }
        this.lastSegments.set(store, stats.segments);
        // The rows read with the stats row are this transaction's, so they hold if the segments are the ones guessed.
        const plan = guessed && guessedRows && sameSegments(guess, stats.segments) ? guessed : readPlan(store, terms, stats.segments);
        const rows = plan === guessed ? guessedRows! : await db.archiveParts.bulkGet(plan.keys);
        const { where } = plan;
        const avg = averageLength(stats.totalLength, stats.docs);
        const scores = new Scores(stats.nextSeq, this.scratch);
        // Term at a time, in query order: the same additions, in the same order, as MemoryArchive.
        terms.forEach((term, t) => {
          const lists: TermList[] = [];
          for (const i of where[t]!) {
            const row = rows[i];
            const at = row ? findTerm(row, term) : -1;
            if (at >= 0) lists.push(listAt(row!, at));
          }
          if (lists.length === 0) return;
          const idf = bm25Idf(lists.reduce((df, list) => df + list.count, 0), stats.docs);
          for (const list of lists) scorePostings(list.bytes, idf, avg, scores);
        });
        const best = scores.top(limit);
        this.scratch = scores.release();
        if (best.length === 0) return [];
        const blocks = [...new Set(best.map(({ seq }) => Math.floor(seq / ARCHIVE_BLOCK)))];
        const found = new Map<number, ArchiveChunkRow>();
        for (const block of await db.archiveBlocks.bulkGet(blocks.map((b): [string, number] => [store, b]))) for (const row of block?.chunks ?? []) found.set(row.seq, row);
        return best.flatMap(({ seq, score }) => {
          const row = found.get(seq);
          return row ? [{ chunk: chunkOf(row), score }] : [];
        });
      }),
    );
  }

  async get(store: string, id: string): Promise<ArchiveChunk | undefined> {
    const block = await withStorage('read the archive', () => this.blockOf(store, id));
    const row = block?.chunks.find((c) => c.id === id);
    return row && chunkOf(row);
  }

  async delete(store: string, id: string): Promise<boolean> {
    const { db } = this;
    return withStorage('delete from the archive', () =>
      db.transaction('rw', this.tables, async () => {
        const [block, stats] = await Promise.all([this.blockOf(store, id), db.archiveStats.get(store)]);
        const row = block?.chunks.find((c) => c.id === id);
        if (!block || !row || !stats) return false;
        await this.removePostings(stats, [row]);
        const rest = withoutIds(block, new Set([id]));
        await (rest ? db.archiveBlocks.put(rest) : db.archiveBlocks.delete([store, block.block]));
        await db.archiveStats.put(stats);
        return true;
      }),
    );
  }

  async clear(prefix: string): Promise<void> {
    const { db } = this;
    const end = `${prefix}\uffff`;
    await withStorage('clear the archive', () =>
      db.transaction('rw', this.tables, async () => {
        // [prefix] sorts before every [prefix…, …] key and [end] after every key of a store below end.
        await db.archiveBlocks.where('[store+block]').between([prefix], [end]).delete();
        await db.archiveParts.where('[store+segment+part]').between([prefix], [end]).delete();
        await db.archiveStats.where('store').startsWith(prefix).delete();
      }),
    );
  }

  async count(store: string): Promise<number> {
    const stats = await withStorage('read the archive', () => this.db.archiveStats.get(store));
    return stats?.docs ?? 0;
  }

  /** Inside the insert transaction: replaces chunks already stored, writes the batch as a segment, compacts. */
  private async insertInto(store: string, list: readonly Prepared[]): Promise<void> {
    const { db } = this;
    const stats: ArchiveStatsRow = (await db.archiveStats.get(store)) ?? { store, docs: 0, totalLength: 0, nextSeq: 0, nextSegment: 0, segments: [] };
    const from = stats.nextSeq;
    const chunkRows: ArchiveChunkRow[] = list.map(({ chunk, length }) => ({ ...chunk, seq: stats.nextSeq++, length }));
    // The block the store's seqs stop inside is rewritten with the new chunks after its own; its
    // chunks under an id of this batch are re-inserts, found here.
    const ids = new Set(chunkRows.map((row) => row.id));
    const replaced: ArchiveChunkRow[] = [];
    const head = from % ARCHIVE_BLOCK === 0 ? undefined : await db.archiveBlocks.get([store, Math.floor(from / ARCHIVE_BLOCK)]);
    const kept = head ? head.chunks.filter((row) => !ids.has(row.id) || (replaced.push(row), false)) : [];
    // The unique index refuses a block holding an id an older block holds: re-inserts, handled
    // below. (Asking the index for every id first cost a request per chunk.) IndexedDB writes while we encode.
    const writing = putRefusing(db.archiveBlocks, toArchiveBlocks([...kept, ...chunkRows]));
    for (const { length } of list) {
      stats.docs++;
      stats.totalLength += length;
    }
    const id = stats.nextSegment++;
    const { rows, parts, long } = segmentFromDocs(store, id, from, list);
    stats.segments.push({ id, docs: list.length, parts, ranges: [[from, stats.nextSeq - 1]], long });
    const [refused] = await Promise.all([writing, putAll(db.archiveParts, rows)]);
    if (refused.length > 0) {
      // Re-inserts: the old chunks leave their blocks, then the refused blocks are written (the
      // rewritten head first, as toArchiveBlocks ordered them: it drops the ids found in it above).
      const inHead = new Set(replaced.map((row) => row.id));
      const again = new Set(refused.flatMap((block) => block.chunks.filter((row) => row.seq >= from && !inHead.has(row.id)).map((row) => row.id)));
      const olds = new Map<number, ArchiveBlockRow>();
      for (const block of await Promise.all([...again].map((id) => this.blockOf(store, id)))) if (block) olds.set(block.block, block);
      const emptied: Array<[string, number]> = [];
      const rewritten: ArchiveBlockRow[] = [];
      for (const block of olds.values()) {
        replaced.push(...block.chunks.filter((row) => again.has(row.id)));
        const rest = withoutIds(block, again);
        if (rest) rewritten.push(rest);
        else emptied.push([store, block.block]);
      }
      await Promise.all([db.archiveBlocks.bulkDelete(emptied), putAll(db.archiveBlocks, rewritten)]);
      await putAll(db.archiveBlocks, refused);
    }
    if (replaced.length > 0) await this.removePostings(stats, replaced);
    await this.compact(stats);
    await db.archiveStats.put(stats);
  }

  /** Inside a write transaction: merges full size tiers (archiveSegment.ts pickMerge) until none is left. */
  private async compact(stats: ArchiveStatsRow): Promise<void> {
    const { db } = this;
    for (let merge = pickMerge(stats.segments); merge.length > 0; merge = pickMerge(stats.segments)) {
      // All reads in one round trip; the deletes go on while the merged rows are built.
      const inputs = await Promise.all(merge.map(async (seg) => ({ ranges: seg.ranges, rows: await this.segmentRows(stats.store, seg).toArray() })));
      const deleted = Promise.all(merge.map((seg) => this.segmentRows(stats.store, seg).delete()));
      const id = stats.nextSegment++;
      const { rows, parts, long } = mergeSegments(stats.store, id, inputs);
      await Promise.all([deleted, putAll(db.archiveParts, rows)]);
      const meta: ArchiveSegmentMeta = { id, docs: merge.reduce((n, s) => n + s.docs, 0), parts, ranges: unionRanges(merge), long };
      stats.segments = [...stats.segments.filter((s) => !merge.includes(s)), meta];
    }
  }

  /**
   * Inside a write transaction: takes `rows`' postings out of their segments (dropping emptied
   * partitions and segments) and their counts out of `stats`; the caller writes stats and chunk rows.
   */
  private async removePostings(stats: ArchiveStatsRow, rows: readonly ArchiveChunkRow[]): Promise<void> {
    const { db } = this;
    const bySegment = new Map<ArchiveSegmentMeta, ArchiveChunkRow[]>();
    for (const row of rows) {
      stats.docs--;
      stats.totalLength -= row.length;
      const seg = segmentOf(stats.segments, row.seq);
      if (!seg) continue;
      const list = bySegment.get(seg) ?? [];
      list.push(row);
      bySegment.set(seg, list);
    }
    for (const [seg, gone] of bySegment) {
      seg.docs -= gone.length;
      if (seg.docs <= 0) {
        await this.segmentRows(stats.store, seg).delete();
        stats.segments = stats.segments.filter((s) => s !== seg);
        continue;
      }
      const seqsByTerm = new Map<string, Set<number>>();
      for (const row of gone) {
        for (const term of termFrequencies(row.text).tf.keys()) {
          const seqs = seqsByTerm.get(term) ?? new Set<number>();
          seqs.add(row.seq);
          seqsByTerm.set(term, seqs);
        }
      }
      const keys = [...new Set([...seqsByTerm.keys()].map((term) => rowOf(seg, term)))].map((part): PartKey => [stats.store, seg.id, part]);
      const put: ArchivePartRow[] = [];
      const drop: PartKey[] = [];
      for (const part of await db.archiveParts.bulkGet(keys)) {
        if (!part) continue;
        const lists = listsOf([part]);
        for (const [term, list] of lists) {
          const seqs = seqsByTerm.get(term);
          if (!seqs) continue;
          const kept = withoutSeqs(list, seqs);
          if (kept.count === 0) lists.delete(term);
          else lists.set(term, kept);
        }
        if (lists.size === 0) drop.push([stats.store, seg.id, part.part]);
        else put.push(partRow(stats.store, seg.id, part.part, lists));
      }
      await db.archiveParts.bulkDelete(drop);
      await putAll(db.archiveParts, put);
    }
  }

  /** The block holding the chunk `id` of `store`, if any. */
  private blockOf(store: string, id: string): Promise<ArchiveBlockRow | undefined> {
    return this.db.archiveBlocks.where('keys').equals([store, id]).first();
  }

  private segmentRows(store: string, seg: ArchiveSegmentMeta) {
    return this.db.archiveParts.where('[store+segment+part]').between([store, seg.id, Dexie.minKey], [store, seg.id, Dexie.maxKey]);
  }
}
