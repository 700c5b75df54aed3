import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countTokens, loadEncoding, type Encoding } from '../tokens';
import { summaryTokens } from './memoryManager';
import type { Segment } from './segment';

/** Words that sit on both sides of a cut: contractions, capitals, digits, marks, CJK, emoji, punctuation, odd spaces, a long run. */
const WORDS = [
  'the', 'The', 'SUMMARY', "it's", "WE'LL", 'über', 'e\u0301t\u00e9', '漢字', '🚀', '123', '4567890', '3.14', '/', '.', '!?', '"q"', '(p)',
  'call', 'web_search({"query":"x"})', '<|endoftext|>', "'s", 'a\u00a0b', 'x'.repeat(300), 'AbC'.repeat(3000), '\n', '\t',
];

const seg = (id: number, kind: Segment['kind'], text: string, tokens: number): Segment => ({
  id: `s${id}`, role: 'user', text, tokens, kind, fact: false, pinned: false, source: 'agent:a', trust: 'trusted', verified: false, validity: 1, t: 0, reads: [],
});

const gist = (x: Segment): string => (x.kind === 'summary' ? x.text.replace(/^Summary of \d+ earlier segments: /, '') : x.text.split(/\s+/).slice(0, 10).join(' '));

describe('a summary counted part by part', () => {
  it.each(['o200k_base', 'cl100k_base', 'p50k_base'] as const)('has the tokenizer\'s count of the whole summary text (%s)', async (enc: Encoding) => {
    await loadEncoding(enc);
    const count = (t: string): number => countTokens(t, enc);
    const text = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 14 }).chain((ws) => fc.constantFrom(ws.join(' '), ws.join(''), ws.join('  '), ` ${ws.join(' ')}`, `${ws.join(' ')} `));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), text), { minLength: 2, maxLength: 6 }), (parts) => {
        // A summary segment is made as the kernel makes one: its text and that text's count.
        const oldest = parts.map(([summary, t], i) => {
          const s = summary ? `Summary of ${i + 2} earlier segments: ${t}` : t;
          return seg(i, summary ? 'summary' : 'message', s, count(s));
        });
        const gists = oldest.map(gist);
        const whole = count(`Summary of ${oldest.length} earlier segments: ${gists.join(' / ')}`);
        const parted = summaryTokens(oldest, gists, count);
        if (parted !== null) expect(parted).toBe(whole);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('falls back to the whole text where a gist is empty or ends in a space', () => {
    const oldest = [seg(1, 'message', 'alpha beta', 2), seg(2, 'message', '', 0)];
    expect(summaryTokens(oldest, oldest.map(gist), (t) => countTokens(t))).toBeNull();
    const trailing = [seg(1, 'message', 'alpha ', 2), seg(2, 'message', 'beta', 1)];
    expect(summaryTokens(trailing, trailing.map(gist), (t) => countTokens(t))).toBeNull();
  });
});
