/**
 * Semantic goal predicates' subjects and the judge's recorded verdicts. A `similar` or `judge`
 * predicate reads one text, its subject: an artifact's text or an agent's final answer. A judge's
 * verdict is a fact of the run (`goal.judged`): the reducer keeps the latest one per judge leaf in
 * `KernelState.judged`, and `evaluate` reads it there, so a seek, a replay or a fork has the verdict
 * without asking the model again. A verdict holds only for the subject version it judged.
 */
import type { KernelState } from '../state/state';
import type { Predicate } from '../spec';
import type { SliceCharge } from '../trace/events';
import type { Judgement } from './verdict';

export type { Judgement } from './verdict';

/** A judge leaf of a goal's condition. */
export type JudgePredicate = Extract<Predicate, { kind: 'judge' }>;
/** A leaf that reads a subject text. */
export type SubjectPredicate = Extract<Predicate, { kind: 'judge' | 'similar' }>;

/** The text a semantic predicate reads now, and which version of it (null: it does not exist yet). */
export interface Subject {
  /** `artifact "report"` or `agent "writer"'s final answer`: how explanations name it. */
  name: string;
  text: string;
  /** The `artifact.written` seq of that text; 0 for an agent's final answer (given once). */
  version: number;
}

/** The state key of a judge leaf: its goal and its path in the goal's condition (`when`, `when.of[1]`). */
export function judgementKey(goal: string, path: string): string {
  return `${goal}\u0000${path}`;
}

/** The subject's name as explanations say it. */
export function subjectName(p: SubjectPredicate): string {
  return p.artifact !== undefined ? `artifact "${p.artifact}"` : `${p.agent}'s final answer`;
}

/** The subject's text and version now, or null while there is none (no such artifact, the agent has not finished). */
export function subjectOf(s: Readonly<KernelState>, p: SubjectPredicate): Subject | null {
  if (p.artifact !== undefined) {
    const a = s.artifacts[p.artifact];
    return a === undefined ? null : { name: subjectName(p), text: a.text, version: a.seq };
  }
  const finished = p.agent === undefined ? null : (s.procs[p.agent]?.finished ?? null);
  return finished === null ? null : { name: subjectName(p), text: finished, version: 0 };
}

/** A judge leaf and its path in the goal's condition. */
export interface JudgeLeaf {
  leaf: JudgePredicate;
  path: string;
}

/** Conditions already searched (the judge source asks after every event; documents do not change during a run). */
const leavesOf = new WeakMap<Predicate, readonly JudgeLeaf[]>();

/** Every judge leaf of a goal's condition with its path (`when`, `when.of[0]`; a judge's fallback is not a leaf of its own). */
export function judgeLeaves(when: Predicate): readonly JudgeLeaf[] {
  let found = leavesOf.get(when);
  if (found === undefined) leavesOf.set(when, (found = collect(when, 'when')));
  return found;
}

function collect(p: Predicate, path: string): JudgeLeaf[] {
  if (p.kind === 'judge') return [{ leaf: p, path }];
  if (p.kind === 'all' || p.kind === 'any') return p.of.flatMap((q, i) => collect(q, `${path}.of[${i}]`));
  return [];
}

/**
 * What a judge's call costs the run: the tokens the provider reported (else the tokenizer's
 * estimate, as for a turn) at the judge model's prices. Recorded on `goal.judged` as `charge`,
 * which the reducer adds to the run's tokens and cost, so a replay charges the same with no call.
 * A judge belongs to no agent and no budget group: only the run's totals (and its harness limits) pay.
 */
export function judgeCharge(
  model: { priceIn: number; priceOut: number },
  record: { reported: { tokensIn: number; tokensOut: number } | null; estimate: { tokensIn: number; tokensOut: number } },
): SliceCharge {
  const { tokensIn, tokensOut } = record.reported ?? record.estimate;
  return { tokensIn, tokensOut, cost: (tokensIn * model.priceIn + tokensOut * model.priceOut) / 1_000_000 };
}
