/** memory/: the context window as typed segments, eviction policies, and the archive port. */
export type { Segment, SegmentKind } from './segment';
export { isEvictable } from './segment';
export type { EvictionPolicy } from './evictionPolicy';
export { evictionPolicy, EVICTION_POLICIES, fifoEviction, lruEviction, lruKEviction, qualityEviction } from './evictionPolicy';
export type { ArchiveChunk, ArchiveHit, ArchiveStore } from './archiveStore';
export { MemoryArchive } from './memoryArchive';
export { archiveTerms, averageLength, bm25Idf, bm25Weight, queryTerms, termFrequencies, topK, Scores, MAX_QUERY_TERMS, MAX_TERM_LENGTH } from './bm25';
