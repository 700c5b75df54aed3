/**
 * objective: a class that picks among its queued agents by the document's one objective over
 * urgency and quality per token (objective.ts), instead of a single knob. An agent's urgency
 * term is its `urgency` × (1 + seconds it has waited), so waiting raises it (aging); its quality
 * term is its `quality` per token it used per turn so far (the harness slice before its first
 * turn). Without `sched.objective` in the document it weighs both terms equally (product, 1, 1).
 * Ties go to the earliest enqueued. Never preempts its own kind.
 *
 * Cost. `product` (the default): O(log n) amortized per pick and per queue change, through a
 * kinetic tournament whose every decision is the old score comparison (objectiveTournament.ts
 * says why the pick is exactly the O(n) ranking's first). It falls back to one O(n) scan for a
 * pick whose scores could leave the normal float range (weights a + b > 1000, or urgencies,
 * qualities and waits so large or small that U^a·Q^b over- or underflows) or when time went
 * backwards. `linear` stays O(n) per pick (a scan, no sort): its score a·U/Umax + b·Q/Qmax
 * divides by the queue's largest U and Q, so the order of two agents depends on the others.
 * Only the ratio Umax/Qmax matters, but it moves with every pick of the most urgent or most
 * valuable agent and with time (Umax is itself the upper envelope of the aging lines), so
 * every pairwise certificate a heap or tournament keeps expires at each such change; the exact
 * query is an extreme point of a dynamic 3-D point set in the direction (1, λ, now) (a dynamic
 * convex hull, Chan 2010), far beyond a teaching class, and its float ties would still need
 * the old formula. stats() is O(1) for product; for linear it scans once (the maxima).
 */
import { admitEntity, entityIndex, entityOf, moveOut, QUEUED, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { objectiveScores, productScore, type Objective } from './objective';
import { advance, inRange, noBound, noteInputs, peek, qualityPerToken, rebuild, setLeaf, tokensPerTurn, urgencyAt, waitedAt, type TournamentQueue } from './objectiveTournament';
import { numberParam, type SchedClass, type SchedEntity, type SchedParam, type SchedStats } from './schedClass';

/** The objective runqueue of one model (JSON data); the tournament fields are filled for `product` only. */
export interface ObjectiveQueue extends TournamentQueue {
  ids: EntityIndex;
  seq: number;
  size: number;
}

/** `sched.urgency`: how much sooner this agent's work is wanted (routing and this class read it). */
export const URGENCY_PARAM: SchedParam = Object.freeze<SchedParam>({
  name: 'urgency', label: 'Urgency', kind: 'number', min: 0.001, max: 1000, step: 0.5,
  description: 'With sched.objective: how urgent this agent\'s work is (default 1). Routing weighs it against each model\'s speed; the objective class against its wait.',
});

const PARAMS: readonly SchedParam[] = Object.freeze([
  URGENCY_PARAM,
  {
    name: 'quality', label: 'Quality', kind: 'number', min: 0, max: 1000, step: 0.5,
    description: 'objective class: what a turn of this agent is worth (default 1); divided by the tokens it uses per turn, it is the quality-per-token term.',
    appliesTo: (s) => s.class === 'objective',
  },
]);

const DEFAULT_OBJECTIVE: Objective = { urgencyWeight: 1, qualityWeight: 1, form: 'product' };

/** The two terms of entity i at `now`. */
function terms(rq: ObjectiveQueue, i: number, now: number): { urgency: number; qualityPerToken: number; waitedMs: number; tokensPerTurn: number } {
  return { urgency: urgencyAt(rq, i, now), qualityPerToken: qualityPerToken(rq, i), waitedMs: waitedAt(rq, i, now), tokensPerTurn: tokensPerTurn(rq, i) };
}

/** Queued entities and their scores, in index order (the O(n) path). */
function scored(rq: ObjectiveQueue, now: number): { queued: number[]; scores: number[] } {
  const queued: number[] = [];
  for (let i = 0; i < rq.state.length; i++) if (rq.state[i] === QUEUED) queued.push(i);
  return { queued, scores: objectiveScores(rq.objective, queued.map((i) => terms(rq, i, now))) };
}

/** Queued entities in pick order with their scores (best first; ties: earliest enqueued). */
function ranked(rq: ObjectiveQueue, now: number): { i: number; score: number }[] {
  const { queued, scores } = scored(rq, now);
  return queued.map((i, k) => ({ i, score: scores[k]! })).sort((a, b) => b.score - a.score || rq.order[a.i]! - rq.order[b.i]!);
}

/**
 * The first of `ranked` by one scan: the sort's comparator is a total order unless a score is
 * NaN (0 × ∞ under extreme weights), and then the sort itself decides.
 */
function scanPick(rq: ObjectiveQueue, now: number): number {
  const { queued, scores } = scored(rq, now);
  let best = -1;
  let bestScore = 0;
  for (let k = 0; k < queued.length; k++) {
    const i = queued[k]!;
    const s = scores[k]!;
    if (Number.isNaN(s)) return ranked(rq, now)[0]!.i;
    if (best < 0 || (bestScore - s || rq.order[i]! - rq.order[best]!) < 0) {
      best = i;
      bestScore = s;
    }
  }
  return best;
}

/** True when the product form's tree may answer a pick at `now`. */
const treeAnswers = (rq: ObjectiveQueue, now: number): boolean => rq.cap > 0 && now >= rq.kt && inRange(rq, now);

/** Reducers: brings the tree (product form) to `now` before a change. */
function touch(rq: ObjectiveQueue, now: number): void {
  if (rq.objective.form !== 'product') return;
  if (rq.win === undefined) {
    // A runqueue saved before the tree existed: build it once.
    rq.bound = noBound();
    rq.cap = 0;
    for (let i = 0; i < rq.state.length; i++) if (rq.state[i] === QUEUED) noteInputs(rq, i);
    rebuild(rq, now);
  } else advance(rq, now);
}

function enqueue(rq: ObjectiveQueue, se: SchedEntity, now: number): void {
  let i = entityOf(rq.ids, se.agent);
  if (i >= 0 && rq.state[i] === QUEUED) return;
  if (i < 0) {
    i = admitEntity(rq.ids, se.agent);
    rq.served[i] = 0;
    rq.picks[i] = 0;
  }
  rq.urgency[i] = numberParam(se.sched, 'urgency') ?? 1;
  rq.quality[i] = numberParam(se.sched, 'quality') ?? 1;
  rq.t[i] = se.t;
  rq.order[i] = rq.seq++;
  rq.state[i] = QUEUED;
  rq.size++;
  if (rq.objective.form === 'product') {
    touch(rq, now);
    noteInputs(rq, i);
    setLeaf(rq, i, true);
  }
}

function takeOut(rq: ObjectiveQueue, i: number): void {
  if (rq.state[i] !== QUEUED) return;
  rq.size--;
  if (rq.objective.form === 'product' && rq.cap > 0) setLeaf(rq, i, false);
}

/** Reducers that take an agent out: the tree first comes to `now` (product form). */
function leave(rq: ObjectiveQueue, agent: string, to: typeof RUNNING | typeof SLEEPING | 0, now: number | null): number {
  const i = entityOf(rq.ids, agent);
  if (i >= 0 && rq.state[i] === QUEUED && now !== null) touch(rq, now);
  return moveOut(rq, agent, to, takeOut);
}

/** The objective class (rank 38, between fair and priority). stats: urgency, waitedMs, qualityPerToken, tokensPerTurn, score. */
export const objectiveClass: SchedClass<ObjectiveQueue> = Object.freeze<SchedClass<ObjectiveQueue>>({
  name: 'objective',
  rank: 38,
  label: 'objective (urgency × quality/token)',
  params: PARAMS,
  shows: [{ stat: 'score', label: 'score' }, { stat: 'urgency', label: 'urgency' }, { stat: 'qualityPerToken', label: 'quality/token' }],
  checkParams: () => [],
  init: (p) => ({
    slice: Math.max(1, p.sliceTokens), objective: p.objective ?? DEFAULT_OBJECTIVE,
    ids: entityIndex(), state: [], urgency: [], quality: [], t: [], served: [], picks: [], order: [], seq: 0, size: 0,
    cap: 0, kt: 0, win: [], fail: [], next: [], bound: noBound(),
  }),
  enqueue: (rq, se, now) => enqueue(rq, se, now),
  dequeue(rq, agent, now) {
    const i = leave(rq, agent, RUNNING, now);
    if (i >= 0) rq.picks[i] = rq.picks[i]! + 1;
  },
  account(rq, agent, tokens, now) {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return;
    const queued = rq.state[i] === QUEUED && rq.objective.form === 'product';
    if (queued) touch(rq, now);
    rq.served[i] = rq.served[i]! + tokens;
    if (queued) {
      // Its quality per token moved while it waits: re-decide its path.
      noteInputs(rq, i);
      setLeaf(rq, i, true, true);
    }
  },
  sleep: (rq, agent, now) => void leave(rq, agent, SLEEPING, now),
  exit: (rq, agent) => void leave(rq, agent, 0, null),
  replenish() {},
  pickNext(rq, now) {
    if (rq.size === 0) return null;
    const i = rq.objective.form === 'product' && treeAnswers(rq, now) ? peek(rq, 1, now) : scanPick(rq, now);
    return rq.ids.agents[i]!;
  },
  checkPreempt: () => false,
  sliceFor: (rq) => rq.slice,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent, now): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    const x = terms(rq, i, now);
    let score: number;
    if (rq.objective.form === 'product') score = productScore(rq.objective, x.urgency, x.qualityPerToken);
    else if (rq.state[i] === QUEUED) {
      const { queued, scores } = scored(rq, now);
      score = scores[queued.indexOf(i)]!;
    } else score = objectiveScores(rq.objective, [x])[0]!; // a running agent's score is its own alone (the maxima are over those queued)
    return { urgency: x.urgency, waitedMs: x.waitedMs, quality: rq.quality[i]!, tokensPerTurn: x.tokensPerTurn, qualityPerToken: x.qualityPerToken, score, urgencyWeight: rq.objective.urgencyWeight, qualityWeight: rq.objective.qualityWeight };
  },
  queued: (rq, now) => ranked(rq, now).map((r) => rq.ids.agents[r.i]!),
  size: (rq) => rq.size,
});
