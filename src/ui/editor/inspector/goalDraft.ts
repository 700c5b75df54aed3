/**
 * Pure helpers of the goal forms: a goal's issues relative to it, a condition turned into
 * another kind without losing what carries over, and artifact fields as `key=value` lines.
 */
import type { SpecIssue } from '../../../kernel';
import { isRecord, str, type Rec } from '../docModel';
import { isUnder } from '../issueIndex';

export type PredicateKind = 'artifact' | 'finished' | 'message' | 'fact' | 'budget' | 'similar' | 'judge' | 'all' | 'any';

/** The condition kinds in the order the kind picker lists them, with what each asks. */
export const PREDICATE_KINDS: readonly { value: PredicateKind; label: string }[] = [
  { value: 'artifact', label: 'artifact exists' },
  { value: 'finished', label: 'agent finished' },
  { value: 'message', label: 'message sent' },
  { value: 'fact', label: 'fact in context' },
  { value: 'budget', label: 'budget left' },
  { value: 'similar', label: 'text similar to (ROUGE)' },
  { value: 'judge', label: 'judged by a model' },
  { value: 'all', label: 'all of' },
  { value: 'any', label: 'any of' },
];

const isCombinator = (kind: unknown): boolean => kind === 'all' || kind === 'any';

/** Issues under `prefix` (a full path such as `goals[0].when`), with paths made relative to it. */
export function relativeIssues(issues: readonly SpecIssue[], prefix: string): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    if (!isUnder(issue.path, prefix)) continue;
    const rest = issue.path.slice(prefix.length);
    out.push({ ...issue, path: rest.startsWith('.') ? rest.slice(1) : rest });
  }
  return out;
}

/** The first agent a condition names, whichever field names it. */
function agentOf(p: Rec): string | undefined {
  for (const key of ['agent', 'in', 'from', 'to'] as const) if (typeof p[key] === 'string' && p[key] !== '') return p[key];
  return undefined;
}

/**
 * `prev` as a condition of `kind`. A leaf becomes the only part of a new `all` / `any`; a
 * combinator keeps its parts when it switches to the other, and otherwise gives way to its first
 * part of the wanted kind. Agent-naming fields carry over; `fallbackAgent` fills `finished` and
 * `fact` when nothing does. Fields nobody can guess (an artifact's name, a fact's text) start
 * empty and show their issue in place.
 */
export function predicateOfKind(kind: PredicateKind, prev: unknown, fallbackAgent = ''): Rec {
  const p = isRecord(prev) ? prev : {};
  if (p.kind === kind) return p;
  if (kind === 'all' || kind === 'any') {
    if (isCombinator(p.kind)) return { ...p, kind };
    return { kind, of: isRecord(prev) ? [prev] : [] };
  }
  if (isCombinator(p.kind)) {
    const parts = Array.isArray(p.of) ? (p.of as unknown[]) : [];
    const same = parts.find((q) => isRecord(q) && q.kind === kind);
    if (same !== undefined) return same as Rec;
  }
  const agent = agentOf(p) ?? fallbackAgent;
  switch (kind) {
    case 'artifact':
      return { kind, name: str(p.name) };
    case 'finished':
      return { kind, agent };
    case 'fact':
      return { kind, fact: str(p.fact, str(p.contains)), in: agent };
    case 'message':
      return withDefined({ kind, from: p.from, to: p.to, contains: p.contains, tag: p.tag });
    case 'budget':
      return withDefined({ kind, group: p.group, tokensLeft: p.tokensLeft, costLeft: p.costLeft });
    // Semantic leaves read an artifact (the one named before, if any) or else an agent's final answer.
    case 'similar':
      return withDefined({ kind, ...subjectOf(p, agent), reference: str(p.reference), threshold: typeof p.threshold === 'number' ? p.threshold : DEFAULT_THRESHOLD, measure: p.measure });
    case 'judge':
      return withDefined({ kind, ...subjectOf(p, agent), rubric: str(p.rubric), model: str(p.model) });
  }
}

/** The threshold a new `similar` condition starts with: visible, so the author sets it knowingly. */
export const DEFAULT_THRESHOLD = 0.5;

/** The subject a semantic condition reads, carried over from the previous condition. */
function subjectOf(p: Rec, agent: string): Rec {
  if (typeof p.artifact === 'string' && p.artifact !== '') return { artifact: p.artifact };
  if (typeof p.name === 'string' && p.name !== '') return { artifact: p.name };
  return { agent };
}

/** The record without its undefined members (so they never reach the document). */
function withDefined(r: Rec): Rec {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
}

/** An artifact's wanted fields as `key=value` lines, in their order. */
export function fieldsText(fields: unknown): string {
  if (!isRecord(fields)) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}

/**
 * `key=value` lines as an artifact's wanted fields: split at the first `=`, key and value
 * trimmed, blank lines skipped, a later line for a key wins. `bad` numbers (from 1) the lines
 * without `=` or with an empty key; `fields` is undefined when no line gives one.
 */
export function parseFieldLines(text: string): { fields: Record<string, string> | undefined; bad: number[] } {
  const fields: Record<string, string> = {};
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? '' : line.slice(0, eq).trim();
    if (key === '') bad.push(i + 1);
    else fields[key] = line.slice(eq + 1).trim();
  });
  return { fields: Object.keys(fields).length > 0 ? fields : undefined, bad };
}
