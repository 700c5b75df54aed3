/**
 * An array-backed treap keyed by (key, tie) and augmented with the subtree minimum of a second
 * value `aug`: the structure behind EEVDF's pick (kernel/sched/fair.c keeps an rb-tree ordered
 * by deadline, augmented with min_vruntime, and `pick_eevdf` descends it in O(log n)).
 *
 * Plain JSON data: nodes are dense indices chosen by the caller (its entity indices), fields are
 * parallel number arrays, −1 is "no node". Node priorities are a hash of the unique `tie`, so the
 * shape is a deterministic function of the operations (expected depth O(log n), no randomness).
 * A node may sit in at most one tree of a pool at a time; the caller keeps the roots.
 */

/** Node storage shared by one or more trees (Seidel & Aragon 1996 treap, field per array). */
export interface TreapPool {
  key: number[];
  /** Unique per insertion (an enqueue counter): orders equal keys and seeds the node priority. */
  tie: number[];
  aug: number[];
  /** Minimum of `aug` over the node's subtree (the augmentation). */
  min: number[];
  left: number[];
  right: number[];
  prio: number[];
}

/** An empty pool. */
export const treapPool = (): TreapPool => ({ key: [], tie: [], aug: [], min: [], left: [], right: [], prio: [] });

/** A 32-bit integer hash (the "lowbias32" mixer), used as the heap priority of a node. */
function mix(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function pull(p: TreapPool, t: number): void {
  let m = p.aug[t]!;
  const l = p.left[t]!;
  const r = p.right[t]!;
  if (l >= 0 && p.min[l]! < m) m = p.min[l]!;
  if (r >= 0 && p.min[r]! < m) m = p.min[r]!;
  p.min[t] = m;
}

/** Does node a come before node b in (key, tie) order? */
function before(p: TreapPool, a: number, b: number): boolean {
  const ka = p.key[a]!;
  const kb = p.key[b]!;
  return ka < kb || (ka === kb && p.tie[a]! < p.tie[b]!);
}

function rotateRight(p: TreapPool, t: number): number {
  const l = p.left[t]!;
  p.left[t] = p.right[l]!;
  p.right[l] = t;
  pull(p, t);
  pull(p, l);
  return l;
}

function rotateLeft(p: TreapPool, t: number): number {
  const r = p.right[t]!;
  p.right[t] = p.left[r]!;
  p.left[r] = t;
  pull(p, t);
  pull(p, r);
  return r;
}

function insertAt(p: TreapPool, t: number, i: number): number {
  if (t < 0) return i;
  if (before(p, i, t)) {
    const l = insertAt(p, p.left[t]!, i);
    p.left[t] = l;
    if (p.prio[l]! > p.prio[t]!) return rotateRight(p, t);
  } else {
    const r = insertAt(p, p.right[t]!, i);
    p.right[t] = r;
    if (p.prio[r]! > p.prio[t]!) return rotateLeft(p, t);
  }
  pull(p, t);
  return t;
}

function merge(p: TreapPool, a: number, b: number): number {
  if (a < 0) return b;
  if (b < 0) return a;
  if (p.prio[a]! > p.prio[b]!) {
    p.right[a] = merge(p, p.right[a]!, b);
    pull(p, a);
    return a;
  }
  p.left[b] = merge(p, a, p.left[b]!);
  pull(p, b);
  return b;
}

function removeAt(p: TreapPool, t: number, i: number): number {
  if (t < 0) return t;
  if (t === i) return merge(p, p.left[i]!, p.right[i]!);
  if (before(p, i, t)) p.left[t] = removeAt(p, p.left[t]!, i);
  else p.right[t] = removeAt(p, p.right[t]!, i);
  pull(p, t);
  return t;
}

/** Inserts node `i` with its keys into the tree at `root`; returns the new root. O(log n) expected. */
export function treapInsert(p: TreapPool, root: number, i: number, key: number, tie: number, aug: number): number {
  p.key[i] = key;
  p.tie[i] = tie;
  p.aug[i] = aug;
  p.min[i] = aug;
  p.left[i] = -1;
  p.right[i] = -1;
  p.prio[i] = mix(tie);
  return insertAt(p, root, i);
}

/** Removes node `i` (which must be in the tree at `root`); returns the new root. O(log n) expected. */
export function treapRemove(p: TreapPool, root: number, i: number): number {
  return removeAt(p, root, i);
}

/** The first node in (key, tie) order, or −1. */
export function treapFirst(p: TreapPool, root: number): number {
  let t = root;
  if (t < 0) return -1;
  while (p.left[t]! >= 0) t = p.left[t]!;
  return t;
}

/**
 * The first node in (key, tie) order whose `aug` satisfies (aug − base)·scale ≤ bound, or −1.
 * One descent guided by the subtree minima (pick_eevdf, kernel/sched/fair.c); the affine form
 * lets EEVDF test eligibility without dividing (vruntime_eligible). Needs scale ≥ 0.
 */
export function treapFirstAtMost(p: TreapPool, root: number, base: number, scale: number, bound: number): number {
  let t = root;
  while (t >= 0) {
    const l = p.left[t]!;
    if (l >= 0 && (p.min[l]! - base) * scale <= bound) {
      t = l;
      continue;
    }
    if ((p.aug[t]! - base) * scale <= bound) return t;
    const r = p.right[t]!;
    if (r < 0 || (p.min[r]! - base) * scale > bound) return -1;
    t = r;
  }
  return -1;
}

/** Appends the nodes of the tree to `out` in (key, tie) order (iterative: no recursion limit). */
export function treapInOrder(p: TreapPool, root: number, out: number[] = []): number[] {
  const stack: number[] = [];
  let t = root;
  while (t >= 0 || stack.length > 0) {
    while (t >= 0) {
      stack.push(t);
      t = p.left[t]!;
    }
    t = stack.pop()!;
    out.push(t);
    t = p.right[t]!;
  }
  return out;
}
