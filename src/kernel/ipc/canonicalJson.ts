/**
 * Canonical JSON, after RFC 8785 (JCS): object members sorted by their names' UTF-16 code
 * units, strings and numbers written as ECMAScript's JSON.stringify writes them. Two values
 * that are equal as JSON give the same text, whatever order their keys were built in.
 */

/**
 * The canonical JSON text of `value`; `indent` > 0 pretty-prints with that many spaces.
 * Like JSON.stringify, members whose value is undefined or a function are left out (in an
 * array they become null) and non-finite numbers become null.
 */
export function canonicalJson(value: unknown, indent = 0): string {
  return write(value, indent, '') ?? 'null';
}

/** Code-unit order (RFC 8785 §3.2.3), not localeCompare: the same on every runtime. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function write(value: unknown, indent: number, pad: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') return undefined;
  const inner = indent > 0 ? pad + ' '.repeat(indent) : '';
  const open = indent > 0 ? `\n${inner}` : '';
  const sep = indent > 0 ? `,\n${inner}` : ',';
  const close = indent > 0 ? `\n${pad}` : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v: unknown) => write(v, indent, inner) ?? 'null');
    return `[${open}${items.join(sep)}${close}]`;
  }
  const colon = indent > 0 ? ': ' : ':';
  const members: string[] = [];
  for (const key of Object.keys(value).sort(byCodeUnits)) {
    const text = write((value as Record<string, unknown>)[key], indent, inner);
    if (text !== undefined) members.push(`${JSON.stringify(key)}${colon}${text}`);
  }
  return members.length === 0 ? '{}' : `{${open}${members.join(sep)}${close}}`;
}
