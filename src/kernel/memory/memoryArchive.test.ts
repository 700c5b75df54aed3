import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankDocuments } from '../tools/search';
import type { StoreDoc } from '../state/state';
import type { ArchiveChunk } from './archiveStore';
import { CORPUS, RANKINGS } from './archiveCorpus.fixture';
import { archiveTerms, MAX_QUERY_TERMS, termFrequencies } from './bm25';
import { MemoryArchive } from './memoryArchive';

async function archiveOf(chunks: readonly ArchiveChunk[] = CORPUS): Promise<MemoryArchive> {
  const archive = new MemoryArchive();
  await archive.insert(chunks);
  return archive;
}

const ids = async (archive: MemoryArchive, query: string, k = 10, store = 'notes') => (await archive.search(store, query, k)).map((h) => h.chunk.id);
const toDoc = (c: ArchiveChunk): StoreDoc => ({ id: c.id, text: c.text, tags: c.tags, trust: c.trust, valid: true, source: c.source, t: c.t });

describe('MemoryArchive', () => {
  it.each(RANKINGS)('ranks "$query" by hand: $why', async ({ query, ids: expected }) => {
    expect(await ids(await archiveOf(), query)).toEqual(expected);
  });

  it('scores exactly as the search tool (tools/search.ts) does on the same documents', async () => {
    const archive = await archiveOf();
    for (const { query } of RANKINGS) {
      const tool = rankDocuments(CORPUS.map(toDoc), query, 10).map((h) => [h.doc.id, h.score]);
      expect((await archive.search('notes', query, 10)).map((h) => [h.chunk.id, h.score])).toEqual(tool);
    }
  });

  it('returns the chunk as inserted, with its provenance', async () => {
    const [hit] = await (await archiveOf()).search('notes', 'hot', 1);
    expect(hit?.chunk).toEqual(CORPUS.find((c) => c.id === 'hot'));
  });

  it('keeps k best, ties in insertion order, and re-inserting an id moves it last', async () => {
    const same = (id: string): ArchiveChunk => ({ id, store: 'notes', text: 'identical words', source: 's', trust: 'trusted', tags: [], t: 0 });
    const archive = await archiveOf([same('c'), same('a'), same('b')]);
    expect(await ids(archive, 'identical')).toEqual(['c', 'a', 'b']);
    expect(await ids(archive, 'identical', 2)).toEqual(['c', 'a']);
    await archive.insert([same('c')]);
    expect(await ids(archive, 'identical')).toEqual(['a', 'b', 'c']);
    expect(await archive.count('notes')).toBe(3);
  });

  it('replaces a chunk inserted again under its id, old words gone', async () => {
    const archive = await archiveOf();
    await archive.insert([{ ...CORPUS[3]!, text: 'Now about cache lines.' }]);
    expect(await ids(archive, 'tomatoes')).toEqual([]);
    expect(await ids(archive, 'lines')).toEqual(['garden']);
    expect(await archive.count('notes')).toBe(CORPUS.length);
  });

  it('deletes a chunk from results, counts and gets', async () => {
    const archive = await archiveOf();
    expect(await archive.delete('notes', 'hot')).toBe(true);
    expect(await ids(archive, 'cache')).toEqual(['evict']);
    expect(await archive.get('notes', 'hot')).toBeUndefined();
    expect(await archive.count('notes')).toBe(CORPUS.length - 1);
    expect(await archive.delete('notes', 'hot')).toBe(false);
    expect(await archive.delete('elsewhere', 'evict')).toBe(false);
  });

  it('keeps stores separate, even under the same id', async () => {
    const archive = await archiveOf();
    await archive.insert([{ ...CORPUS[0]!, store: 'shared', text: 'A shared cache note.' }]);
    expect(await ids(archive, 'shared', 10, 'notes')).toEqual([]);
    expect(await ids(archive, 'cache', 10, 'shared')).toEqual(['evict']);
    expect((await archive.get('notes', 'evict'))?.text).toBe(CORPUS[0]!.text);
    expect([await archive.count('notes'), await archive.count('shared'), await archive.count('none')]).toEqual([CORPUS.length, 1, 0]);
    expect(await archive.search('none', 'cache', 5)).toEqual([]);
  });

  it('answers odd queries and limits without throwing', async () => {
    const archive = await archiveOf();
    for (const query of ['', '   ', '?!…—', '🙂🙂', '\u0000\uffff', 'x'.repeat(100_000)]) expect(await archive.search('notes', query, 5)).toEqual([]);
    const long = `${Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ')} cache`;
    expect(await archive.search('notes', long, 5)).toEqual([]); // only the first MAX_QUERY_TERMS terms count
    // A repeated term counts once, so the 321st word still counts: evict has both terms.
    expect(await ids(archive, `${'cache '.repeat(MAX_QUERY_TERMS * 10)}page`)).toEqual(['evict', 'hot', 'paging']);
    for (const k of [0, -1, Number.NaN]) expect(await archive.search('notes', 'cache', k)).toEqual([]);
    expect(await ids(archive, 'cache', 1.9)).toEqual(['hot']);
  });

  it('indexes the terms the tokenizer reads, ASCII fast path or not', () => {
    const piece = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('Word', 'x'.repeat(70), 'A1b2', 'İstanbul', 'ÉCOLE', '日本語', 'ß', '\u0130', ' ', '.', '-', '\n', '_', '9'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => {
        const words = archiveTerms(text);
        const counts = new Map<string, number>();
        for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
        const { length, tf } = termFrequencies(text);
        expect([length, [...tf]]).toEqual([words.length, [...counts]]);
      }),
      { numRuns: 500 },
    );
  });

  it('hands out frozen chunks, so a caller cannot change the archive', async () => {
    const hit = await (await archiveOf()).get('notes', 'paging');
    expect(Object.isFrozen(hit) && Object.isFrozen(hit?.tags)).toBe(true);
  });

  it('ranks as the search tool over the live chunks after any inserts and deletes', async () => {
    const words = ['cache', 'page', 'memory', 'disk', 'swap', 'évict', '日本'];
    const text = fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((w) => w.join(' '));
    const op = fc.oneof(
      fc.record({ insert: fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), text }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ del: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }), async (ops, query) => {
        const archive = new MemoryArchive();
        let live: ArchiveChunk[] = [];
        for (const o of ops) {
          if ('del' in o) {
            await archive.delete('s', o.del);
            live = live.filter((c) => c.id !== o.del);
          } else {
            const chunks = o.insert.map(({ id, text: t }): ArchiveChunk => ({ id, store: 's', text: t, source: 'p', trust: 'trusted', tags: [], t: 0 }));
            await archive.insert(chunks);
            for (const c of chunks) live = [...live.filter((l) => l.id !== c.id), c];
          }
        }
        const q = query.join(' ');
        const expected = rankDocuments(live.map(toDoc), q, 4).map((h) => [h.doc.id, h.score]);
        expect((await archive.search('s', q, 4)).map((h) => [h.chunk.id, h.score])).toEqual(expected);
        expect(await archive.count('s')).toBe(live.length);
      }),
      { numRuns: 200 },
    );
  });
});
