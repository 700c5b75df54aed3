/**
 * Parts of the state that never change again (a segment that left the window for recall
 * storage): deeply frozen and remembered, so a state copy shares them instead of copying them
 * (cloneState) and the state-size meter measures each once (jsonLength).
 */

/** Everything `immutable` froze (the whole subtree of each). */
const SHARED = new WeakSet<object>();

/** Freezes `v` and everything in it, in place, and marks it as shareable; returns it. */
export function immutable<T>(v: T): T {
  if (typeof v !== 'object' || v === null || SHARED.has(v)) return v;
  for (const x of Object.values(v)) immutable(x);
  Object.freeze(v);
  SHARED.add(v);
  return v;
}

/**
 * Freezes `v` (an object or array) whose every property is already immutable (or a primitive) and
 * marks it shareable: `immutable` without walking into children known to be frozen (a segment
 * replaced by a copy with one new, immutable field). Returns it.
 */
export function immutableOver<T extends object>(v: T): T {
  Object.freeze(v);
  SHARED.add(v);
  return v;
}

/** True for what `immutable` froze: it may be shared between states. */
export function isShared(v: object): boolean {
  return SHARED.has(v);
}

/** JSON lengths of immutable parts, measured once. */
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
      const shared = SHARED.has(v);
      if (shared) {
        const known = SIZES.get(v);
        if (known !== undefined) return known;
      }
      let n = 2;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) n += (jsonLength(v[i]) ?? 4) + (i > 0 ? 1 : 0);
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
      if (shared) SIZES.set(v, n);
      return n;
    }
    default:
      // undefined, functions and symbols: left out of objects, null in arrays.
      return undefined;
  }
}
