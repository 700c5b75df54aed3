import { describe, expect, it } from 'vitest';
import { MemoryArchive } from '../../kernel';
import { highlight, listStore, rankedHits } from './archive';
import { storeDoc } from './fixtures.test-data';

const corpus = [
  storeDoc('kb#0', 'The page cache keeps recently read file pages in memory.'),
  storeDoc('kb#1', 'LRU eviction takes the least recently used page first. Page, page, page.', { tags: ['eviction'] }),
  storeDoc('kb#2', 'Compaction summarises old messages to free context tokens.'),
  storeDoc('kb#3', 'Eviction of pages is random in this kernel.', { valid: false, trust: 'untrusted', source: 'web' }),
];

async function archived(docs = corpus) {
  const archive = new MemoryArchive();
  await archive.insert(docs.map((d) => ({ id: d.id, store: 'run/kb', text: d.text, source: d.source, trust: d.trust, tags: d.tags, t: d.t })));
  return archive;
}

describe('archive browser', () => {
  it('shows the archive’s ranking with provenance, matched terms and distractors flagged', async () => {
    const hits = rankedHits(corpus, await (await archived()).search('run/kb', 'page eviction', 10), 'page eviction');
    expect(hits.map((h) => [h.rank, h.doc.id, h.distractor])).toEqual([[1, 'kb#1', false], [2, 'kb#3', true], [3, 'kb#0', false]]);
    expect(hits[0]!.matched).toEqual(['page', 'eviction']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score!);
    expect(hits[1]!.doc).toMatchObject({ trust: 'untrusted', source: 'web' });
  });

  it('drops hits filed after the cursor (not among the documents at the cursor)', async () => {
    const hits = rankedHits(corpus.slice(0, 2), await (await archived()).search('run/kb', 'eviction', 10), 'eviction');
    expect(hits.map((h) => [h.rank, h.doc.id])).toEqual([[1, 'kb#1']]);
  });

  it('lists the whole store in order without a query', () => {
    expect(listStore(corpus).map((h) => [h.doc.id, h.score])).toEqual([['kb#0', null], ['kb#1', null], ['kb#2', null], ['kb#3', null]]);
  });

  it('splits text into matched and plain runs', () => {
    expect(highlight('Page cache, PAGE.', ['page'])).toEqual([
      { text: 'Page', hit: true }, { text: ' cache, ', hit: false }, { text: 'PAGE', hit: true }, { text: '.', hit: false },
    ]);
  });
});

describe('stores to browse', () => {
  it('lists each agent’s private copy of a session store with the shared chunks and its own', async () => {
    const { archiveStores } = await import('./archive');
    const stores = archiveStores({ stores: { notes: [corpus[0]!], kb: [corpus[1]!] }, views: { notes: { a: [corpus[2]!] } } });
    expect(Object.keys(stores)).toEqual(['notes', 'kb', 'notes@a']);
    expect(stores['notes@a']!.map((d) => d.id)).toEqual(['kb#0', 'kb#2']);
  });
});
