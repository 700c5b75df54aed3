/**
 * The objective class's pick in O(log n) for the `product` form: a kinetic tournament (Basch,
 * Guibas & Hershberger, "Data structures for mobile data", SODA 1997, §4) over the queued
 * entities, kept as plain JSON arrays in the runqueue.
 *
 * Why it works. Under `product` an entity's score U^a·Q^b depends on that entity alone (no
 * normalisation over the queue), and while it waits only U = urgency·(1 + waited/1000) moves.
 * Its log-score is ℓ(T) = a·ln u + b·ln Q + a·ln(1 + max(0, T − t)/1000): the log of a clamped
 * line in the time T. Two such curves swap order at most twice, so a tournament tree whose nodes
 * remember their winner and a certificate (the first time the loser could catch up) changes
 * O(n log n) winners while n agents wait, and a pick only re-plays the nodes whose certificate
 * has expired. A queue change re-decides one leaf-to-root path. Per pick-run-requeue cycle that
 * is O(log n) node decisions amortized (bench/objective.ts counts them: 12.8, 40.3, 55.5 scores
 * at 10, 1,000, 10,000 agents); the general bound for kinetic tournaments under insertions and
 * deletions is O(log² n) amortized (Agarwal et al., "Kinetic and dynamic data structures for
 * closest pair and all nearest neighbors", TALG 2008).
 *
 * Why the pick is exactly the old one. Every node decides with the old comparison itself —
 * productScore at the pick time, ties to the earliest enqueued — never with ℓ. ℓ (exact reals)
 * only says how long that decision stands: a certificate lasts while the winner's log-score
 * leads by more than SAFE = 2e-8, while the old formula's rounding moves a score by at most
 * ~(4a + 3b + 4)·2^-53 relative (≤ 1e-12 for a + b ≤ 1000), so inside a certificate the old
 * comparison cannot flip. A node closer than SAFE (a near tie) is re-decided at every later pick;
 * a decision that holds for ever gets no expiry: a = 0 (scores do not move), the loser scores 0
 * (quality or urgency 0), or both have the same urgency, quality and enqueue time (equal scores
 * for ever, the earlier one wins). The bound needs every score to be a normal float: `inRange`
 * checks that from the inputs seen (and a + b ≤ 1000) before a pick trusts the tree; otherwise,
 * and for time going backwards, the caller falls back to the O(n) scan.
 *
 * Mutation: reducers (enqueue, dequeue, account, sleep, exit) advance the tree to their `now` and
 * re-decide the leaf's path; pickNext only reads (`peek` re-decides expired nodes on the fly
 * without storing them), so it stays a pure op.
 */
import { QUEUED } from './entityIndex';
import { productScore, type Objective } from './objective';

/** "Never expires" (the largest float: ±Infinity is not JSON). */
export const NEVER = Number.MAX_VALUE;
/** A certificate holds while the winner's log-score leads by more than this. */
const SAFE = 2e-8;
/** The largest a + b the rounding bound above covers. */
const MAX_WEIGHTS = 1000;

/** What the tournament reads from, and keeps in, the objective runqueue (JSON data). */
export interface TournamentQueue {
  slice: number;
  objective: Objective;
  state: number[];
  urgency: number[];
  quality: number[];
  /** Enqueue time (ms). */
  t: number[];
  /** Tokens served, and the picks they came in (tokens per turn = served / picks). */
  served: number[];
  picks: number[];
  order: number[];
  /** Leaves (a power of two, ≥ every entity index + 1; 0 = no tree, e.g. the linear form). */
  cap: number;
  /** Time the tree was last advanced to: every node is right at kt. */
  kt: number;
  /** Per node (1 = root, leaf of entity i = cap + i): the winner (−1 none)… */
  win: number[];
  /** …the time its own decision expires… */
  fail: number[];
  /** …and the earliest expiry in its subtree. */
  next: number[];
  /** Inputs seen, for `inRange`: [least u > 0, largest u, least Q > 0, largest Q, least t, 1 if any was not a finite non-negative number]. */
  bound: number[];
}

/** The bound of a queue that has seen nothing. */
export const noBound = (): number[] => [NEVER, 0, NEVER, 0, NEVER, 0];

/** Tokens per turn so far (the harness slice before the first turn). */
export function tokensPerTurn(rq: TournamentQueue, i: number): number {
  return rq.picks[i]! > 0 && rq.served[i]! > 0 ? rq.served[i]! / rq.picks[i]! : rq.slice;
}

/** Quality per token of entity i. */
export const qualityPerToken = (rq: TournamentQueue, i: number): number => rq.quality[i]! / tokensPerTurn(rq, i);

/** Waited ms of entity i at `now` (0 unless queued). */
export const waitedAt = (rq: TournamentQueue, i: number, now: number): number => (rq.state[i] === QUEUED ? Math.max(0, now - rq.t[i]!) : 0);

/** The urgency term of entity i at `now`. */
export const urgencyAt = (rq: TournamentQueue, i: number, now: number): number => rq.urgency[i]! * (1 + waitedAt(rq, i, now) / 1000);

/** The old pick order: true when x goes before y at `now` (the sort comparator of the O(n) ranking). */
export function goesBefore(rq: TournamentQueue, x: number, y: number, now: number): boolean {
  const o = rq.objective;
  const sx = productScore(o, urgencyAt(rq, x, now), qualityPerToken(rq, x));
  const sy = productScore(o, urgencyAt(rq, y, now), qualityPerToken(rq, y));
  return (sy - sx || rq.order[x]! - rq.order[y]!) < 0;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The least float above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0]!;
}

/** True when entity i scores exactly 0 for ever (urgency 0 under a > 0, or quality 0 under b > 0). */
function scoresZero(rq: TournamentQueue, i: number): boolean {
  const o = rq.objective;
  return (o.urgencyWeight > 0 && rq.urgency[i] === 0) || (o.qualityWeight > 0 && rq.quality[i] === 0);
}

/** a·ln u + b·ln Q: the part of the log-score that does not move. */
function logBase(rq: TournamentQueue, i: number): number {
  const o = rq.objective;
  const q = o.qualityWeight > 0 ? o.qualityWeight * Math.log(qualityPerToken(rq, i)) : 0;
  return o.urgencyWeight * Math.log(rq.urgency[i]!) + q;
}

/**
 * The first time after T at which winner w's log-score might no longer lead loser l's by SAFE
 * (nextUp(T): re-decide at the next later pick; NEVER: the decision stands for ever).
 */
function certificate(rq: TournamentQueue, w: number, l: number, T: number): number {
  const a = rq.objective.urgencyWeight;
  if (a === 0 || scoresZero(rq, l)) return NEVER;
  const tw = rq.t[w]!;
  const tl = rq.t[l]!;
  if (rq.urgency[w] === rq.urgency[l] && tw === tl && qualityPerToken(rq, w) === qualityPerToken(rq, l)) return NEVER;
  if (scoresZero(rq, w)) return nextUp(T);
  const c = logBase(rq, w) - logBase(rq, l);
  const D = (x: number) => c + a * (Math.log1p(Math.max(0, x - tw) / 1000) - Math.log1p(Math.max(0, x - tl) / 1000));
  if (!(D(T) > SAFE)) return nextUp(T);
  // D is monotone between the breakpoints tw, tl (constant, one log rising, or the log of a
  // ratio of two lines), so it first reaches SAFE in the piece whose end is not above SAFE.
  const lo = Math.min(tw, tl);
  const hi = Math.max(tw, tl);
  let s = T;
  for (let piece = 0; piece < 3; piece++) {
    const e = piece === 0 ? lo : piece === 1 ? hi : NEVER;
    if (e <= s) continue;
    if (e !== NEVER && D(e) > SAFE) {
      s = e;
      continue;
    }
    const wUp = s >= tw;
    const lUp = s >= tl;
    let cross: number;
    if (wUp && lUp) {
      if (e === NEVER && c > SAFE) return NEVER; // D tends to c from above or below, never under SAFE
      // (1000 + x − tw) = r·(1000 + x − tl), r = e^((SAFE − c)/a)
      cross = (tl - tw) / Math.expm1((SAFE - c) / a) - (1000 - tl);
    } else if (wUp) cross = tw + 1000 * Math.expm1((SAFE - c) / a);
    else if (lUp) cross = tl + 1000 * Math.expm1((c - SAFE) / a);
    else cross = s; // constant piece: cannot end below SAFE; re-decide at its start
    if (!(cross >= s)) cross = s;
    if (cross > e) cross = e;
    return Math.max(cross, nextUp(T)) + 0;
  }
  return NEVER;
}

/** Winner of x and y at T (−1 for none). */
function better(rq: TournamentQueue, x: number, y: number, T: number): number {
  if (x < 0) return y;
  if (y < 0) return x;
  return goesBefore(rq, x, y, T) ? x : y;
}

/** Re-decides node k from its children's winners at T. */
function pull(rq: TournamentQueue, k: number, T: number): void {
  const x = rq.win[2 * k]!;
  const y = rq.win[2 * k + 1]!;
  const w = better(rq, x, y, T);
  rq.win[k] = w;
  rq.fail[k] = x < 0 || y < 0 ? NEVER : certificate(rq, w, w === x ? y : x, T);
  rq.next[k] = Math.min(rq.fail[k]!, rq.next[2 * k]!, rq.next[2 * k + 1]!);
}

/** Re-decides every expired node under k at T. */
function advanceNode(rq: TournamentQueue, k: number, T: number): void {
  if (rq.next[k]! > T || k >= rq.cap) return;
  advanceNode(rq, 2 * k, T);
  advanceNode(rq, 2 * k + 1, T);
  pull(rq, k, T);
}

/** Builds the tree over every queued entity at T, with room for entity index `need`. O(cap). */
export function rebuild(rq: TournamentQueue, T: number, need = -1): void {
  let cap = Math.max(1, rq.cap);
  while (cap <= Math.max(need, rq.state.length - 1)) cap *= 2;
  rq.cap = cap;
  rq.kt = T + 0;
  rq.win = new Array<number>(2 * cap).fill(-1);
  rq.fail = new Array<number>(2 * cap).fill(NEVER);
  rq.next = new Array<number>(2 * cap).fill(NEVER);
  for (let i = 0; i < rq.state.length; i++) if (rq.state[i] === QUEUED) rq.win[cap + i] = i;
  for (let k = cap - 1; k >= 1; k--) pull(rq, k, T);
}

/** Brings the tree to `now` (never backwards: a reducer's earlier `now` keeps kt). */
export function advance(rq: TournamentQueue, now: number): void {
  if (!(now > rq.kt)) return;
  if (rq.cap > 1) advanceNode(rq, 1, now);
  rq.kt = now + 0;
}

/**
 * Puts entity i in (it is queued) or takes it out of the tree, re-deciding its path at kt; `moved`:
 * it stays in but its score changed (its quality per token). O(log n). Stops re-deciding where a
 * node's winner stays the same: every decision above compares the same two entities as before
 * and still holds (its certificate lies after kt), so only the subtree expiries are brought up.
 */
export function setLeaf(rq: TournamentQueue, i: number, queued: boolean, moved = false): void {
  if (i >= rq.cap) {
    if (queued) rebuild(rq, rq.kt, i);
    return;
  }
  let k = rq.cap + i;
  const was = rq.win[k];
  rq.win[k] = queued ? i : -1;
  let redo = moved || was !== rq.win[k];
  for (k >>= 1; k >= 1; k >>= 1) {
    if (redo) {
      const before = rq.win[k];
      pull(rq, k, rq.kt);
      redo = rq.win[k] !== before || (moved && before === i);
    } else {
      const before = rq.next[k];
      rq.next[k] = Math.min(rq.fail[k]!, rq.next[2 * k]!, rq.next[2 * k + 1]!);
      if (rq.next[k] === before) return;
    }
  }
}

/** Records entity i's inputs in the bound (call whenever its urgency, quality, t or Q changes). */
export function noteInputs(rq: TournamentQueue, i: number): void {
  const b = rq.bound;
  const u = rq.urgency[i]!;
  const q = qualityPerToken(rq, i);
  const t = rq.t[i]!;
  if (!(u >= 0 && u < Infinity && q >= 0 && q < Infinity && Number.isFinite(t))) b[5] = 1;
  if (u > 0) {
    b[0] = Math.min(b[0]!, u);
    b[1] = Math.max(b[1]!, u);
  }
  if (q > 0) {
    b[2] = Math.min(b[2]!, q);
    b[3] = Math.max(b[3]!, q);
  }
  if (t < b[4]!) b[4] = t;
}

/**
 * True when every score of every entity seen, at any time up to `now`, is a normal float
 * (ln within ±600, each factor within ±650) and a + b ≤ MAX_WEIGHTS: the rounding bound holds.
 */
export function inRange(rq: TournamentQueue, now: number): boolean {
  const [uLo, uHi, qLo, qHi, tMin, bad] = rq.bound as [number, number, number, number, number, number];
  const { urgencyWeight: a, qualityWeight: b } = rq.objective;
  if (bad !== 0 || !Number.isFinite(now) || !(a + b <= MAX_WEIGHTS)) return false;
  const u0 = uHi > 0 ? a * Math.log(uLo) : 0;
  const u1 = uHi > 0 ? a * (Math.log(uHi) + Math.log1p(Math.max(0, now - tMin) / 1000)) : 0;
  const q0 = qHi > 0 && b > 0 ? b * Math.log(qLo) : 0;
  const q1 = qHi > 0 && b > 0 ? b * Math.log(qHi) : 0;
  return Math.abs(u0) <= 650 && Math.abs(u1) <= 650 && Math.abs(q0) <= 650 && Math.abs(q1) <= 650 && u0 + q0 >= -600 && u1 + q1 <= 600;
}

/** The winner under node k at `now` ≥ kt, re-deciding expired nodes without storing them (pure). */
export function peek(rq: TournamentQueue, k: number, now: number): number {
  if (rq.next[k]! > now || k >= rq.cap) return rq.win[k]!;
  return better(rq, peek(rq, 2 * k, now), peek(rq, 2 * k + 1, now), now);
}
