/**
 * Goal predicates: small declarative conditions over kernel state (spec `Predicate`).
 * `evaluate` decides, `explain` says why in a short line for the Termination checklist; both
 * are pure and read only the state (and, for a harness budget, the document's limits). A judge
 * leaf reads the verdict the run recorded for it (judgement.ts), found by the goal's id and the
 * leaf's path in the condition, so both take the goal's id.
 */
import type { GroupState, KernelState } from '../state/state';
import type { HarnessSpec, Predicate } from '../spec';
import { judgementKey, subjectName, subjectOf, type Judgement } from './judgement';
import { rouge, type RougeScore } from './rouge';

/** The harness limits a `budget` predicate without a group measures against. */
export type BudgetLimits = Pick<HarnessSpec['limits'], 'maxTokens' | 'maxCost'>;

/**
 * True when `p` holds in `s`. Without `limits`, a harness `budget` has no limit and holds. `goal`
 * is the id of the goal whose condition `p` is (`at`: its path there, `when` for the whole
 * condition): a judge leaf's verdict is recorded under them; without a goal a judge never holds.
 */
export function evaluate(p: Predicate, s: Readonly<KernelState>, limits?: BudgetLimits, goal?: string, at = 'when'): boolean {
  switch (p.kind) {
    case 'artifact': {
      const a = s.artifacts[p.name];
      if (a === undefined || (p.contains !== undefined && !a.text.includes(p.contains))) return false;
      return p.fields === undefined || fieldMismatch(a.text, p.fields) === null;
    }
    case 'fact':
      return inContext(s, p.in, p.fact);
    case 'finished':
      return s.procs[p.agent]?.state === 'done';
    case 'message': {
      const sent: readonly SentMessage[] = s.sent;
      return sent.some((m) => matches(p, m));
    }
    case 'budget': {
      const left = budgetLeft(s, p.group, limits);
      return left !== null && budgetMet(p, left);
    }
    case 'similar': {
      const score = similarScore(p, s);
      return score !== null && score.f >= p.threshold;
    }
    case 'judge': {
      const j = currentJudgement(p, s, goal, at);
      if (j === null) return false;
      return j.verdict === 'fallback' ? p.fallback !== undefined && evaluate(p.fallback, s, limits, goal, `${at}.fallback`) : j.verdict === 'pass';
    }
    case 'all':
      return p.of.every((q, i) => evaluate(q, s, limits, goal, `${at}.of[${i}]`));
    case 'any':
      return p.of.some((q, i) => evaluate(q, s, limits, goal, `${at}.of[${i}]`));
  }
}

/**
 * A short line saying why `p` holds or not, e.g. `artifact "out": status is "draft", not "approved"`;
 * a `similar` leaf shows its score against its threshold, a judge leaf the recorded verdict and who
 * gave it. `goal` and `at` as for {@link evaluate}.
 */
export function explain(p: Predicate, s: Readonly<KernelState>, limits?: BudgetLimits, goal?: string, at = 'when'): string {
  switch (p.kind) {
    case 'artifact': {
      const a = s.artifacts[p.name];
      if (a === undefined) return `artifact "${p.name}" does not exist`;
      if (p.contains !== undefined && !a.text.includes(p.contains)) return `artifact "${p.name}" does not contain "${p.contains}"`;
      const miss = p.fields === undefined ? null : fieldMismatch(a.text, p.fields);
      if (miss !== null) {
        return miss.actual === undefined
          ? `artifact "${p.name}" has no field ${miss.field}`
          : `artifact "${p.name}": ${miss.field} is "${miss.actual}", not "${miss.want}"`;
      }
      const fields = Object.entries(p.fields ?? {}).map(([k, v]) => `${k}=${v}`);
      return `artifact "${p.name}" exists${p.contains === undefined ? '' : ` and contains "${p.contains}"`}${fields.length > 0 ? ` with ${fields.join(', ')}` : ''}`;
    }
    case 'fact':
      if (s.procs[p.in] === undefined) return `no agent "${p.in}"`;
      return inContext(s, p.in, p.fact) ? `${p.in}'s context holds "${p.fact}"` : `${p.in}'s context lacks "${p.fact}"`;
    case 'finished': {
      const proc = s.procs[p.agent];
      if (proc === undefined) return `no agent "${p.agent}"`;
      return proc.state === 'done' ? `${p.agent} finished` : `${p.agent} is ${proc.state}, not finished`;
    }
    case 'message': {
      const what = describeMessage(p);
      return evaluate(p, s) ? `a ${what} was sent` : `no ${what} was sent (${s.sent.length} sent in all)`;
    }
    case 'budget': {
      const left = budgetLeft(s, p.group, limits);
      if (left === null) return `no budget group "${p.group}"`;
      return explainBudget(p, left);
    }
    case 'similar': {
      const score = similarScore(p, s);
      const measure = (p.measure ?? 'rouge-l').toUpperCase();
      if (score === null) return `${subjectName(p)} does not exist yet (similarity ${measure} ≥ ${p.threshold} to be checked)`;
      const ok = score.f >= p.threshold;
      return `${subjectName(p)} ${ok ? 'is' : 'is not'} similar enough to the reference: ${measure} ${score.f.toFixed(3)} ${ok ? '≥' : '<'} threshold ${p.threshold} (${score.overlap} of ${score.referenceWords} reference words matched, ${score.textWords} in the text)`;
    }
    case 'judge':
      return explainJudge(p, s, limits, goal, at);
    case 'all': {
      if (p.of.length === 0) return 'nothing to check';
      const failing = p.of.map((q, i) => ({ q, at: `${at}.of[${i}]` })).filter(({ q, at: qa }) => !evaluate(q, s, limits, goal, qa));
      if (failing.length === 0) return `all ${p.of.length} hold`;
      return `${p.of.length - failing.length} of ${p.of.length} hold; ${failing.map(({ q, at: qa }) => explain(q, s, limits, goal, qa)).join('; ')}`;
    }
    case 'any': {
      if (p.of.length === 0) return 'no alternative to check';
      const holding = p.of.findIndex((q, i) => evaluate(q, s, limits, goal, `${at}.of[${i}]`));
      if (holding >= 0) return explain(p.of[holding]!, s, limits, goal, `${at}.of[${holding}]`);
      return `none of ${p.of.length} hold; ${p.of.map((q, i) => explain(q, s, limits, goal, `${at}.of[${i}]`)).join('; ')}`;
    }
  }
}

// --- semantic predicates ---

/** The last score per `similar` leaf and the text it was computed for: the goal source asks after every event. */
const scored = new WeakMap<object, { text: string; score: RougeScore }>();

/** The subject's score against the reference, or null while there is no subject. */
export function similarScore(p: Extract<Predicate, { kind: 'similar' }>, s: Readonly<KernelState>): RougeScore | null {
  const subject = subjectOf(s, p);
  if (subject === null) return null;
  const hit = scored.get(p);
  if (hit !== undefined && hit.text === subject.text) return hit.score;
  const score = rouge(p.measure ?? 'rouge-l', subject.text, p.reference);
  scored.set(p, { text: subject.text, score });
  return score;
}

/** The verdict recorded for this judge leaf about the subject as it is now; null when there is none (not asked yet, or the subject changed since). */
function currentJudgement(p: Extract<Predicate, { kind: 'judge' }>, s: Readonly<KernelState>, goal: string | undefined, at: string): Judgement | null {
  if (goal === undefined) return null;
  const subject = subjectOf(s, p);
  const j = s.judged?.[judgementKey(goal, at)];
  return subject === null || j === undefined || j.version !== subject.version ? null : j;
}

function explainJudge(p: Extract<Predicate, { kind: 'judge' }>, s: Readonly<KernelState>, limits: BudgetLimits | undefined, goal: string | undefined, at: string): string {
  const subject = subjectOf(s, p);
  if (subject === null) return `${subjectName(p)} does not exist yet (to be judged by model ${p.model})`;
  const j = currentJudgement(p, s, goal, at);
  if (j === null) return `${subjectName(p)} is not judged yet (model ${p.model}: "${p.rubric}")`;
  switch (j.verdict) {
    case 'pass':
      return `model ${p.model} judged ${subjectName(p)}: pass — ${j.reason}`;
    case 'fail':
      return `model ${p.model} judged ${subjectName(p)}: fail — ${j.reason}`;
    case 'error':
      return `the judge could not answer: ${j.reason}`;
    case 'fallback':
      return `offline fallback, not a model's verdict (model ${p.model} runs on the sim CPU): ${p.fallback === undefined ? 'none declared' : explain(p.fallback, s, limits, goal, `${at}.fallback`)}`;
  }
}

// --- artifact fields ---

/**
 * The fields of an artifact's text: the top-level members of a JSON object (strings trimmed,
 * other values as JSON), or else its `key: value` lines (keys lower-cased, the first line for
 * a key wins). A predicate's keys match JSON keys exactly and line keys without case; values
 * compare trimmed and case-sensitively.
 */
export function artifactFields(text: string): { format: 'json' | 'lines'; fields: Map<string, string> } {
  const fields = new Map<string, string>();
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [k, v] of Object.entries(parsed)) fields.set(k, typeof v === 'string' ? v.trim() : JSON.stringify(v));
        return { format: 'json', fields };
      }
    } catch {
      // not JSON: read it as lines
    }
  }
  for (const line of text.split('\n')) {
    const m = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    const key = m[1]!.toLowerCase();
    if (!fields.has(key)) fields.set(key, m[2]!);
  }
  return { format: 'lines', fields };
}

/** The first wanted field that is missing or different; null when all match. */
function fieldMismatch(text: string, want: Record<string, string>): { field: string; want: string; actual?: string } | null {
  const { format, fields } = artifactFields(text);
  for (const [field, value] of Object.entries(want)) {
    const actual = fields.get(format === 'json' ? field : field.trim().toLowerCase());
    if (actual === undefined) return { field, want: value };
    if (actual !== value.trim()) return { field, want: value, actual };
  }
  return null;
}

// --- facts in context ---

/**
 * A fact's comparable form: Unicode-normalised (NFKC), lower-cased, runs of whitespace as one
 * space, trimmed, without trailing sentence punctuation.
 */
export function normaliseFact(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[.!?;:,]+$/, '');
}

/** The fact appears, normalised, inside one of the agent's context segments (normalised too). */
function inContext(s: Readonly<KernelState>, agent: string, fact: string): boolean {
  const proc = s.procs[agent];
  const want = normaliseFact(fact);
  return proc !== undefined && want.length > 0 && proc.context.some((seg) => normaliseFact(seg.text).includes(want));
}

// --- messages ---

/** A sent message; its `facts` where the state records them (`KernelState.sent` keeps text only so far). */
type SentMessage = KernelState['sent'][number] & { facts?: readonly string[] };

/**
 * A message carries tag T when its text, or one of its facts, starts with "T:", or a fact is T
 * itself (case-insensitive, outer whitespace ignored): "verdict: approved" is tagged verdict.
 */
export function hasTag(text: string, facts: readonly string[], tag: string): boolean {
  const t = tag.trim().toLowerCase();
  const starts = (x: string): boolean => x.trim().toLowerCase().startsWith(`${t}:`);
  return starts(text) || facts.some((f) => starts(f) || f.trim().toLowerCase() === t);
}

function matches(p: Extract<Predicate, { kind: 'message' }>, m: SentMessage): boolean {
  return (
    (p.from === undefined || m.from === p.from) &&
    (p.to === undefined || m.to === p.to) &&
    (p.contains === undefined || m.text.includes(p.contains)) &&
    (p.tag === undefined || hasTag(m.text, m.facts ?? [], p.tag))
  );
}

function describeMessage(p: Extract<Predicate, { kind: 'message' }>): string {
  const parts = ['message'];
  if (p.from !== undefined) parts.push(`from ${p.from}`);
  if (p.to !== undefined) parts.push(`to ${p.to}`);
  if (p.tag !== undefined) parts.push(`tagged "${p.tag}"`);
  if (p.contains !== undefined) parts.push(`containing "${p.contains}"`);
  return parts.join(' ');
}

// --- budgets ---

/** What is left, Infinity where there is no quota, and whose budget it is. */
interface Left {
  tokens: number;
  cost: number;
  where: string;
}

/**
 * Budget left in a group: its quota minus what it used this period, and no more than any
 * ancestor has left. Without a group: the harness limits minus the run's totals. Null for an
 * unknown group.
 */
export function budgetLeft(s: Readonly<KernelState>, group: string | undefined, limits: BudgetLimits | undefined): Left | null {
  if (group === undefined) {
    return {
      tokens: limits?.maxTokens === undefined ? Infinity : limits.maxTokens - (s.tokensIn + s.tokensOut),
      cost: limits?.maxCost === undefined ? Infinity : limits.maxCost - s.cost,
      where: 'the harness',
    };
  }
  if (s.groups[group] === undefined) return null;
  const left: Left = { tokens: Infinity, cost: Infinity, where: `group ${group}` };
  const seen = new Set<string>();
  for (let g: GroupState | undefined = s.groups[group]; g !== undefined && !seen.has(g.id); g = g.parent === null ? undefined : s.groups[g.parent]) {
    seen.add(g.id);
    if (g.tokens !== null) left.tokens = Math.min(left.tokens, g.tokens - g.usedTokens);
    if (g.cost !== null) left.cost = Math.min(left.cost, g.cost - g.usedCost);
  }
  return left;
}

/** With thresholds: each given one is met (left ≥ it). Without: nothing is spent (left > 0). */
function budgetMet(p: Extract<Predicate, { kind: 'budget' }>, left: Left): boolean {
  if (p.tokensLeft === undefined && p.costLeft === undefined) return left.tokens > 0 && left.cost > 0;
  return (p.tokensLeft === undefined || left.tokens >= p.tokensLeft) && (p.costLeft === undefined || left.cost >= p.costLeft);
}

function explainBudget(p: Extract<Predicate, { kind: 'budget' }>, left: Left): string {
  const tokens = (left.tokens === Infinity ? 'no token limit' : `${Math.max(0, left.tokens)} tokens left`) + (p.tokensLeft === undefined ? '' : ` (needs ${p.tokensLeft})`);
  const cost = (left.cost === Infinity ? 'no cost limit' : `${money(Math.max(0, left.cost))} left`) + (p.costLeft === undefined ? '' : ` (needs ${money(p.costLeft)})`);
  if (p.tokensLeft === undefined && p.costLeft === undefined) {
    return `${left.where}${budgetMet(p, left) ? '' : ' is spent'}: ${tokens}, ${cost}`;
  }
  return `${left.where}: ${[p.tokensLeft === undefined ? null : tokens, p.costLeft === undefined ? null : cost].filter((x) => x !== null).join(', ')}`;
}

const money = (usd: number): string => `$${Number(usd.toFixed(6))}`;
