import Dexie from 'dexie';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { termFrequencies, type ArchiveChunk, type ArchiveStore } from '../kernel';
import { CORPUS, RANKINGS } from '../kernel/memory/archiveCorpus.fixture';
import { MemoryArchive } from '../kernel/memory/memoryArchive';
import type { StoreDoc } from '../kernel/state/state';
import { rankDocuments } from '../kernel/tools/search';
import { segmentFromDocs } from './archiveSegment';
import { DexieArchive } from './DexieArchive';
import { injectDiskFaults } from './testing/injectDiskFaults';
import { StorageError } from './storageError';
import { ARCHIVE_BLOCK, StudioDb } from './StudioDb';

const open: StudioDb[] = [];
function freshDb(name = `archive-${crypto.randomUUID()}`): StudioDb {
  const db = new StudioDb(name);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** Rows each table hands back, by operation: how a test proves a search reads postings, not chunks. */
type Reads = Map<string, number>;
function countReads(db: StudioDb): Reads {
  const reads: Reads = new Map();
  const add = (key: string, n: number) => reads.set(key, (reads.get(key) ?? 0) + n);
  db.use({
    stack: 'dbcore',
    name: 'count-reads',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          get: (req) => table.get(req).then((r) => (add(`${name}.get`, r === undefined ? 0 : 1), r)),
          getMany: (req) => table.getMany(req).then((r) => (add(`${name}.getMany`, r.filter((x) => x !== undefined).length), r)),
          query: (req) => table.query(req).then((r) => (add(`${name}.query`, r.result.length), r)),
          openCursor: (req) => (add(`${name}.openCursor`, 1), table.openCursor(req)),
          count: (req) => (add(`${name}.count`, 1), table.count(req)),
        };
      },
    }),
  });
  return reads;
}

const hits = async (archive: ArchiveStore, query: string, k = 10, store = 'notes') => (await archive.search(store, query, k)).map((h) => [h.chunk.id, h.score] as const);
const ids = async (archive: ArchiveStore, query: string, k = 10, store = 'notes') => (await archive.search(store, query, k)).map((h) => h.chunk.id);

describe('DexieArchive', () => {
  it.each(RANKINGS)('ranks "$query" by hand, score for score as MemoryArchive: $why', async ({ query, ids: expected }) => {
    const archive = new DexieArchive(freshDb());
    const memory = new MemoryArchive();
    await archive.insert(CORPUS);
    await memory.insert(CORPUS);
    expect(await ids(archive, query)).toEqual(expected);
    expect(await hits(archive, query)).toEqual(await hits(memory, query));
  });

  it('returns chunks as inserted, with provenance, tags and time', async () => {
    const archive = new DexieArchive(freshDb());
    await archive.insert(CORPUS);
    const [hit] = await archive.search('notes', 'hot', 1);
    expect(hit?.chunk).toEqual(CORPUS.find((c) => c.id === 'hot'));
    expect(await archive.get('notes', 'paging')).toEqual(CORPUS[1]);
    expect(await archive.get('notes', 'nope')).toBeUndefined();
  });

  it('keeps ties in insertion order across calls, and re-inserting an id moves it last', async () => {
    const same = (id: string): ArchiveChunk => ({ id, store: 'notes', text: 'identical words', source: 's', trust: 'trusted', tags: [], t: 0 });
    const archive = new DexieArchive(freshDb());
    await archive.insert([same('c'), same('a')]);
    await archive.insert([same('b')]);
    expect(await ids(archive, 'identical')).toEqual(['c', 'a', 'b']);
    expect(await ids(archive, 'identical', 2)).toEqual(['c', 'a']);
    await archive.insert([same('c'), same('a'), same('c')]);
    expect(await ids(archive, 'identical')).toEqual(['b', 'a', 'c']);
    expect(await archive.count('notes')).toBe(3);
  });

  it('deletes a chunk from results, counts and gets', async () => {
    const archive = new DexieArchive(freshDb());
    await archive.insert(CORPUS);
    expect(await archive.delete('notes', 'hot')).toBe(true);
    expect(await ids(archive, 'cache')).toEqual(['evict']);
    expect(await archive.get('notes', 'hot')).toBeUndefined();
    expect(await archive.count('notes')).toBe(CORPUS.length - 1);
    expect(await archive.delete('notes', 'hot')).toBe(false);
    expect(await archive.delete('elsewhere', 'evict')).toBe(false);
    const memory = new MemoryArchive();
    await memory.insert(CORPUS);
    await memory.delete('notes', 'hot');
    expect(await hits(archive, 'cache memory page')).toEqual(await hits(memory, 'cache memory page'));
  });

  it('keeps stores separate, even under the same id', async () => {
    const archive = new DexieArchive(freshDb());
    await archive.insert([...CORPUS, { ...CORPUS[0]!, store: 'shared', text: 'A shared cache note.' }]);
    expect(await ids(archive, 'shared', 10, 'notes')).toEqual([]);
    expect(await ids(archive, 'cache', 10, 'shared')).toEqual(['evict']);
    expect((await archive.get('notes', 'evict'))?.text).toBe(CORPUS[0]!.text);
    expect([await archive.count('notes'), await archive.count('shared'), await archive.count('none')]).toEqual([CORPUS.length, 1, 0]);
    expect(await archive.delete('shared', 'evict')).toBe(true);
    expect(await ids(archive, 'cache')).toEqual(['hot', 'evict']);
  });

  it('survives close and reopen with the same results, and keeps indexing after', async () => {
    const name = `archive-${crypto.randomUUID()}`;
    const first = freshDb(name);
    const before = new DexieArchive(first);
    for (const chunk of CORPUS) await before.insert([chunk]); // a segment each, merged on the way
    const expected = await Promise.all(RANKINGS.map(({ query }) => hits(before, query)));
    first.close();
    const after = new DexieArchive(freshDb(name));
    expect(await Promise.all(RANKINGS.map(({ query }) => hits(after, query)))).toEqual(expected);
    expect(await after.count('notes')).toBe(CORPUS.length);
    await after.insert([{ ...CORPUS[0]!, id: 'late', text: 'One more cache page.' }]);
    expect(await ids(after, 'cache page', 3)).toEqual(['late', 'evict', 'hot']);
  });

  it('reads only the query terms and the top k chunks, never the whole archive', async () => {
    const db = freshDb();
    const reads = countReads(db);
    const archive = new DexieArchive(db);
    const many = Array.from({ length: 300 }, (_, i): ArchiveChunk => ({ id: `c${i}`, store: 'notes', text: `common words here ${i % 7 === 0 ? 'rare' : ''} item${i}`, source: 's', trust: 'trusted', tags: [], t: i }));
    for (let i = 0; i < many.length; i += 100) await archive.insert(many.slice(i, i + 100));
    reads.clear();
    expect(await ids(archive, 'common rare', 5)).toEqual(['c0', 'c7', 'c14', 'c21', 'c28']);
    expect(Object.fromEntries(reads)).toEqual({
      'archiveStats.get': 1,
      'archiveParts.getMany': 3, // three segments (one per insert) of one partition each, both terms in it
      'archiveBlocks.getMany': 2, // c0, c7 and c14 in the first block of 16 chunks, c21 and c28 in the second
    });
    for (const query of ['', '?!…', '🙂', ' \n\t ']) {
      reads.clear();
      expect(await archive.search('notes', query, 5)).toEqual([]);
      expect(reads.size).toBe(0);
    }
    reads.clear();
    const long = `${Array.from({ length: 5000 }, (_, i) => `word${i}`).join(' ')} common`;
    expect(await archive.search('notes', long, 5)).toEqual([]);
    expect(reads.get('archiveParts.getMany')).toBe(3); // 32 terms, one partition row per segment
    expect(reads.get('archiveBlocks.getMany')).toBeUndefined();
    expect(await archive.search('notes', `${'é'.repeat(50_000)} ÜBER`, 5)).toEqual([]);
  });

  it('merges small inserts into few segments, ranking unchanged, deletes reaching merged ones', async () => {
    const db = freshDb();
    const archive = new DexieArchive(db);
    const memory = new MemoryArchive();
    const words = ['cache', 'page', 'memory', 'disk', 'swap', 'lru', 'clock', 'frame'];
    const chunks = Array.from({ length: 200 }, (_, i): ArchiveChunk => ({ id: `c${i}`, store: 'notes', text: words.filter((_, w) => (i >> w) & 1 || w === i % 8).join(' '), source: 's', trust: 'trusted', tags: [], t: i }));
    for (const chunk of chunks) {
      await archive.insert([chunk]);
      await memory.insert([chunk]);
    }
    const segments = (await db.archiveStats.get('notes'))!.segments;
    expect(segments.length).toBeLessThan(2 * 8); // 200 one-chunk segments, merged by eights
    expect(segments.map((s) => s.docs).reduce((a, b) => a + b)).toBe(200);
    for (const id of ['c0', 'c5', 'c64', 'c199']) {
      expect(await archive.delete('notes', id)).toBe(true);
      await memory.delete('notes', id);
    }
    for (const query of ['cache', 'memory frame', 'swap lru clock', 'page disk']) expect(await hits(archive, query)).toEqual(await hits(memory, query));
  });

  it('turns a full disk into a clear StorageError and leaves the archive as it was', async () => {
    const db = freshDb();
    const disk = injectDiskFaults(db);
    const archive = new DexieArchive(db);
    await archive.insert(CORPUS.slice(0, 3));
    disk.full = true;
    const err = await archive.insert(CORPUS.slice(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ kind: 'quota', message: expect.stringMatching(/^Storage is full: could not save to the archive\./) });
    await expect(archive.delete('notes', 'hot')).rejects.toMatchObject({ kind: 'quota' });
    disk.full = false;
    expect(await archive.count('notes')).toBe(3);
    expect(await ids(archive, 'cache')).toEqual(['hot', 'evict']);
  });

  it('ranks as a brute-force BM25 over random corpora, with long lists, merges, re-inserts and deletes between searches', async () => {
    // Zipf-drawn words, so common terms get long lists (rows of their own) next to rare ones.
    const vocabulary = Array.from({ length: 80 }, (_, r) => (r % 9 === 8 ? `日本${r}` : `w${r}`));
    const toDoc = (c: ArchiveChunk): StoreDoc => ({ id: c.id, text: c.text, tags: c.tags, trust: c.trust, valid: true, source: c.source, t: c.t });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        let a = seed;
        const random = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(1 / (random() + 0.0125)) - 1)]!;
        const text = () => Array.from({ length: 3 + Math.floor(random() * 60) }, word).join(' ');
        let nextId = 0;
        const chunk = (id = `c${nextId++}`): ArchiveChunk => ({ id, store: 's', text: text(), source: 'p', trust: 'trusted', tags: [], t: 0 });
        const db = freshDb();
        const archive = new DexieArchive(db);
        let live: ArchiveChunk[] = [];
        const insert = async (chunks: ArchiveChunk[]) => {
          await archive.insert(chunks);
          for (const c of chunks) live = [...live.filter((l) => l.id !== c.id), c];
        };
        const searchAll = async () => {
          for (let q = 0; q < 4; q++) {
            const query = Array.from({ length: 1 + Math.floor(random() * 3) }, word).join(' ');
            const k = 1 + Math.floor(random() * 12);
            const expected = rankDocuments(live.map(toDoc), query, k).map((h) => [h.doc.id, h.score]);
            expect(await hits(archive, query, k, 's'), query).toEqual(expected);
          }
        };
        // 450 or more: the commonest word's list passes LONG_BYTES from about 355 chunks (350 left 4 seeds in 400 without a long list).
        await insert(Array.from({ length: 450 + Math.floor(random() * 250) }, () => chunk()));
        expect((await db.archiveStats.get('s'))!.segments.some((seg) => (seg.long?.length ?? 0) > 0)).toBe(true);
        await searchAll();
        for (let step = 0; step < 12; step++) {
          const pick = () => live[Math.floor(random() * live.length)]!.id;
          if (random() < 0.25) {
            const id = pick();
            await archive.delete('s', id);
            live = live.filter((l) => l.id !== id);
          } else await insert(Array.from({ length: 1 + Math.floor(random() * 20) }, () => chunk(random() < 0.3 ? pick() : undefined)));
          await searchAll();
        }
        expect(await archive.count('s')).toBe(live.length);
      }),
      { numRuns: 5, examples: [[745859111]] }, // CI's counterexample: 351 chunks, no long list
    );
  }, 120_000); // IndexedDB in memory, hundreds of chunks a run: slow on a loaded machine, not wrong

  it('replaces chunks re-inserted in a big call, wherever they fall in it', async () => {
    const db = freshDb();
    const archive = new DexieArchive(db);
    const memory = new MemoryArchive();
    const make = (i: number, v: string): ArchiveChunk => ({ id: `c${i}`, store: 'notes', text: `item ${v} ${i % 3 === 0 ? 'fizz' : ''} ${i % 5 === 0 ? 'buzz' : ''}`, source: 's', trust: 'trusted', tags: [], t: i });
    const first = Array.from({ length: 1100 }, (_, i) => make(i, 'old'));
    const again = Array.from({ length: 1200 }, (_, i) => make(i * 2, 'new')); // 550 ids back (c0, c2 … c1098), 650 new ones; refusals in both slices of 1,000 rows
    for (const chunks of [first, again]) {
      await archive.insert(chunks);
      await memory.insert(chunks);
    }
    expect(await archive.count('notes')).toBe(1100 + 650);
    expect((await archive.get('notes', 'c1098'))?.text).toContain('new');
    expect((await archive.get('notes', 'c1099'))?.text).toContain('old');
    for (const query of ['old fizz', 'new buzz', 'item', 'fizz buzz']) expect(await hits(archive, query, 12)).toEqual(await hits(memory, query, 12));
  }, 60_000);

  it('replaces re-inserted chunks across block boundaries, whichever blocks the unique index refuses', async () => {
    // Blocks of ARCHIVE_BLOCK (16) seqs: 20 chunks leave block 1 partly filled (seqs 16-19), so the next insert rewrites it.
    expect(ARCHIVE_BLOCK).toBe(16);
    const make = (id: string, v: string, t: number): ArchiveChunk => ({ id, store: 'notes', text: `item ${v} ${t % 3 === 0 ? 'fizz' : 'buzz'}`, source: 's', trust: 'trusted', tags: [], t });
    const batches = [
      Array.from({ length: 20 }, (_, i) => make(`c${i}`, 'old', i)),
      // c5 (block 0) makes the rewritten block 1 refused; c17 was in block 1 and lands in block 2, refused for c3 (block 0).
      [make('c5', 'new', 100), ...Array.from({ length: 11 }, (_, i) => make(`x${i}`, 'new', i)), make('c17', 'new', 101), make('c3', 'new', 102)],
      [make('c17', 'again', 103)], // in the partly filled block it was just written to
      [make('x0', 'again', 104), make('c0', 'again', 105), make('c19', 'again', 106)],
    ];
    const archive = new DexieArchive(freshDb());
    const memory = new MemoryArchive();
    for (const chunks of batches) {
      await archive.insert(chunks);
      await memory.insert(chunks);
      expect(await archive.count('notes')).toBe(await memory.count('notes'));
      for (const id of ['c0', 'c3', 'c5', 'c17', 'c19', 'x0', 'x10']) expect(await archive.get('notes', id)).toEqual(await memory.get('notes', id));
      for (const query of ['item', 'new fizz', 'old buzz', 'again']) expect(await hits(archive, query, 40)).toEqual(await hits(memory, query, 40));
    }
  });

  it('opens an archive stored a chunk a row (database version 4) and searches, gets, deletes and inserts as before', async () => {
    const name = `archive-upgrade-${crypto.randomUUID()}`;
    const old = new Dexie(name);
    old.version(4).stores({ projects: 'id, updatedAt', versions: '[projectId+rev]', runs: 'id, projectId, [projectId+createdAt]', eventBlocks: '[runId+block]', snapshots: '[runId+seq]', settings: 'key', archiveChunks: '[store+seq], &[store+id]', archiveParts: '[store+segment+part]', archiveStats: 'store', endpoints: 'id, &name', experiments: 'id, projectId', experimentRuns: '[experimentId+key], experimentId' });
    // Version 4's rows as its DexieArchive wrote them: a row per chunk, one segment per store.
    const stores = { notes: CORPUS, other: Array.from({ length: 40 }, (_, i): ArchiveChunk => ({ ...CORPUS[i % CORPUS.length]!, id: `o${i}`, store: 'other', t: i })) };
    for (const [store, chunks] of Object.entries(stores)) {
      const docs = chunks.map((c) => termFrequencies(c.text));
      await old.table('archiveChunks').bulkAdd(chunks.map((c, seq) => ({ ...c, seq, length: docs[seq]!.length })));
      const { rows, parts, long } = segmentFromDocs(store, 0, 0, docs);
      await old.table('archiveParts').bulkAdd(rows);
      await old.table('archiveStats').add({ store, docs: chunks.length, totalLength: docs.reduce((n, d) => n + d.length, 0), nextSeq: chunks.length, nextSegment: 1, segments: [{ id: 0, docs: chunks.length, parts, ranges: [[0, chunks.length - 1]], long }] });
    }
    old.close();
    const archive = new DexieArchive(freshDb(name));
    const memory = new MemoryArchive();
    for (const chunks of Object.values(stores)) await memory.insert(chunks);
    for (const { query } of RANKINGS) expect(await hits(archive, query)).toEqual(await hits(memory, query));
    expect(await hits(archive, 'cache page', 50, 'other')).toEqual(await hits(memory, 'cache page', 50, 'other'));
    expect(await archive.get('other', 'o17')).toEqual(stores.other[17]);
    expect(await archive.delete('other', 'o17')).toBe(await memory.delete('other', 'o17'));
    const more = [{ ...stores.other[3]!, text: 'A re-inserted cache page.' }, { ...stores.other[0]!, id: 'o99', text: 'One more cache page.' }];
    await archive.insert(more);
    await memory.insert(more);
    expect(await hits(archive, 'cache page', 50, 'other')).toEqual(await hits(memory, 'cache page', 50, 'other'));
    expect(await archive.count('other')).toBe(40);
  });

  it('ranks as MemoryArchive after any inserts, re-inserts and deletes, across segments and merges', async () => {
    const words = ['cache', 'page', 'memory', 'disk', 'swap', 'évict', '日本'];
    const text = fc.array(fc.constantFrom(...words), { maxLength: 10 }).map((w) => w.join(' '));
    const id = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ insert: fc.array(fc.record({ id, store: fc.constantFrom('s', 't'), text }), { minLength: 1, maxLength: 5 }) }) },
      { weight: 1, arbitrary: fc.record({ del: id, store: fc.constantFrom('s', 't') }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 24 }), fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }), async (ops, query) => {
        const archive = new DexieArchive(freshDb());
        const memory = new MemoryArchive();
        for (const o of ops) {
          if ('del' in o) expect(await archive.delete(o.store, o.del)).toBe(await memory.delete(o.store, o.del));
          else {
            const chunks = o.insert.map((c): ArchiveChunk => ({ ...c, source: 'p', trust: 'trusted', tags: [], t: 0 }));
            await archive.insert(chunks);
            await memory.insert(chunks);
          }
        }
        for (const store of ['s', 't']) {
          expect(await hits(archive, query.join(' '), 5, store)).toEqual(await hits(memory, query.join(' '), 5, store));
          expect(await archive.count(store)).toBe(await memory.count(store));
        }
      }),
      { numRuns: 60 },
    );
  }, 30_000); // a property over IndexedDB: slow on a loaded machine, not wrong
});
