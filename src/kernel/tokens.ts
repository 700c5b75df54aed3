/**
 * Token counts from a real tokenizer (o200k_base via gpt-tokenizer), computed once per
 * distinct text and cached: the kernel counts the same prompts and observations many times.
 */
import { countTokens as o200kCount } from 'gpt-tokenizer';

const cache = new Map<string, number>();
const CACHE_LIMIT = 50_000;

export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = o200kCount(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, n);
  return n;
}
