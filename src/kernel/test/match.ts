/**
 * Partial deep matching for test expectations (test-only). An expected object names only the
 * fields it cares about, so an expectation survives new fields on an event payload; arrays,
 * strings and numbers are compared whole. Mismatches come back as paths a person can read.
 */

/** A matcher from the test framework (`expect.stringMatching(…)`, `expect.any(Number)`…). */
export interface AsymmetricMatcher {
  asymmetricMatch(actual: unknown): boolean;
}

/**
 * What may stand for a value of type T in an expectation: a matcher, a RegExp for a string,
 * an array of matches (same length, in order), an object naming some of T's fields, or T itself.
 */
export type Match<T> =
  | AsymmetricMatcher
  | (T extends string
      ? string | RegExp
      : T extends readonly (infer U)[]
        ? readonly Match<U>[]
        : T extends object
          ? { [K in keyof T]?: Match<T[K]> }
          : T);

/** One difference between an actual value and what was expected, at a path such as `decision.module`. */
export interface Mismatch {
  path: string;
  expected: unknown;
  actual: unknown;
  /** Set when the value is there but not the kind expected (e.g. a list where an object was expected). */
  note?: string;
}

function isMatcher(x: unknown): x is AsymmetricMatcher {
  return typeof x === 'object' && x !== null && typeof (x as AsymmetricMatcher).asymmetricMatch === 'function';
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof RegExp);
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * Every place where `actual` differs from `expected` (empty when it matches). Objects match
 * partially (extra fields are fine), arrays need the same length, a RegExp tests a string,
 * a matcher decides for itself, anything else compares with Object.is.
 */
export function mismatches(actual: unknown, expected: unknown, path = ''): Mismatch[] {
  if (isMatcher(expected)) return expected.asymmetricMatch(actual) ? [] : [{ path, expected, actual }];
  if (expected instanceof RegExp) {
    return typeof actual === 'string' && expected.test(actual) ? [] : [{ path, expected, actual }];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, expected, actual, note: 'not a list' }];
    if (actual.length !== expected.length) return [{ path, expected, actual, note: `${actual.length} items, expected ${expected.length}` }];
    return expected.flatMap((x, i) => mismatches(actual[i], x, join(path, i)));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path, expected, actual, note: 'not an object' }];
    return Object.entries(expected).flatMap(([k, x]) => mismatches(actual[k], x, join(path, k)));
  }
  return Object.is(actual, expected) ? [] : [{ path, expected, actual }];
}

/** True when `actual` matches `expected` (see `mismatches`). */
export function matches(actual: unknown, expected: unknown): boolean {
  return mismatches(actual, expected).length === 0;
}

/** How a framework matcher names itself, with its sample: `StringMatching /^tri/`. */
function matcherName(m: AsymmetricMatcher): string {
  const named = m as AsymmetricMatcher & { toAsymmetricMatcher?: () => string; sample?: unknown };
  if (typeof named.toAsymmetricMatcher === 'function') return named.toAsymmetricMatcher();
  const name = String(m);
  if (named.sample === undefined) return name;
  return `${name} ${named.sample instanceof RegExp ? String(named.sample) : JSON.stringify(named.sample) ?? String(named.sample)}`;
}

/** A compact, one-line rendering of a value: JSON with RegExps and matchers shown as written. */
export function show(value: unknown, max = 160): string {
  const text = typeof value === 'undefined' ? 'undefined' : JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof RegExp) return String(v);
    if (isMatcher(v)) return matcherName(v);
    return v;
  }) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "at decision.module: expected "taint", got "capability"" for each mismatch, at most `limit`. */
export function describeMismatches(list: readonly Mismatch[], limit = 3): string[] {
  const lines = list.slice(0, limit).map((m) => `at ${m.path || '(the value)'}: expected ${show(m.expected, 80)}, got ${show(m.actual, 80)}${m.note ? ` (${m.note})` : ''}`);
  if (list.length > limit) lines.push(`…and ${list.length - limit} more`);
  return lines;
}
