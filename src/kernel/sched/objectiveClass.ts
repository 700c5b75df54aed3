/**
 * objective: a class that picks among its queued agents by the document's one objective over
 * urgency and quality per token (objective.ts), instead of a single knob. An agent's urgency
 * term is its `urgency` × (1 + seconds it has waited), so waiting raises it (aging); its quality
 * term is its `quality` per token it used per turn so far (the harness slice before its first
 * turn). Without `sched.objective` in the document it weighs both terms equally (product, 1, 1).
 * Ties go to the earliest enqueued. Never preempts its own kind. O(n) per pick: a teaching class.
 */
import { admitEntity, entityIndex, entityOf, moveOut, QUEUED, RUNNING, SLEEPING, type EntityIndex } from './entityIndex';
import { objectiveScores, type Objective } from './objective';
import { numberParam, type SchedClass, type SchedEntity, type SchedParam, type SchedStats } from './schedClass';

/** The objective runqueue of one model (JSON data). */
export interface ObjectiveQueue {
  slice: number;
  objective: Objective;
  ids: EntityIndex;
  state: number[];
  urgency: number[];
  quality: number[];
  /** Enqueue time (ms). */
  t: number[];
  /** Tokens served, and the picks they came in (tokens per turn = served / picks). */
  served: number[];
  picks: number[];
  order: number[];
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
  const waitedMs = rq.state[i] === QUEUED ? Math.max(0, now - rq.t[i]!) : 0;
  const tokensPerTurn = rq.picks[i]! > 0 && rq.served[i]! > 0 ? rq.served[i]! / rq.picks[i]! : rq.slice;
  return { urgency: rq.urgency[i]! * (1 + waitedMs / 1000), qualityPerToken: rq.quality[i]! / tokensPerTurn, waitedMs, tokensPerTurn };
}

/** Queued entities in pick order with their scores (best first; ties: earliest enqueued). */
function ranked(rq: ObjectiveQueue, now: number): { i: number; score: number }[] {
  const queued: number[] = [];
  for (let i = 0; i < rq.state.length; i++) if (rq.state[i] === QUEUED) queued.push(i);
  const scores = objectiveScores(rq.objective, queued.map((i) => terms(rq, i, now)));
  return queued.map((i, k) => ({ i, score: scores[k]! })).sort((a, b) => b.score - a.score || rq.order[a.i]! - rq.order[b.i]!);
}

function enqueue(rq: ObjectiveQueue, se: SchedEntity): void {
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
}

function takeOut(rq: ObjectiveQueue, i: number): void {
  if (rq.state[i] === QUEUED) rq.size--;
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
  }),
  enqueue: (rq, se) => enqueue(rq, se),
  dequeue(rq, agent) {
    const i = moveOut(rq, agent, RUNNING, takeOut);
    if (i >= 0) rq.picks[i] = rq.picks[i]! + 1;
  },
  account(rq, agent, tokens) {
    const i = entityOf(rq.ids, agent);
    if (i >= 0) rq.served[i] = rq.served[i]! + tokens;
  },
  sleep: (rq, agent) => void moveOut(rq, agent, SLEEPING, takeOut),
  exit: (rq, agent) => void moveOut(rq, agent, 0, takeOut),
  replenish() {},
  pickNext(rq, now) {
    const best = ranked(rq, now)[0];
    return best === undefined ? null : rq.ids.agents[best.i]!;
  },
  checkPreempt: () => false,
  sliceFor: (rq) => rq.slice,
  nextTimer: () => Number.POSITIVE_INFINITY,
  throttled: () => false,
  stats(rq, agent, now): SchedStats {
    const i = entityOf(rq.ids, agent);
    if (i < 0) return {};
    const x = terms(rq, i, now);
    const all = ranked(rq, now);
    const mine = all.find((r) => r.i === i);
    // A running agent's score is its own alone (the linear form's maxima are over those queued).
    const score = mine?.score ?? objectiveScores(rq.objective, [x])[0]!;
    return { urgency: x.urgency, waitedMs: x.waitedMs, quality: rq.quality[i]!, tokensPerTurn: x.tokensPerTurn, qualityPerToken: x.qualityPerToken, score, urgencyWeight: rq.objective.urgencyWeight, qualityWeight: rq.objective.qualityWeight };
  },
  queued: (rq, now) => ranked(rq, now).map((r) => rq.ids.agents[r.i]!),
  size: (rq) => rq.size,
});
