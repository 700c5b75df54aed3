/**
 * A small archive whose BM25 order is checked by hand (see the comments on each query), shared
 * by the MemoryArchive and DexieArchive tests so both must rank it the same way.
 */
import type { ArchiveChunk } from './archiveStore';

const chunk = (id: string, text: string, over: Partial<ArchiveChunk> = {}): ArchiveChunk => ({ id, store: 'notes', text, source: `note:${id}`, trust: 'trusted', tags: [], t: 0, ...over });

export const CORPUS: readonly ArchiveChunk[] = [
  chunk('evict', 'The cache evicts the oldest page first when memory runs out.'),
  chunk('paging', 'Paging moves a page between disk and memory.', { tags: ['os'] }),
  chunk('hot', 'Cache, cache, cache: a hot cache keeps recent pages close.', { trust: 'untrusted', source: 'web:blog' }),
  chunk('garden', 'Tomatoes need sun, water and patience.'),
  chunk('pressure', 'Memory pressure triggers a summary of old messages.'),
  chunk('twin-a', 'Archival memory is searched by keyword.'),
  chunk('twin-b', 'Archival memory is searched by keyword.'),
  chunk('accents', 'Die Straße zur École führt über München.'),
];

/** Queries with their expected ids, best first, and why. */
export const RANKINGS: ReadonlyArray<{ query: string; ids: string[]; why: string }> = [
  { query: 'cache', ids: ['hot', 'evict'], why: 'tf 4 beats tf 1 despite the longer chunk' },
  { query: 'page', ids: ['paging', 'evict'], why: 'same tf and idf, the shorter chunk wins (length normalisation); "pages" is another term' },
  { query: 'memory page', ids: ['paging', 'evict', 'twin-a', 'twin-b', 'pressure'], why: 'both terms beat one (shorter first); then memory alone by length: the 6-term twins, in insertion order, before the 8-term pressure' },
  { query: 'KEYWORD searched?!', ids: ['twin-a', 'twin-b'], why: 'case and punctuation do not matter; identical chunks tie, insertion order' },
  { query: 'straße école MÜNCHEN', ids: ['accents'], why: 'Unicode letters are words, lower-cased' },
  { query: 'tomato', ids: [], why: 'no stemming' },
];
