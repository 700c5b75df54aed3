/**
 * Dataset rows: read from JSONL (one JSON object a line) or CSV (RFC 4180: a header line,
 * quoted fields with "" for a quote), and bound into a document by substituting `{{field}}`
 * in the string values of the dataset's `bind` patch.
 */
import type { PatchOp } from './patch';

/** A row, and where it came from (for messages): `rows[3]` or `inputs.csv line 5`. */
export interface DatasetRow {
  id: string;
  fields: Record<string, unknown>;
  at: string;
}

/** Splits CSV text into records of fields; a message for an unterminated quote. */
function csvRecords(text: string): { records: string[][]; lines: number[] } | string {
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') {
        records.push(record);
        lines.push(startLine);
      }
      record = [];
      field = '';
      line++;
      startLine = line;
    } else field += ch;
  }
  if (quoted) return `line ${startLine}: a quoted field is not closed`;
  record.push(field);
  if (record.length > 1 || record[0] !== '') {
    records.push(record);
    lines.push(startLine);
  }
  return { records, lines };
}

/** Rows of a CSV file (`name` names it in messages): objects keyed by the header's fields. */
export function parseCsvRows(text: string, name: string): Array<{ fields: Record<string, unknown>; at: string }> | string {
  const parsed = csvRecords(text);
  if (typeof parsed === 'string') return `${name}: ${parsed}`;
  const [header, ...rest] = parsed.records;
  if (!header) return `${name}: empty, expected a header line and rows`;
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup !== undefined) return `${name}: line 1: the header names "${dup}" twice`;
  const rows: Array<{ fields: Record<string, unknown>; at: string }> = [];
  for (let r = 0; r < rest.length; r++) {
    const rec = rest[r]!;
    const at = `${name} line ${parsed.lines[r + 1]}`;
    if (rec.length !== header.length) return `${at}: ${rec.length} fields, the header has ${header.length}`;
    rows.push({ fields: Object.fromEntries(header.map((h, i) => [h, rec[i]!])), at });
  }
  return rows;
}

/** Rows of a JSONL file: one JSON object a line, blank lines skipped. */
export function parseJsonlRows(text: string, name: string): Array<{ fields: Record<string, unknown>; at: string }> | string {
  const rows: Array<{ fields: Record<string, unknown>; at: string }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return `${name} line ${i + 1}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${name} line ${i + 1}: expected a JSON object (one row), found ${Array.isArray(value) ? 'an array' : typeof value}`;
    rows.push({ fields: value as Record<string, unknown>, at: `${name} line ${i + 1}` });
  }
  return rows;
}

const FIELD = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** A `{{field}}` the row does not have. */
class Missing {
  constructor(readonly field: string) {}
}

/** `text` with each `{{field}}` replaced by the row's value (non-strings as JSON). */
function fill(text: string, fields: Record<string, unknown>): string | Missing {
  let missing: Missing | undefined;
  const out = text.replace(FIELD, (_, name: string) => {
    if (!Object.hasOwn(fields, name)) {
      missing ??= new Missing(name);
      return '';
    }
    const v = fields[name];
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
  return missing ?? out;
}

function fillValue(v: unknown, fields: Record<string, unknown>): unknown {
  if (typeof v === 'string') return fill(v, fields);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const f = fillValue(x, fields);
      if (f instanceof Missing) return f;
      out.push(f);
    }
    return out;
  }
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const f = fillValue(x, fields);
      if (f instanceof Missing) return f;
      out[k] = f;
    }
    return out;
  }
  return v;
}

/** The `bind` patch with the row's fields substituted into its values, or the first field the row lacks. */
export function bindRow(bind: readonly PatchOp[], fields: Record<string, unknown>): PatchOp[] | { missing: string } {
  const out: PatchOp[] = [];
  for (const op of bind) {
    if (op.op === 'add' || op.op === 'replace' || op.op === 'test') {
      const v = fillValue(op.value, fields);
      if (v instanceof Missing) return { missing: v.field };
      out.push({ ...op, value: v });
    } else out.push(op);
  }
  return out;
}
