/**
 * What a person changed in the harness document between a run and its fork: each changed leaf
 * (or added/removed entry) by a readable path and its values as canonical JSON. A fork records
 * one `human.edited` per change (Kernel.fork), so its trace and provenance say which
 * prompt or rule a person edited, not only that the document differs. Entries of a list that
 * carry an `id` are matched by id (`agents[id=writer].system`), so inserting an agent does not
 * make every later one look changed.
 */
import { canonicalJson } from '../trust/digest';

/** One changed place of the document; `before`/`after` are canonical JSON, '' when absent. */
export interface DocumentChange {
  path: string;
  before: string;
  after: string;
}

/** Paths beyond this many are summed up in one last change of their common root. */
const LIMIT = 64;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown): string | null => (isObject(v) && typeof v.id === 'string' ? v.id : null);
const json = (v: unknown): string => (v === undefined ? '' : canonicalJson(v));

/** The changes from `before` to `after` (two parsed documents), in document order. */
export function documentChanges(before: unknown, after: unknown): DocumentChange[] {
  const out: DocumentChange[] = [];
  walk(before, after, '', out);
  if (out.length <= LIMIT) return out;
  const kept = out.slice(0, LIMIT - 1);
  kept.push({ path: `(${out.length - kept.length} more changes)`, before: '', after: '' });
  return kept;
}

function walk(a: unknown, b: unknown, path: string, out: DocumentChange[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) return walkList(a, b, path, out);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) walk(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
    return;
  }
  if (json(a) !== json(b)) out.push({ path: path || '(document)', before: json(a), after: json(b) });
}

function walkList(a: readonly unknown[], b: readonly unknown[], path: string, out: DocumentChange[]): void {
  const byId = a.length > 0 && b.length > 0 && [...a, ...b].every((x) => idOf(x) !== null);
  if (!byId) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  const old = new Map(a.map((x) => [idOf(x)!, x]));
  const seen = new Set<string>();
  for (const x of b) {
    const id = idOf(x)!;
    seen.add(id);
    walk(old.get(id), x, `${path}[id=${id}]`, out);
  }
  for (const x of a) if (!seen.has(idOf(x)!)) walk(x, undefined, `${path}[id=${idOf(x)!}]`, out);
}
