/**
 * Tokens counted per second in Node: gpt-tokenizer's countTokens (o200k_base) over each chunk of
 * the archive benchmark's synthetic corpus (bench/corpus.ts), as the kernel counts messages.
 */
import { countTokens } from 'gpt-tokenizer';
import { syntheticCorpus } from './corpus';

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
