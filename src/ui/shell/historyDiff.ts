/**
 * The difference between two stored revisions of a document, as the history dialog shows it: a
 * line diff (jsdiff's diffLines, Myers' O(ND) algorithm) of their canonical JSON — keys sorted,
 * two-space indented, signatures left out (they change with every save and say nothing of the
 * harness) — with long unchanged stretches folded.
 */
import { diffLines } from 'diff';

/** One row of the diff: a line added, removed or kept, or a fold of kept lines. */
export type DiffRow = { kind: 'add' | 'del' | 'same'; text: string } | { kind: 'fold'; lines: number };

export interface RevisionDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key]);
  return out;
}

/** The document as diffed: canonical JSON without its signatures. */
export function canonicalText(doc: unknown): string {
  const { signatures: _signatures, ...rest } = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : { value: doc };
  return `${JSON.stringify(sorted(rest), null, 2)}\n`;
}

/** `after` against `before`, keeping `context` unchanged lines around each change. */
export function revisionDiff(before: unknown, after: unknown, context = 3): RevisionDiff {
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  const parts = diffLines(canonicalText(before), canonicalText(after));
  parts.forEach((part, i) => {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.added || part.removed) {
      for (const text of lines) rows.push({ kind: part.added ? 'add' : 'del', text });
      if (part.added) added += lines.length;
      else removed += lines.length;
      return;
    }
    // Unchanged: keep `context` lines next to a change on either side, fold the rest.
    const head = i === 0 ? 0 : context;
    const tail = i === parts.length - 1 ? 0 : context;
    if (lines.length <= head + tail + 1) {
      for (const text of lines) rows.push({ kind: 'same', text });
      return;
    }
    for (const text of lines.slice(0, head)) rows.push({ kind: 'same', text });
    rows.push({ kind: 'fold', lines: lines.length - head - tail });
    for (const text of lines.slice(lines.length - tail)) rows.push({ kind: 'same', text });
  });
  return { rows, added, removed };
}
