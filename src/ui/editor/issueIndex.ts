/**
 * Maps spec issues (paths like `agents[1].model`) to the entities and fields they are about.
 */
import type { SpecIssue } from '../../kernel';
import { asDoc, COLLECTION, isRecord, type EntityKind } from './docModel';

const KIND_OF_COLLECTION: Readonly<Record<string, EntityKind>> = Object.fromEntries(
  Object.entries(COLLECTION).map(([kind, key]) => [key, kind as EntityKind]),
);

/** `true` when `path` is `prefix` itself or lies under it (`prefix.x`, `prefix[3]`). */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

/** The entity an issue path points into: `agents[2].model` → agent at index 2, field `model`. */
export function issueTarget(path: string): { kind: EntityKind; index: number; field: string } | null {
  const m = /^(\w+)\[(\d+)\](?:\.(.*))?$/.exec(path) ?? /^(\w+)\[(\d+)\](\[.*)$/.exec(path);
  if (!m) return null;
  const kind = KIND_OF_COLLECTION[m[1]!];
  if (!kind) return null;
  return { kind, index: Number(m[2]), field: m[3] ?? '' };
}

/** The id of the entity an issue is about, when it is about one and that entity has an id. */
export function issueEntityId(doc: unknown, issue: SpecIssue): string | null {
  const t = issueTarget(issue.path);
  if (!t) return null;
  const list = asDoc(doc)[COLLECTION[t.kind]];
  const entity = Array.isArray(list) ? (list as unknown[])[t.index] : undefined;
  return isRecord(entity) && typeof entity.id === 'string' ? entity.id : null;
}

/** Issues per entity id: drives the red markers on nodes and edges. Computed once per change. */
export function issuesByEntity(doc: unknown, issues: readonly SpecIssue[]): Map<string, SpecIssue[]> {
  const out = new Map<string, SpecIssue[]>();
  for (const issue of issues) {
    const id = issueEntityId(doc, issue);
    if (id === null) continue;
    const list = out.get(id);
    if (list) list.push(issue);
    else out.set(id, [issue]);
  }
  return out;
}

/** Issues of one entity, with paths made relative to it (`model`, `sched.nice`, `behaviour[2].to`). */
export function entityIssues(issues: readonly SpecIssue[], kind: EntityKind, index: number): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const t = issueTarget(issue.path);
    if (t && t.kind === kind && t.index === index) out.push({ ...issue, path: t.field });
  }
  return out;
}

/** The issues among `issues` (relative paths) under one field. */
export function fieldIssues(issues: readonly SpecIssue[], field: string): SpecIssue[] {
  return issues.filter((i) => isUnder(i.path, field));
}

/** Issues none of the given fields claims (shown at the top of the inspector). */
export function unclaimedIssues(issues: readonly SpecIssue[], fields: readonly string[]): SpecIssue[] {
  return issues.filter((i) => !fields.some((f) => isUnder(i.path, f)));
}

/** The message without its leading `path: ` — for places that already show where the issue is. */
export function issueText(issue: SpecIssue): string {
  return issue.message.replace(/^(?:document|[A-Za-z_$][\w$]*(?:\[\d+\]|\.[\w$]+)*): /, '');
}
