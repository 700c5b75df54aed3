import { describe, expect, it } from 'vitest';
import { highlight, searchStore } from './archive';
import { rankBm25, tokenize } from './bm25';
import { storeDoc } from './fixtures';

const corpus = [
  storeDoc('kb#0', 'The page cache keeps recently read file pages in memory.'),
  storeDoc('kb#1', 'LRU eviction takes the least recently used page first. Page, page, page.', { tags: ['eviction'] }),
  storeDoc('kb#2', 'Compaction summarises old messages to free context tokens.'),
  storeDoc('kb#3', 'Eviction of pages is random in this kernel.', { valid: false, trust: 'untrusted', source: 'web' }),
];

describe('BM25 ranking', () => {
  it('tokenizes to lower-cased words', () => {
    expect(tokenize('LRU-k, Page 2!')).toEqual(['lru', 'k', 'page', '2']);
  });

  it('ranks by term frequency with saturation and rarer terms first', () => {
    const ranked = rankBm25(corpus.map((d) => d.text), 'page eviction');
    expect(ranked.map((r) => r.index)).toEqual([1, 3, 0]);
    expect(ranked[0]!.matched).toEqual(['page', 'eviction']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    expect(ranked.every((r) => r.score > 0)).toBe(true);
  });

  it('returns nothing for a blank query or no match', () => {
    expect(rankBm25(corpus.map((d) => d.text), '  ')).toEqual([]);
    expect(rankBm25(corpus.map((d) => d.text), 'quantum')).toEqual([]);
  });
});

describe('archive browser', () => {
  it('ranks text and tags and flags distractors with their provenance', () => {
    const hits = searchStore(corpus, 'eviction');
    expect(hits.map((h) => [h.rank, h.doc.id, h.distractor])).toEqual([[1, 'kb#1', false], [2, 'kb#3', true]]);
    expect(hits[1]!.doc).toMatchObject({ trust: 'untrusted', source: 'web' });
  });

  it('lists the whole store in order without a query', () => {
    const hits = searchStore(corpus, '');
    expect(hits.map((h) => [h.doc.id, h.score])).toEqual([['kb#0', null], ['kb#1', null], ['kb#2', null], ['kb#3', null]]);
  });

  it('splits text into matched and plain runs', () => {
    expect(highlight('Page cache, PAGE.', ['page'])).toEqual([
      { text: 'Page', hit: true }, { text: ' cache, ', hit: false }, { text: 'PAGE', hit: true }, { text: '.', hit: false },
    ]);
  });
});
