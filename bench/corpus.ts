/**
 * A deterministic synthetic English-like corpus for the archive and token benchmarks: a seeded
 * PRNG (mulberry32), a vocabulary of syllable words whose length grows with rank, drawn with a
 * Zipf distribution (s = 1, like word frequencies in English), in sentences, ~450 characters a
 * chunk. Queries of 2–3 distinct terms come from the same distribution.
 */

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ta', 'ri', 'so', 'pe', 'du', 'ga', 'vi', 'zo', 'ba', 'ce', 'fi', 'ho', 'ju', 'ly', 'mo', 'nu', 'pa', 'qui', 'ra', 'se', 'ti', 'vo', 'we', 'xa', 'ye', 'zu', 'an', 'el', 'in', 'or', 'us', 'ath', 'ber', 'con', 'dis', 'ent'];

/** The word of a rank (0 = most frequent): rank in base 40, one syllable per digit, so frequent words are short. */
export function wordOf(rank: number): string {
  let word = '';
  let r = rank;
  do {
    word += SYLLABLES[r % SYLLABLES.length];
    r = Math.floor(r / SYLLABLES.length) - 1;
  } while (r >= 0);
  return word;
}

/** Draws word ranks with probability ∝ 1 / (rank + 1)^s. */
export function zipfSampler(vocabulary: number, random: () => number, s = 1): () => number {
  const cumulative = new Float64Array(vocabulary);
  let total = 0;
  for (let r = 0; r < vocabulary; r++) cumulative[r] = total += 1 / (r + 1) ** s;
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = vocabulary - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface Corpus {
  texts: string[];
  queries: string[];
}

/** `n` chunks of about `chars` characters and `q` queries, the same for the same seed. */
export function syntheticCorpus(n: number, q: number, { seed = 42, vocabulary = 30_000, chars = 450 } = {}): Corpus {
  const random = mulberry32(seed);
  const draw = zipfSampler(vocabulary, random);
  const words = Array.from({ length: vocabulary }, (_, r) => wordOf(r));
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    let text = '';
    while (text.length < chars) {
      const len = 6 + Math.floor(random() * 12);
      const sentence: string[] = [];
      for (let w = 0; w < len; w++) sentence.push(words[draw()]!);
      const first = sentence[0]!;
      sentence[0] = first.charAt(0).toUpperCase() + first.slice(1);
      text += `${text ? ' ' : ''}${sentence.join(' ')}${random() < 0.2 ? ',' : '.'}`;
    }
    const cut = text.lastIndexOf(' ', chars);
    texts.push(cut > chars * 0.8 ? text.slice(0, cut) : text.slice(0, chars));
  }
  const queries: string[] = [];
  for (let i = 0; i < q; i++) {
    const terms = new Set<string>();
    const want = 2 + Math.floor(random() * 2);
    while (terms.size < want) terms.add(words[draw()]!);
    queries.push([...terms].join(' '));
  }
  return { texts, queries };
}
