/**
 * ROUGE overlap between a text and a reference (Lin 2004, "ROUGE: A Package for Automatic
 * Evaluation of Summaries"): ROUGE-1 counts shared words (clipped by how often each occurs),
 * ROUGE-L the longest common subsequence of words, so word order counts without requiring
 * adjacency. Both are reported as F1 of recall (against the reference) and precision (of the
 * text). Words are read as the livelock test reads them (similarity.ts): lower-cased runs of
 * letters and digits. No stemming, no stop words: a score must be explainable by looking.
 */
import type { SimilarityMeasure } from '../spec';
import { words } from './similarity';

/** A score with the counts behind it, so an explanation can show them. */
export interface RougeScore {
  /** F1 in [0, 1]. */
  f: number;
  recall: number;
  precision: number;
  /** Shared words (ROUGE-1) or the LCS length in words (ROUGE-L). */
  overlap: number;
  /** Words in the text and in the reference. */
  textWords: number;
  referenceWords: number;
}

/** The `measure` score of `text` against `reference`. Two texts without words score 1; one of them alone, 0. */
export function rouge(measure: SimilarityMeasure, text: string, reference: string): RougeScore {
  const a = words(text);
  const b = words(reference);
  if (a.length === 0 || b.length === 0) {
    const same = a.length === b.length ? 1 : 0;
    return { f: same, recall: same, precision: same, overlap: 0, textWords: a.length, referenceWords: b.length };
  }
  const overlap = measure === 'rouge-1' ? sharedWords(a, b) : lcsLength(a, b);
  const recall = overlap / b.length;
  const precision = overlap / a.length;
  const f = overlap === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return { f, recall, precision, overlap, textWords: a.length, referenceWords: b.length };
}

/** Σ over words of min(count in a, count in b). */
function sharedWords(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const w of b) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of a) {
    const left = counts.get(w) ?? 0;
    if (left > 0) {
      shared++;
      counts.set(w, left - 1);
    }
  }
  return shared;
}

/** Length of the longest common subsequence, in two rows of the classic table (O(|a|·|b|) time, O(|b|) space). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const x = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      row[j] = x === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length]!;
}
