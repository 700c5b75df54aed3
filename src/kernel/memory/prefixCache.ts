/**
 * A model endpoint's prompt-prefix cache (the KV cache: the notes' CPU-cache row). A prompt is a
 * chain of blocks, one per window segment in order, each named by a hash of its parent's hash and
 * its own content, as vLLM's automatic prefix caching names its KV blocks
 * (docs.vllm.ai, "Automatic Prefix Caching": hash(prefix tokens, block tokens)). A lookup hits
 * the longest run of leading blocks already cached; a block after a changed segment has another
 * hash, so everything after the first change misses. Capacity is in tokens; when inserting the
 * missed blocks would overflow it, the least recently used blocks go first, and among blocks used
 * at the same time the deepest (a leaf) first, as vLLM's evictor does, so a cached block's parent
 * is never evicted before it. Plain JSON state, reduced from `kv.*` events (state/kvCacheReducers.ts).
 */
import type { ModelSpec } from '../spec';

/** One cached block: a window segment's KV entries, reachable only through its parent's. */
export interface CachedBlock {
  tokens: number;
  /** Position in its chain (0: the first segment, the system prompt). */
  depth: number;
  /** Logical time of its last use (the cache's clock at the lookup that touched it). */
  lastUsed: number;
  /** The agent whose prompt inserted it. */
  owner: string;
}

/** The cache of one model endpoint, kept in the kernel state (`KernelState.kvCaches[model]`). */
export interface PrefixCacheState {
  capacity: number;
  /** Tokens held by the cached blocks. */
  used: number;
  /** Lookups so far: the LRU clock. */
  clock: number;
  /** Cached blocks by chain hash (16 hex digits, so no key collides with Object.prototype's). */
  blocks: Record<string, CachedBlock>;
}

/** One block of a prompt's chain. */
export interface ChainBlock {
  hash: string;
  tokens: number;
}

/** What a lookup of a chain finds, and what inserting its missed part needs. */
export interface PrefixPlan {
  /** Leading blocks cached, and their tokens (the prompt tokens served from the cache). */
  hitBlocks: number;
  hitTokens: number;
  promptTokens: number;
  /** Blocks after the hit to insert (those that fit the capacity, in order), and their tokens. */
  insertBlocks: number;
  insertTokens: number;
  /** Cached blocks to evict first (LRU, leaves first), with their tokens; empty when it fits. */
  evict: string[];
  evictTokens: number;
}

/** A segment as the chain reads it. */
export interface ChainSegment {
  kind: string;
  role: string;
  text: string;
  tokens: number;
}

/** An empty cache of `capacity` tokens. */
export function emptyPrefixCache(capacity: number): PrefixCacheState {
  return { capacity, used: 0, clock: 0, blocks: Object.create(null) as Record<string, CachedBlock> };
}

/** FNV-1a over the text's UTF-16 code units, two 32-bit lanes with different offsets: 16 hex digits (a block's name, not a security hash). */
function blockHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

// Chain hashes of frozen segments, by parent hash: a window's chain is recomputed every turn.
const memo = new WeakMap<object, { parent: string; hash: string }>();

/** The chain of a window: block i's hash covers block i−1's hash and segment i's role, kind and text. */
export function prefixChain(segments: readonly ChainSegment[]): ChainBlock[] {
  const chain: ChainBlock[] = [];
  let parent = '';
  for (const seg of segments) {
    const known = memo.get(seg);
    const hash = known && known.parent === parent ? known.hash : blockHash(`${parent}\u0000${seg.role}\u0000${seg.kind}\u0000${seg.text}`);
    if (!known || known.parent !== parent) memo.set(seg, { parent, hash });
    chain.push({ hash, tokens: seg.tokens });
    parent = hash;
  }
  return chain;
}

/** Leading blocks of `chain` that are cached, and their tokens (read-only: affinity asks this). */
export function warmPrefix(cache: PrefixCacheState, chain: readonly ChainBlock[]): { blocks: number; tokens: number } {
  let tokens = 0;
  let n = 0;
  while (n < chain.length && Object.hasOwn(cache.blocks, chain[n]!.hash)) tokens += chain[n++]!.tokens;
  return { blocks: n, tokens };
}

/** The LRU order of eviction: least recently used first; among equals the deepest (a leaf), then by hash. */
function evictionOrder(cache: PrefixCacheState, keep: ReadonlySet<string>): string[] {
  return Object.keys(cache.blocks)
    .filter((h) => !keep.has(h))
    .sort((a, b) => {
      const x = cache.blocks[a]!;
      const y = cache.blocks[b]!;
      return x.lastUsed - y.lastUsed || y.depth - x.depth || (a < b ? -1 : a > b ? 1 : 0);
    });
}

/**
 * What looking `chain` up does: the hit, then which of the missed blocks are inserted (as many
 * leading ones as the capacity can hold beside the hit) and which cached blocks must be evicted
 * first to make room. Pure: the kernel emits it as `kv.evicted` and `kv.matched`.
 */
export function planLookup(cache: PrefixCacheState, chain: readonly ChainBlock[]): PrefixPlan {
  const hit = warmPrefix(cache, chain);
  const promptTokens = chain.reduce((n, b) => n + b.tokens, 0);
  let insertBlocks = 0;
  let insertTokens = 0;
  // The hit blocks stay (this prompt uses them); what else may go is everything else.
  while (hit.blocks + insertBlocks < chain.length && hit.tokens + insertTokens + chain[hit.blocks + insertBlocks]!.tokens <= cache.capacity) {
    insertTokens += chain[hit.blocks + insertBlocks]!.tokens;
    insertBlocks += 1;
  }
  const evict: string[] = [];
  let evictTokens = 0;
  const over = cache.used + insertTokens - cache.capacity;
  if (over > 0) {
    const keep = new Set(chain.slice(0, hit.blocks).map((b) => b.hash));
    for (const h of evictionOrder(cache, keep)) {
      if (evictTokens >= over) break;
      evict.push(h);
      evictTokens += cache.blocks[h]!.tokens;
    }
  }
  return { hitBlocks: hit.blocks, hitTokens: hit.tokens, promptTokens, insertBlocks, insertTokens, evict, evictTokens };
}

/** Removes evicted blocks (reducer of `kv.evicted`). */
export function applyEviction(cache: PrefixCacheState, hashes: readonly string[]): void {
  for (const h of hashes) {
    const b = cache.blocks[h];
    if (!b) continue;
    cache.used -= b.tokens;
    delete cache.blocks[h];
  }
}

/** A cached block with its hash, as evictions hand it over (what a taken-back lookup restores). */
export interface NamedBlock extends CachedBlock {
  hash: string;
}

/**
 * What one lookup changed in the cache, kept until the prefill it prices starts, so that a call
 * that fails before then can be taken back (a request that never reached the model warms nothing).
 */
export interface LookupUndo {
  /** The cache's clock before the lookup (the lookup's own clock is one more). */
  clock: number;
  /** The hit blocks and their `lastUsed` before the lookup. */
  touched: [string, number][];
  /** The blocks the lookup inserted. */
  inserted: string[];
  /** The blocks evicted to make room for it (`kv.evicted` before it), as they were. */
  evicted: NamedBlock[];
}

/** Touches the hit blocks and inserts the next `insertBlocks` ones (reducer of `kv.matched`); returns what it changed. */
export function applyLookup(cache: PrefixCacheState, chain: readonly ChainBlock[], hitBlocks: number, insertBlocks: number, owner: string): LookupUndo {
  const undo: LookupUndo = { clock: cache.clock, touched: [], inserted: [], evicted: [] };
  cache.clock += 1;
  for (let i = 0; i < hitBlocks + insertBlocks && i < chain.length; i++) {
    const { hash, tokens } = chain[i]!;
    const b = cache.blocks[hash];
    if (b) {
      undo.touched.push([hash, b.lastUsed]);
      b.lastUsed = cache.clock;
    } else {
      cache.blocks[hash] = { tokens, depth: i, lastUsed: cache.clock, owner };
      cache.used += tokens;
      undo.inserted.push(hash);
    }
  }
  return undo;
}

/** What taking a lookup back does: the inserted blocks no later lookup used leave, and the blocks evicted for it return where they fit. */
export interface UndoPlan {
  remove: string[];
  removeTokens: number;
  restore: NamedBlock[];
  restoreTokens: number;
}

/**
 * Taking back a lookup whose call failed before its prefill: the cache as it would be had the
 * call not been made. Exact when no other lookup came between (the blocks evicted for it return,
 * shallowest first, while they fit). When one did, a block it used since stays (that lookup
 * counted it) and no evicted block returns: its parent may be gone, and the later lookup was
 * planned without it. Pure: the kernel reports it on `infer.failed` (`kvUndone`).
 */
export function planUndo(cache: PrefixCacheState, undo: LookupUndo): UndoPlan {
  const mine = undo.clock + 1;
  const remove = undo.inserted.filter((h) => cache.blocks[h]?.lastUsed === mine);
  const removeTokens = remove.reduce((n, h) => n + cache.blocks[h]!.tokens, 0);
  const removed = new Set(remove);
  let used = cache.used - removeTokens;
  const restore: NamedBlock[] = [];
  let restoreTokens = 0;
  let cut = Infinity;
  const byDepth = [...undo.evicted].sort((a, b) => a.depth - b.depth || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  for (const b of cache.clock === mine ? byDepth : []) {
    if (b.depth > cut) break;
    if (Object.hasOwn(cache.blocks, b.hash) && !removed.has(b.hash)) continue;
    if (used + b.tokens > cache.capacity) {
      cut = b.depth;
      continue;
    }
    restore.push(b);
    restoreTokens += b.tokens;
    used += b.tokens;
  }
  return { remove, removeTokens, restore, restoreTokens };
}

/** Takes a lookup back (planUndo): its blocks leave, its touches are reverted, its evictions return (reducer of `infer.failed` with `kvUndone`). */
export function applyUndo(cache: PrefixCacheState, undo: LookupUndo): UndoPlan {
  const plan = planUndo(cache, undo);
  const mine = undo.clock + 1;
  applyEviction(cache, plan.remove);
  for (const [hash, lastUsed] of undo.touched) {
    const b = cache.blocks[hash];
    if (b && b.lastUsed === mine) b.lastUsed = lastUsed;
  }
  for (const { hash, ...b } of plan.restore) {
    cache.blocks[hash] = { ...b };
    cache.used += b.tokens;
  }
  if (cache.clock === mine) cache.clock = undo.clock;
  return plan;
}

/** Share of prompt tokens served from the cache (0 when nothing was looked up). */
export function hitRate(stats: { promptTokens: number; cachedTokens: number }): number {
  return stats.promptTokens > 0 ? stats.cachedTokens / stats.promptTokens : 0;
}

/**
 * What a slice costs on a model with a prefix cache: `cachedIn` of its prompt tokens at the
 * cached rate (null: the model declares no cache, or the slice was not looked up). The kernel's
 * one place that prices cached tokens (RunContext.charge).
 */
export function cachedSliceCharge(model: ModelSpec, tokensIn: number, tokensOut: number, cachedIn: number | undefined): { tokensIn: number; tokensOut: number; cost: number; cachedIn?: number } | null {
  if (!model.prefixCache || cachedIn === undefined) return null;
  const cached = Math.min(Math.max(cachedIn, 0), Math.max(tokensIn, 0));
  const cost = (promptCost(tokensIn, cached, model.priceIn, model.prefixCache.cachedPricePerMTok) + tokensOut * model.priceOut) / 1_000_000;
  return { tokensIn, tokensOut, cost, ...(cached > 0 ? { cachedIn: cached } : {}) };
}

/** What prompt tokens cost, `cachedIn` of them at the cached rate: prices are per million tokens, so divide by 1e6 for USD. */
export function promptCost(tokensIn: number, cachedIn: number, priceIn: number, cachedPrice: number): number {
  const cached = Math.min(Math.max(cachedIn, 0), tokensIn);
  return (tokensIn - cached) * priceIn + cached * cachedPrice;
}
