/**
 * Token counts from a real tokenizer (gpt-tokenizer), chosen per model and computed once per
 * distinct text and encoding: the kernel counts the same prompts and observations many times.
 * o200k_base is built in; the others load on demand (`loadEncodingsFor`) before a run starts,
 * so counting stays synchronous and deterministic inside the kernel.
 */
import { countTokens as o200kCount } from 'gpt-tokenizer';
import type { HarnessSpec, ModelSpec } from './spec';

export type Encoding = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base';
export const DEFAULT_ENCODING: Encoding = 'o200k_base';

type Counter = (text: string) => number;
type Raw = (text: string, options: { disallowedSpecial: Set<string> }) => number;

/** Special tokens (`<|endoftext|>`) in run text are counted as the plain text they are, never an error. */
const PLAIN = { disallowedSpecial: new Set<string>() };
const plain = (count: Raw): Counter => (text) => count(text, PLAIN);

const counters: Partial<Record<Encoding, Counter>> = { o200k_base: plain(o200kCount) };
const caches = new Map<Encoding, Map<string, number>>();
const CACHE_LIMIT = 50_000;
/** Total characters the caches may hold (each text is a key): many huge tool results do not pile up. */
const CACHE_CHARS = 8_000_000;
let cachedChars = 0;

/**
 * A run of at least LONG_RUN characters without a break (no whitespace, or only whitespace) is
 * counted in PIECE-character pieces: the tokenizer's byte-pair merging costs the square of a
 * pre-token's length (100 kB of one word took 7.6 s), pieces make it linear. Each piece is still
 * counted by the real tokenizer, so such a run's count can differ from the exact one by about
 * a token per piece boundary; text without such runs counts exactly as before.
 */
export const LONG_RUN = 256;
const PIECE = 128;
/**
 * Of a run longer than this, only the first EXACT_RUN characters are tokenized; the rest is an
 * estimate at the same tokens per character (rounded up). Random base64 tokenizes at about
 * 200 k characters/s, so a 1 MB blob would hold the worker for seconds; a count of such a run
 * is an estimate (`tokenCount` says so).
 */
export const EXACT_RUN = 8192;

const isBreak = (c: number): boolean => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * Counts `text`, splitting runs of LONG_RUN or more same-kind characters into pieces and
 * estimating what a run holds past EXACT_RUN (linear in the length, bounded work per run).
 */
function countInPieces(text: string, count: Counter): { tokens: number; estimated: boolean } {
  let n = 0;
  let from = 0;
  let runStart = 0;
  let estimated = false;
  const flush = (runEnd: number): void => {
    if (runEnd - runStart < LONG_RUN) return;
    if (runStart > from) n += count(text.slice(from, runStart));
    const exactEnd = Math.min(runEnd, runStart + EXACT_RUN);
    let exact = 0;
    let i = runStart;
    while (i < exactEnd) {
      let end = Math.min(i + PIECE, exactEnd);
      // Never cut a surrogate pair: it would count as two broken characters.
      if (end < runEnd && isLowSurrogate(text.charCodeAt(end))) end++;
      exact += count(text.slice(i, end));
      i = end;
    }
    n += exact;
    if (i < runEnd) {
      n += Math.ceil((exact * (runEnd - i)) / (i - runStart));
      estimated = true;
    }
    from = runEnd;
  };
  let kind = text.length > 0 && isBreak(text.charCodeAt(0));
  for (let i = 1; i < text.length; i++) {
    const k = isBreak(text.charCodeAt(i));
    if (k === kind) continue;
    flush(i);
    runStart = i;
    kind = k;
  }
  flush(text.length);
  if (from === 0) return { tokens: count(text), estimated: false };
  if (from < text.length) n += count(text.slice(from));
  return { tokens: n, estimated };
}

/** The model's tokenizer: its declared one, else cl100k for the GPT-4 / GPT-3.5 family, else o200k. */
export function encodingFor(model: Pick<ModelSpec, 'tokenizer' | 'model' | 'provider'>): Encoding {
  if (model.tokenizer) return model.tokenizer;
  if (model.provider !== 'sim' && /^(gpt-4(?!o|\.1|\.5)|gpt-3\.5|text-embedding-3|text-embedding-ada)/i.test(model.model)) return 'cl100k_base';
  return DEFAULT_ENCODING;
}

export function hasEncoding(enc: Encoding): boolean {
  return counters[enc] !== undefined;
}

/** Loads one encoding's ranks (a separate chunk in the browser). Idempotent. */
export async function loadEncoding(enc: Encoding): Promise<void> {
  if (counters[enc]) return;
  switch (enc) {
    case 'o200k_base':
      return;
    case 'cl100k_base':
      counters[enc] = plain((await import('gpt-tokenizer/encoding/cl100k_base')).countTokens);
      return;
    case 'p50k_base':
      counters[enc] = plain((await import('gpt-tokenizer/encoding/p50k_base')).countTokens);
      return;
    case 'r50k_base':
      counters[enc] = plain((await import('gpt-tokenizer/encoding/r50k_base')).countTokens);
      return;
  }
}

/** Loads every encoding the document's models use: call before Kernel.create. */
export async function loadEncodingsFor(spec: Pick<HarnessSpec, 'models'>): Promise<void> {
  await Promise.all([...new Set(spec.models.map(encodingFor))].map(loadEncoding));
}

/**
 * Tokens of `text` under `enc` (o200k by default), and whether the count is an estimate (the
 * text has a run longer than EXACT_RUN without a break). Throws if the encoding was never loaded.
 */
export function tokenCount(text: string, enc: Encoding = DEFAULT_ENCODING): { tokens: number; estimated: boolean } {
  const tokens = countTokens(text, enc);
  return { tokens, estimated: text.length > EXACT_RUN && hasRunOver(text, EXACT_RUN) };
}

function hasRunOver(text: string, length: number): boolean {
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i < text.length && isBreak(text.charCodeAt(i)) === isBreak(text.charCodeAt(i - 1))) continue;
    if (i - start > length) return true;
    start = i;
  }
  return false;
}

/** Tokens of `text` under `enc` (o200k by default); see tokenCount for when it is an estimate. Throws if the encoding was never loaded. */
export function countTokens(text: string, enc: Encoding = DEFAULT_ENCODING): number {
  if (text.length === 0) return 0;
  let cache = caches.get(enc);
  if (!cache) caches.set(enc, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const count = counters[enc];
  if (!count) throw new Error(`the ${enc} tokenizer is not loaded: await loadEncodingsFor(spec) before starting the kernel`);
  const n = text.length < LONG_RUN ? count(text) : countInPieces(text, count).tokens;
  if (cache.size >= CACHE_LIMIT || cachedChars + text.length > CACHE_CHARS) {
    for (const c of caches.values()) c.clear();
    cachedChars = 0;
  }
  if (text.length <= CACHE_CHARS / 8) {
    cache.set(text, n);
    cachedChars += text.length;
  }
  return n;
}

/** A counter bound to one encoding, handed to code that counts for one agent. */
export function counterFor(enc: Encoding): Counter {
  return enc === DEFAULT_ENCODING ? (t) => countTokens(t) : (t) => countTokens(t, enc);
}
