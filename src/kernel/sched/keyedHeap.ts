/**
 * An indexed binary min-heap of dense entity indices, ordered lexicographically by up to three
 * per-entity key arrays (k1, then k2, then k3). Plain JSON data: the heap is a number array, and
 * each entity's place in it is kept in a `pos` array the caller owns (so it can remove or
 * re-key any entity in O(log n), Cormen et al. §6.5). No allocation per operation: the keys are
 * read from the caller's arrays, never copied.
 *
 * The layout is a deterministic function of the operations, so a runqueue rebuilt by replaying
 * the same events has the same heap. An entity may sit in at most one heap sharing a `pos`.
 */

/**
 * The key arrays a heap is ordered by: k1 first, ties by k2, then by k3 (k3 must break every
 * tie). Passed as three arguments rather than an object so an operation allocates nothing.
 */
type Keys = readonly number[];

function less(k1: Keys, k2: Keys, k3: Keys, a: number, b: number): boolean {
  const a1 = k1[a]!;
  const b1 = k1[b]!;
  if (a1 !== b1) return a1 < b1;
  const a2 = k2[a]!;
  const b2 = k2[b]!;
  if (a2 !== b2) return a2 < b2;
  return k3[a]! < k3[b]!;
}

/** Moves the entity at `j` towards the root while it is less than its parent. */
function siftUp(h: number[], pos: number[], k1: Keys, k2: Keys, k3: Keys, j: number): void {
  const x = h[j]!;
  while (j > 0) {
    const parent = (j - 1) >> 1;
    const y = h[parent]!;
    if (!less(k1, k2, k3, x, y)) break;
    h[j] = y;
    pos[y] = j;
    j = parent;
  }
  h[j] = x;
  pos[x] = j;
}

/**
 * Moves the entity at `j` to its place below: the hole first goes down the path of lesser
 * children to a leaf, then the entity rises from there (Floyd's bottom-up variant: the entity
 * moved here is a former last leaf, which nearly always belongs near the bottom, so this takes
 * one comparison per level instead of two).
 */
function siftDown(h: number[], pos: number[], k1: Keys, k2: Keys, k3: Keys, j: number): void {
  const n = h.length;
  const x = h[j]!;
  const top = j;
  for (;;) {
    let c = 2 * j + 1;
    if (c >= n) break;
    if (c + 1 < n && less(k1, k2, k3, h[c + 1]!, h[c]!)) c++;
    const y = h[c]!;
    h[j] = y;
    pos[y] = j;
    j = c;
  }
  while (j > top) {
    const parent = (j - 1) >> 1;
    const y = h[parent]!;
    if (!less(k1, k2, k3, x, y)) break;
    h[j] = y;
    pos[y] = j;
    j = parent;
  }
  h[j] = x;
  pos[x] = j;
}

/** The least entity, or −1 when the heap is empty. */
export function heapTop(h: readonly number[]): number {
  return h.length > 0 ? h[0]! : -1;
}

/** Adds entity `x` (not in any heap sharing `pos`). O(log n). */
export function heapPush(h: number[], pos: number[], k1: Keys, k2: Keys, k3: Keys, x: number): void {
  h.push(x);
  siftUp(h, pos, k1, k2, k3, h.length - 1);
}

/** Removes entity `x` (which must be in `h`); its `pos` becomes −1. O(log n). */
export function heapRemove(h: number[], pos: number[], k1: Keys, k2: Keys, k3: Keys, x: number): void {
  const j = pos[x]!;
  pos[x] = -1;
  const last = h.pop()!;
  if (last === x) return;
  h[j] = last;
  pos[last] = j;
  // The moved entity may belong above or below its new place, never both.
  if (j > 0 && less(k1, k2, k3, last, h[(j - 1) >> 1]!)) siftUp(h, pos, k1, k2, k3, j);
  else siftDown(h, pos, k1, k2, k3, j);
}
