import { describe, expect, it } from 'vitest';
import { rouge } from './rouge';

describe('ROUGE overlap', () => {
  it('ROUGE-1 counts shared words, clipped by how often each occurs (Lin 2004, hand-computed)', () => {
    // text: the cat sat on the mat (6 words); reference: the cat was on the mat (6); shared: the, cat, on, the, mat = 5
    const s = rouge('rouge-1', 'The cat sat on the mat.', 'the cat was on the mat');
    expect(s.overlap).toBe(5);
    expect(s.recall).toBeCloseTo(5 / 6, 12);
    expect(s.precision).toBeCloseTo(5 / 6, 12);
    expect(s.f).toBeCloseTo(5 / 6, 12);
    // "the the the" against "the cat": one "the" in the reference, so one match.
    expect(rouge('rouge-1', 'the the the', 'the cat').overlap).toBe(1);
  });

  it('ROUGE-L takes word order into account: the longest common subsequence', () => {
    // LCS of "police killed the gunman" and "police kill the gunman" is police, the, gunman = 3 (Lin's example).
    const s = rouge('rouge-l', 'police kill the gunman', 'police killed the gunman');
    expect(s.overlap).toBe(3);
    expect(s.f).toBeCloseTo(0.75, 12);
    // "the gunman kill police" shares every word but in another order: ROUGE-1 is 0.75, ROUGE-L 0.5.
    expect(rouge('rouge-1', 'the gunman kill police', 'police killed the gunman').f).toBeCloseTo(0.75, 12);
    expect(rouge('rouge-l', 'the gunman kill police', 'police killed the gunman').f).toBeCloseTo(0.5, 12);
  });

  it('is 1 for the same words, 0 with nothing shared; two empty texts are alike, one empty is not', () => {
    expect(rouge('rouge-l', 'Budget: $5k, due Friday.', 'budget 5k due friday').f).toBe(1);
    expect(rouge('rouge-l', 'alpha beta', 'gamma delta').f).toBe(0);
    expect(rouge('rouge-1', ' … ', '').f).toBe(1);
    expect(rouge('rouge-1', 'words', '').f).toBe(0);
  });
});
