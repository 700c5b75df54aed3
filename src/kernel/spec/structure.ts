/**
 * Limits on a document's shape, checked before the schema: nesting depth, keys JavaScript
 * would not keep as data, and numbers too large to be numbers (JSON's 1e999 reads as Infinity). The walk is iterative, so no document, however deep, overflows the
 * stack here; what it accepts is shallow enough for every recursive reader after it (the schema,
 * the reference check, templates, hashing, the run), so validate and run agree.
 */
import type { SpecIssue } from './specIssue';

/**
 * The deepest a document may nest objects and arrays, counted from the document itself (depth 0).
 * A goal's `all`/`any` predicates take two levels each (`of`, then the element), so about 45 of
 * them nest; tool arguments and schemas nest far less in practice.
 */
export const MAX_NESTING = 100;

/**
 * Whether a JSON value nests objects and arrays deeper than `max` levels (the value itself is
 * level 0, as in {@link structureIssues}). Iterative, so any depth is answered without recursion;
 * the check a model's call arguments get (cpu/calls.ts), with the same limit as a document's.
 */
export function nestsDeeperThan(root: unknown, max: number = MAX_NESTING): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** Keys that an object literal or assignment would read as the prototype, not as data. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

function pathOf(frame: Frame): (string | number)[] {
  const parts: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) parts.push(f.key);
  return parts.reverse();
}

/** `a.b[0].of[0].of[0]` with a run of the same segments folded: `a.b[0](.of[0])×2`. */
export function foldedPath(parts: readonly (string | number)[]): string {
  const seg = (p: string | number, first: boolean): string => (typeof p === 'number' ? `[${p}]` : first ? p : `.${p}`);
  let out = '';
  let i = 0;
  while (i < parts.length) {
    // The shortest repeating unit (1 or 2 segments) starting here, repeated 3 or more times.
    let folded = false;
    for (const width of [1, 2]) {
      let reps = 1;
      const same = (a: number, b: number): boolean => {
        for (let k = 0; k < width; k++) if (parts[a + k] !== parts[b + k]) return false;
        return true;
      };
      while (i + (reps + 1) * width <= parts.length && same(i, i + reps * width)) reps++;
      if (reps >= 3) {
        const unit = parts.slice(i, i + width).map((p, k) => seg(p, out === '' && k === 0)).join('');
        out += `(${unit})×${reps}`;
        i += reps * width;
        folded = true;
        break;
      }
    }
    if (!folded) {
      out += seg(parts[i]!, out === '');
      i++;
    }
  }
  return out;
}

/**
 * Nesting deeper than MAX_NESTING (reported once, at the first place it happens) and keys named
 * `__proto__` (each at its path). Never throws; the value is any result of JSON.parse.
 */
export function structureIssues(root: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const stack: Frame[] = [{ value: root, depth: 0, parent: null, key: '' }];
  let tooDeep = false;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // JSON text reads 1e999 as Infinity: say what the number was, not what JavaScript made of it.
      const path = foldedPath(pathOf(frame));
      const what = Number.isNaN(value) ? 'NaN, which is not a number JSON can hold' : `a number too large (beyond ${value > 0 ? '' : '-'}1.8e308, the largest a JSON number can be here)`;
      issues.push({ path, message: `${path || 'document'}: found ${what}`, expected: 'a finite number', found: String(value) });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_NESTING) {
      if (!tooDeep) {
        tooDeep = true;
        const path = foldedPath(pathOf(frame));
        issues.push({ path, message: `${path || 'document'}: nested deeper than ${MAX_NESTING} levels of objects and arrays (the limit)`, expected: `at most ${MAX_NESTING} levels`, found: 'deeper nesting' });
      }
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child: Frame = { value: (value as Record<string, unknown>)[key], depth: depth + 1, parent: frame, key };
      if (FORBIDDEN_KEYS.has(key)) {
        const path = foldedPath(pathOf(child));
        issues.push({ path, message: `${path}: a key named "${key}" is not allowed (JavaScript reads it as an object's prototype, not as data)`, expected: 'another key', found: JSON.stringify(key) });
        continue;
      }
      stack.push(child);
    }
  }
  return issues;
}
