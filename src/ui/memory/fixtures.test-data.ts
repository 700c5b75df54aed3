/**
 * Hand-made segments, processes and store documents for the memory view's tests. Test-only
 * (imported by *.test.ts).
 */
import type { Proc, Segment, StoreDoc } from '../../kernel';

export function segment(id: string, over: Partial<Segment> = {}): Segment {
  return {
    id, kind: 'message', role: 'user', text: `text of ${id}`, tokens: 100, fact: false, pinned: false, source: 'msg:a',
    trust: 'trusted', verified: false, validity: 1, t: 0, reads: [], ...over,
  };
}

export function memProc(context: Segment[], over: Partial<Proc> = {}): Pick<Proc, 'context' | 'window' | 'memory'> {
  return { context, window: 1000, memory: { warnAt: 0.75, compactAt: 0.9, eviction: 'lru', k: 2 }, ...over };
}

export function storeDoc(id: string, text: string, over: Partial<StoreDoc> = {}): StoreDoc {
  return { id, text, tags: [], trust: 'trusted', valid: true, source: 'document', t: 0, ...over };
}
