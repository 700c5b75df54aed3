import { countTokens as exactCount } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countTokens, EXACT_RUN, LONG_RUN, tokenCount } from './tokens';

const PLAIN = { disallowedSpecial: new Set<string>() };
const exact = (text: string): number => exactCount(text, PLAIN);

/** 1 MB shapes that a tool result can take: one long word, CJK without spaces, base64, whitespace. */
const MB = 1_000_000;
const base64 = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += alphabet[x >>> 26]!;
  }
  return out;
};

describe('token counting on long unbroken strings', () => {
  it.each([
    ['one letter', 'a'.repeat(MB)],
    ['CJK without spaces', '漢字'.repeat(MB / 2)],
    ['base64', base64(MB)],
    ['whitespace', ' '.repeat(MB)],
    ['emoji (surrogate pairs)', '🚀'.repeat(MB / 2)],
  ])('counts 1 MB of %s in well under the seconds it took (linear, not quadratic)', (_name, text) => {
    const start = performance.now();
    const n = countTokens(`${text}!`);
    const ms = performance.now() - start;
    expect(n).toBeGreaterThan(0);
    // Quadratic counting took > 60 s for 1 MB; linear takes a fraction of a second (slack for a loaded CI machine).
    expect(ms).toBeLessThan(3000);
  });

  it('counts text without long runs exactly as the tokenizer does', () => {
    const prose = 'The context window is RAM; the archive is disk. Résumé: naïve café — 東京 🚀 <|endoftext|>\n'.repeat(2000);
    expect(countTokens(prose)).toBe(exact(prose));
    const word = 'x'.repeat(LONG_RUN - 1);
    expect(countTokens(`see ${word} here`)).toBe(exact(`see ${word} here`));
  });

  it('says when a count is an estimate: a run longer than EXACT_RUN, counted exactly up to there', () => {
    const blob = base64(MB);
    const big = tokenCount(`payload: ${blob} end`);
    expect(big.estimated).toBe(true);
    // Random base64 runs about 0.69 tokens per character under o200k; the estimate extrapolates the exact head.
    expect(big.tokens / MB).toBeGreaterThan(0.6);
    expect(big.tokens / MB).toBeLessThan(0.8);
    expect(tokenCount(`payload: ${blob.slice(0, EXACT_RUN)} end`).estimated).toBe(false);
    expect(tokenCount('plain words '.repeat(2000)).estimated).toBe(false);
  });

  it('counts a long run in pieces within a token per piece of the exact count', () => {
    for (const run of ['a'.repeat(4000), '漢'.repeat(3000), base64(5000), '🚀'.repeat(1500)]) {
      const text = `before ${run} after`;
      const pieces = Math.ceil(run.length / 128) + 2;
      expect(Math.abs(countTokens(text) - exact(text))).toBeLessThanOrEqual(pieces);
    }
  });
});
