/**
 * The goal checklist of the Termination panel: every goal of the document at the debugger's
 * cursor, whether the run has met it and at which `goal.met` event, and why, as a tree that
 * mirrors the goal's `all` / `any` structure. Pure: the same for live runs, seeks and replays.
 */
import { evaluateGoal, explainGoal, type BudgetLimits, type HarnessSpec, type KernelEvent, type KernelState, type Predicate } from '../../kernel';

/** One condition of a goal, with its own status; `all` / `any` carry their parts as children. */
export interface ConditionNode {
  /** Where it sits in the goal's `when`: '' for the root, `of[1]`, `of[1].of[0]`, … */
  path: string;
  kind: Predicate['kind'];
  /** What the condition asks, e.g. `artifact "report" contains "MemGPT"`. */
  label: string;
  /** It holds at the cursor (false before any state). */
  holds: boolean;
  /** The kernel's explanation (term/goals.ts `explain`) of why it holds or not. */
  why: string;
  children: ConditionNode[];
}

export interface GoalRow {
  id: string;
  name: string;
  /** "harness" or the agent the goal belongs to. */
  scope: string;
  /** The run has met it at or before the cursor. Goals stay met once met. */
  met: boolean;
  /** seq of its `goal.met` event, null when not met yet (or met without one among the events). */
  metAt: number | null;
  /** Its condition holds at the cursor: true a step before `goal.met`, false after a met budget goal is spent. */
  holds: boolean;
  why: string;
  condition: ConditionNode;
}

const NO_STATE = 'no run at the cursor yet';

/**
 * The checklist at `cursor` (a seq; -1 before any event). `state` is the kernel state at the
 * cursor; `events` may run past the cursor (only those at or before it count). A harness
 * `budget` condition is measured against the document's limits.
 */
export function goalChecklist(spec: Pick<HarnessSpec, 'goals' | 'limits'>, state: Readonly<KernelState> | null, events: readonly KernelEvent[], cursor: number): GoalRow[] {
  const metAt = goalMetSeqs(events, cursor);
  return spec.goals.map((g) => {
    const condition = conditionTree(g.when, state, spec.limits, '', g.id);
    const seq = metAt.get(g.id) ?? null;
    return {
      id: g.id,
      name: g.name,
      scope: g.scope,
      met: seq !== null || state?.goalsMet[g.id] === true,
      metAt: seq,
      holds: condition.holds,
      why: condition.why,
      condition,
    };
  });
}

/** The first `goal.met` of each goal at or before `cursor`. Events are in seq order. */
export function goalMetSeqs(events: readonly KernelEvent[], cursor: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.seq > cursor) break;
    if (e.type === 'goal.met' && !out.has(e.goal)) out.set(e.goal, e.seq);
  }
  return out;
}

/**
 * A condition and its parts, each evaluated and explained at `state`. `goal`: the id of the goal
 * it belongs to, under which the kernel records a judge's verdicts (without it a judge never holds).
 */
export function conditionTree(p: Predicate, state: Readonly<KernelState> | null, limits: BudgetLimits | undefined, path: string, goal?: string): ConditionNode {
  const children = p.kind === 'all' || p.kind === 'any' ? p.of.map((q, i) => conditionTree(q, state, limits, `${path === '' ? '' : `${path}.`}of[${i}]`, goal)) : [];
  // The kernel names a part by its path from the goal's `when`.
  const at = path === '' ? 'when' : `when.${path}`;
  return {
    path,
    kind: p.kind,
    label: conditionLabel(p),
    holds: state !== null && evaluateGoal(p, state, limits, goal, at),
    why: state === null ? NO_STATE : explainGoal(p, state, limits, goal, at),
    children,
  };
}

const quoted = (text: string): string => JSON.stringify(text);
const clipped = (text: string): string => (text.length > 80 ? `${text.slice(0, 79)}…` : text);

/** What a condition asks, in one line; `all` / `any` name only their arity (their parts are children). */
export function conditionLabel(p: Predicate): string {
  switch (p.kind) {
    case 'artifact': {
      const fields = Object.entries(p.fields ?? {}).map(([k, v]) => `${k}=${v}`);
      return `artifact ${quoted(p.name)}${p.contains === undefined ? '' : ` contains ${quoted(p.contains)}`}${fields.length > 0 ? ` with ${fields.join(', ')}` : ''}`;
    }
    case 'fact':
      return `${p.in}'s context holds ${quoted(p.fact)}`;
    case 'finished':
      return `${p.agent} finished`;
    case 'message': {
      const parts = [p.from === undefined ? null : `from ${p.from}`, p.to === undefined ? null : `to ${p.to}`, p.tag === undefined ? null : `tagged ${quoted(p.tag)}`, p.contains === undefined ? null : `containing ${quoted(p.contains)}`];
      const filters = parts.filter((x) => x !== null);
      return filters.length === 0 ? 'any message was sent' : `a message ${filters.join(' ')} was sent`;
    }
    case 'budget': {
      const where = p.group === undefined ? 'under the harness limits' : `in group ${p.group}`;
      const needs = [p.tokensLeft === undefined ? null : `≥ ${p.tokensLeft} tokens`, p.costLeft === undefined ? null : `≥ $${p.costLeft}`].filter((x) => x !== null);
      return needs.length === 0 ? `budget ${where} not spent` : `budget ${where}: ${needs.join(' and ')} left`;
    }
    case 'similar':
      return `${p.artifact !== undefined ? `artifact ${quoted(p.artifact)}` : `${p.agent}'s final answer`} is similar to ${quoted(clipped(p.reference))} (${(p.measure ?? 'rouge-l').toUpperCase()} ≥ ${p.threshold})`;
    case 'judge':
      return `model ${p.model} judges ${p.artifact !== undefined ? `artifact ${quoted(p.artifact)}` : `${p.agent}'s final answer`}: ${quoted(clipped(p.rubric))}${p.fallback === undefined ? '' : ' (offline fallback declared)'}`;
    case 'all':
      return `all of ${p.of.length}`;
    case 'any':
      return `any of ${p.of.length}`;
  }
}
