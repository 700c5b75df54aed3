/**
 * Counter-based randomness: a draw is a pure function of (seed, stream, counter), so the
 * kernel needs no generator state in its snapshots and a fork reproduces the same draws.
 * Mixing is SplitMix32-style (Steele, Lea, Flood, "Fast splittable PRNGs", OOPSLA 2014).
 */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform draw in [0, 1) for the given seed, stream name and counters. */
export function draw(seed: number, stream: string, a: number, b = 0): number {
  let x = mix((seed >>> 0) ^ 0x9e3779b9);
  x = mix(x ^ hashString(stream));
  x = mix(x ^ (a >>> 0));
  x = mix(x ^ Math.imul(b >>> 0, 0x27d4eb2d));
  return x / 0x1_0000_0000;
}
