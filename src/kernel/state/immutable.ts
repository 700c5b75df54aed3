/**
 * Parts of the state that never change again (window segments, messages, handles): deeply
 * frozen, so a state copy shares them instead of copying them (cloneState, snapshots) and the
 * state-size meter remembers the size of large ones (jsonLength).
 *
 * Frozen is the mark: whatever the state holds frozen is frozen all the way down (only
 * `immutable` freezes state data). A frozen object costs V8 little when built as a literal or
 * by Object.assign; one built by object spread is slow to freeze, hence `frozenCopy`.
 */

/** Freezes `v` and everything in it, in place, so it may be shared; returns it. */
export function immutable<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  for (const x of Object.values(v)) immutable(x);
  Object.freeze(v);
  return v;
}

/**
 * Freezes `v` (an object or array) whose every property is already immutable (or a primitive):
 * `immutable` without walking into children known to be frozen (a segment replaced by a copy
 * with one new, frozen field). Returns it.
 */
export function immutableOver<T extends object>(v: T): T {
  return Object.freeze(v);
}

/** A frozen copy of an immutable object with some fields replaced (built by Object.assign: see the module comment). */
export function frozenCopy<T extends object>(v: T, changes: Partial<T>): T {
  return Object.freeze(Object.assign({}, v, changes));
}

/**
 * Persistent edits of an agent's lists and tables (window, recall, inbox, variables, taint,
 * followed injections): each returns a frozen copy with the change, never changing its input,
 * so a snapshot or the state meter shares what an agent's record holds since the last one.
 * The lists are short (a window's segments, a few messages), so a copy costs little.
 */
export function appended<T>(xs: readonly T[], ...items: T[]): T[] {
  return Object.freeze(xs.concat(items)) as T[];
}

/** A frozen copy of `xs` with `item` inserted at `i` (see appended). */
export function insertedAt<T>(xs: readonly T[], i: number, item: T): T[] {
  const out = xs.slice();
  out.splice(i, 0, item);
  return Object.freeze(out) as T[];
}

/** A frozen copy of `xs` without the item at `i` (see appended). */
export function removedAt<T>(xs: readonly T[], i: number): T[] {
  const out = xs.slice();
  out.splice(i, 1);
  return Object.freeze(out) as T[];
}

/** A frozen copy of `xs` with the item at `i` replaced (see appended). */
export function replacedAt<T>(xs: readonly T[], i: number, item: T): T[] {
  const out = xs.slice();
  out[i] = item;
  return Object.freeze(out) as T[];
}

/**
 * A frozen copy of the id table `table` (null prototype) with `key` set to `value` (see appended).
 * Object.assign onto a null-prototype object defines even a key named __proto__ as data.
 */
export function withEntry<T>(table: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const out = Object.assign(Object.create(null) as Record<string, T>, table);
  out[key] = value;
  return Object.freeze(out);
}

/** An empty frozen id table, the start of an agent's variables and taint (see withEntry). */
export function emptyTable<T>(): Record<string, T> {
  return Object.freeze(Object.create(null) as Record<string, T>);
}

/** True for what `immutable` froze: it may be shared between states. */
export function isShared(v: object): boolean {
  return Object.isFrozen(v);
}

/** Frozen parts measured at least this long have their length remembered (smaller ones are cheaper to measure again). */
const REMEMBER_FROM = 160;

/** JSON lengths of large immutable parts, measured once. */
const SIZES = new WeakMap<object, number>();
/** JSON lengths of property names as `"name":`, measured once (bounded: cleared when large). */
const KEY_SIZES = new Map<string, number>();

/** The JSON length of `"key":` (a property name and its colon). */
export function keySize(key: string): number {
  let n = KEY_SIZES.get(key);
  if (n === undefined) {
    if (KEY_SIZES.size > 50_000) KEY_SIZES.clear();
    n = JSON.stringify(key).length + 1;
    KEY_SIZES.set(key, n);
  }
  return n;
}

/** Characters JSON.stringify escapes (quote, backslash, controls) or may (a lone surrogate). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The JSON length of a number: small integers by counting digits, others as String writes them. */
function numberLength(v: number): number {
  if (!Number.isFinite(v)) return 4;
  if (Number.isInteger(v) && v > -1e9 && v < 1e9) {
    let n = v < 0 ? 2 : 1;
    for (let x = Math.abs(v); x >= 10; x = Math.floor(x / 10)) n++;
    return n;
  }
  return String(v).length;
}

/**
 * `JSON.stringify(v).length` for plain data (no toJSON, no cycles), without building the text:
 * what `immutable` froze is measured once and remembered, so measuring a large state costs its
 * changing part. Undefined where JSON.stringify gives undefined.
 */
export function jsonLength(v: unknown): number | undefined {
  switch (typeof v) {
    case 'string':
      // Most strings have nothing to escape: their length and two quotes, without writing them out.
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v).length : v.length + 2;
    case 'number':
      return numberLength(v);
    case 'boolean':
      return v ? 4 : 5;
    case 'object': {
      if (v === null) return 4;
      const shared = Object.isFrozen(v);
      if (shared) {
        const known = SIZES.get(v);
        if (known !== undefined) return known;
      }
      let n = 2;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          // Numbers without the generic call: runqueues are long arrays of them.
          n += (typeof x === 'number' ? numberLength(x) : (jsonLength(x) ?? 4)) + (i > 0 ? 1 : 0);
        }
      } else {
        let first = true;
        const o = v as Record<string, unknown>;
        for (const key in o) {
          if (!Object.hasOwn(o, key)) continue;
          const x = jsonLength(o[key]);
          if (x === undefined) continue;
          n += keySize(key) + x + (first ? 0 : 1);
          first = false;
        }
      }
      if (shared && n >= REMEMBER_FROM) SIZES.set(v, n);
      return n;
    }
    default:
      // undefined, functions and symbols: left out of objects, null in arrays.
      return undefined;
  }
}
