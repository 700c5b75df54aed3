/**
 * The experiment as the Experiments view edits it: an experiment file (the kernel's format,
 * `*.experiment.json`) whose base is the project's document inline. Edits are small pure
 * functions over that file; the kernel's loadExperiment judges it (every problem at its path).
 */
import { applyPatch, loadExperiment, parseCsvRows, parseJsonlRows, parsePointer, type ExperimentFileInput, type LoadResult, type PatchOp } from '../../kernel';

/** The file the view holds (plain JSON, stored as is). */
export type EditableExperiment = ExperimentFileInput & { base: Record<string, unknown> };

/** The metrics a new experiment measures: every goal met, cost, steps and why runs stopped. */
export const STARTER_METRICS: NonNullable<ExperimentFileInput['metrics']> = [{ id: 'pass', kind: 'goals' }, { kind: 'cost' }, { kind: 'steps' }, { kind: 'stopReason' }];

/** A new experiment on the document as it is: one variant (the base), 20 seeds, the starter metrics. */
export function newExperiment(doc: unknown, name: string): EditableExperiment {
  const base = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  return { version: 1, name, base, variants: [{ id: 'base', name: 'the document as it is', patch: [] }], seeds: { count: 20 }, metrics: STARTER_METRICS };
}

/** Prepares the file with the kernel (it names no other file: base and rows are inline). */
export function prepare(file: EditableExperiment): LoadResult {
  return loadExperiment(file, (path) => {
    throw new Error(`${path}: the studio keeps the base document and dataset rows inside the experiment`);
  });
}

/** "policy.taint", "agents[0].model" or "/policy/taint" as a JSON Pointer. */
export function toPointer(path: string): string {
  const p = path.trim();
  if (p === '' || p.startsWith('/')) return p;
  return `/${p
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

/** A value typed in a field: JSON when it parses (true, 3, "x", {…}), else the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function valueAt(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  const parts = parsePointer(pointer);
  if (typeof parts === 'string') return { found: false };
  let at: unknown = doc;
  for (const k of parts) {
    if (typeof at !== 'object' || at === null || !(k in (at as Record<string, unknown>))) return { found: false };
    at = (at as Record<string, unknown>)[k];
  }
  return { found: true, value: at };
}

/**
 * The patch op for "set this field to this value" on the variant's document so far: `replace`
 * when the field exists, `add` when it does not. An error says what is wrong with the path.
 */
export function fieldEdit(current: unknown, path: string, valueText: string): PatchOp | string {
  const pointer = toPointer(path);
  if (pointer === '') return 'name a field, e.g. policy.taint or agents[0].model';
  const parts = parsePointer(pointer);
  if (typeof parts === 'string') return parts;
  const value = parseValue(valueText);
  return { op: valueAt(current, pointer).found ? 'replace' : 'add', path: pointer, value };
}

/** Raw JSON Patch text (an array of RFC 6902 operations); the kernel checks each op when the experiment is prepared. */
export function parsePatchText(text: string): PatchOp[] | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!Array.isArray(v)) return 'a JSON Patch is an array of operations, e.g. [{"op": "replace", "path": "/policy/taint", "value": "off"}]';
  for (let i = 0; i < v.length; i++) {
    const op = v[i] as { op?: unknown; path?: unknown } | null;
    if (typeof op !== 'object' || op === null || typeof op.op !== 'string' || typeof op.path !== 'string') return `[${i}]: an operation has "op" and "path"`;
  }
  return v as PatchOp[];
}

/** One difference between the base document and a variant's. */
export interface DiffLine {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const escape = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

function diffInto(a: unknown, b: unknown, path: string, out: DiffLine[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const bothObjects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b);
  if (!bothObjects) {
    out.push({ path: path || '/', kind: 'changed', before: a, after: b });
    return;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) {
    // An element removed or inserted shifts the rest: show the array's ids or lengths, not every shifted entry.
    const shorter = Math.min(a.length, b.length);
    let i = 0;
    while (i < shorter && JSON.stringify(a[i]) === JSON.stringify(b[i])) i++;
    let j = 0;
    while (j < shorter - i && JSON.stringify(a[a.length - 1 - j]) === JSON.stringify(b[b.length - 1 - j])) j++;
    for (let k = i; k < a.length - j; k++) out.push({ path: `${path}/${k}`, kind: 'removed', before: a[k] });
    for (let k = i; k < b.length - j; k++) out.push({ path: `${path}/${k}`, kind: 'added', after: b[k] });
    return;
  }
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
  for (const k of keys) {
    const p = `${path}/${escape(k)}`;
    if (!(k in bo)) out.push({ path: p, kind: 'removed', before: ao[k] });
    else if (!(k in ao)) out.push({ path: p, kind: 'added', after: bo[k] });
    else diffInto(ao[k], bo[k], p, out);
  }
}

/** The variant's document against the base, field by field (or the patch's error). */
export function variantDiff(base: unknown, patch: readonly PatchOp[]): DiffLine[] | string {
  const r = applyPatch(base, patch);
  if (!r.ok) return `patch[${r.error.index}] at ${r.error.path}: ${r.error.message}`;
  const out: DiffLine[] = [];
  diffInto(base, r.value, '', out);
  return out;
}

/** Dataset rows from pasted or uploaded text: JSONL (one object a line) or CSV (a header line), by its look or its file name. */
export function parseDatasetText(text: string, name: string): Array<Record<string, unknown>> | string {
  const looksJsonl = /\.jsonl$/i.test(name) || (!/\.csv$/i.test(name) && text.trimStart().startsWith('{'));
  const rows = looksJsonl ? parseJsonlRows(text, name) : parseCsvRows(text, name);
  if (typeof rows === 'string') return rows;
  if (rows.length === 0) return `${name}: no rows`;
  return rows.map((r) => r.fields);
}

/** A variant id not yet taken, from a wish such as "taint-off". */
export function freshVariantId(file: EditableExperiment, wish = 'variant'): string {
  const taken = new Set(file.variants.map((v) => v.id));
  const stem = wish.replace(/[^A-Za-z0-9_.:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'variant';
  if (!taken.has(stem)) return stem;
  for (let i = 2; ; i++) if (!taken.has(`${stem}-${i}`)) return `${stem}-${i}`;
}
