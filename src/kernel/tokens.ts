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

/** Tokens of `text` under `enc` (o200k by default). Throws if the encoding was never loaded. */
export function countTokens(text: string, enc: Encoding = DEFAULT_ENCODING): number {
  if (text.length === 0) return 0;
  let cache = caches.get(enc);
  if (!cache) caches.set(enc, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const count = counters[enc];
  if (!count) throw new Error(`the ${enc} tokenizer is not loaded: await loadEncodingsFor(spec) before starting the kernel`);
  const n = count(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, n);
  return n;
}

/** A counter bound to one encoding, handed to code that counts for one agent. */
export function counterFor(enc: Encoding): Counter {
  return enc === DEFAULT_ENCODING ? (t) => countTokens(t) : (t) => countTokens(t, enc);
}
