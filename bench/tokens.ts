/**
 * Tokens counted per second in Node: gpt-tokenizer's countTokens (o200k_base) over each chunk of
 * the archive benchmark's synthetic corpus (bench/corpus.ts), as the kernel counts messages.
 */
import { countTokens } from 'gpt-tokenizer';
import { syntheticCorpus } from './corpus';
import { countTokens as kernelCount, tokenCount } from '../src/kernel/tokens';

export interface TokensBench {
  chunks: number;
  tokens: number;
  chars: number;
  ms: number;
  tokensPerSec: number;
}

export function benchTokens(n: number): TokensBench {
  const { texts } = syntheticCorpus(n, 0);
  countTokens('warm up the encoder and its merge cache');
  const start = performance.now();
  let tokens = 0;
  for (const text of texts) tokens += countTokens(text);
  const ms = performance.now() - start;
  return { chunks: n, tokens, chars: texts.reduce((s, t) => s + t.length, 0), ms, tokensPerSec: (tokens / ms) * 1000 };
}

export interface LongStringBench {
  /** Wall ms the kernel's countTokens takes for 1 MB of each shape, counted once (no cache). */
  oneWordMs: number;
  cjkMs: number;
  base64Ms: number;
  base64Tokens: number;
  base64Estimated: boolean;
}

/**
 * 1 MB without a break, as a tool returning a blob would give it, through the kernel's counter
 * (src/kernel/tokens.ts: long runs in pieces, the tail past EXACT_RUN estimated). Quadratic
 * counting took > 60 s for 1 MB of one word.
 */
export function benchLongStrings(): LongStringBench {
  const MB = 1_000_000;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let blob = '';
  for (let i = 0, x = 1; i < MB; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    blob += alphabet[x >>> 26]!;
  }
  const time = (text: string): number => {
    const start = performance.now();
    kernelCount(text);
    return performance.now() - start;
  };
  const oneWordMs = time('a'.repeat(MB));
  const cjkMs = time('漢'.repeat(MB));
  const base64Ms = time(blob);
  const r = tokenCount(blob);
  return { oneWordMs, cjkMs, base64Ms, base64Tokens: r.tokens, base64Estimated: r.estimated };
}
