import { describe, expect, it } from 'vitest';
import { jaccard, shingles, similarity, words } from './similarity';

const text40 = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

describe('word-bigram similarity', () => {
  it('reads words without case or punctuation, in any script', () => {
    expect(words('Hello, World! Ça va? 42x')).toEqual(['hello', 'world', 'ça', 'va', '42x']);
    expect(similarity('Make it formal.', 'make it FORMAL')).toBe(1);
  });

  it('makes bigrams; a one-word text is one shingle and a text without words none', () => {
    expect([...shingles('a b c')]).toEqual(['a b', 'b c']);
    expect([...shingles('yes')]).toEqual(['yes']);
    expect(shingles(' … ').size).toBe(0);
    expect(similarity('yes', 'no')).toBe(0);
  });

  it('is 1 for identical or empty texts, 0 for disjoint ones, symmetric', () => {
    expect(similarity(text40, text40)).toBe(1);
    expect(similarity('', '')).toBe(1);
    expect(similarity('', 'something')).toBe(0);
    expect(similarity('a b c', 'x y z')).toBe(0);
    expect(jaccard(shingles('a b c d'), shingles('a b c'))).toBe(jaccard(shingles('a b c'), shingles('a b c d')));
  });

  it('counts order: a reordered draft is not the same draft', () => {
    expect(similarity('the cat sat on the mat', 'on the mat the cat sat')).toBeLessThan(0.7);
  });

  it('scores one changed word in 40 at about 0.90 (two of 39 bigrams broken)', () => {
    const edited = text40.replace('w20', 'changed');
    expect(similarity(text40, edited)).toBeCloseTo(37 / 41, 10);
  });
});
