/**
 * JSON Patch (RFC 6902) over a plain JSON value: add, remove, replace, move, copy and test,
 * with JSON Pointers (RFC 6901). A variant of an experiment is such a patch over the base
 * document. Applying never mutates its input, and a failure names the op (by index) and the
 * path, so an experiment file's error points at the line to fix.
 */

/** One operation of a JSON Patch. */
export type PatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/** Why a patch could not be applied: the op's index in the patch, its path, and what was wrong. */
export interface PatchError {
  index: number;
  path: string;
  message: string;
}

/** The reference tokens of a JSON Pointer (`/a/b~1c/0` → a, b/c, 0), or a message. */
export function parsePointer(pointer: string): string[] | string {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return `a JSON Pointer starts with "/" (or is "" for the whole document), found ${JSON.stringify(pointer)}`;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function arrayIndex(token: string, length: number, forAdd: boolean): number | string {
  if (forAdd && token === '-') return length;
  if (!/^(0|[1-9]\d*)$/.test(token)) return `"${token}" is not an array index`;
  const i = Number(token);
  const max = forAdd ? length : length - 1;
  if (i > max) return `index ${i} is past the end of an array of ${length}`;
  return i;
}

/** The parent container and last token of a pointer, or a message. */
function parentOf(doc: Json, tokens: readonly string[]): { parent: Json; key: string } | string {
  let cur = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (Array.isArray(cur)) {
      const idx = arrayIndex(t, cur.length, false);
      if (typeof idx === 'string') return idx;
      cur = cur[idx];
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, t)) return `no "${t}" at /${tokens.slice(0, i).join('/')}`;
      cur = cur[t];
    } else return `/${tokens.slice(0, i).join('/')} is not an object or array`;
  }
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function get(doc: Json, tokens: readonly string[]): { value: Json } | string {
  if (tokens.length === 0) return { value: doc };
  const p = parentOf(doc, tokens);
  if (typeof p === 'string') return p;
  if (Array.isArray(p.parent)) {
    const i = arrayIndex(p.key, p.parent.length, false);
    return typeof i === 'string' ? i : { value: p.parent[i] };
  }
  if (isObject(p.parent) && Object.hasOwn(p.parent, p.key)) return { value: p.parent[p.key] };
  return 'nothing there';
}

/** Applies one op to `doc` in place (doc is the patch's own copy); returns the new root or a message. */
function applyOp(doc: Json, op: PatchOp): { doc: Json } | string {
  const tokens = parsePointer(op.path);
  if (typeof tokens === 'string') return tokens;
  switch (op.op) {
    case 'test': {
      const got = get(doc, tokens);
      if (typeof got === 'string') return got;
      return JSON.stringify(canonical(got.value)) === JSON.stringify(canonical(op.value)) ? { doc } : `test failed: found ${JSON.stringify(got.value)?.slice(0, 80)}`;
    }
    case 'remove':
    case 'replace': {
      if (tokens.length === 0) return op.op === 'replace' ? { doc: clone(op.value) } : 'cannot remove the whole document';
      const p = parentOf(doc, tokens);
      if (typeof p === 'string') return p;
      if (Array.isArray(p.parent)) {
        const i = arrayIndex(p.key, p.parent.length, false);
        if (typeof i === 'string') return i;
        if (op.op === 'remove') p.parent.splice(i, 1);
        else p.parent[i] = clone(op.value);
      } else if (isObject(p.parent)) {
        if (!Object.hasOwn(p.parent, p.key)) return `nothing to ${op.op}: no "${p.key}" there`;
        if (op.op === 'remove') delete p.parent[p.key];
        else p.parent[p.key] = clone(op.value);
      } else return 'the parent is not an object or array';
      return { doc };
    }
    case 'add':
      return add(doc, tokens, clone(op.value));
    case 'move':
    case 'copy': {
      const from = parsePointer(op.from);
      if (typeof from === 'string') return `from: ${from}`;
      if (op.op === 'move' && tokens.length > from.length && from.every((t, i) => tokens[i] === t)) return 'cannot move a value into itself';
      const got = get(doc, from);
      if (typeof got === 'string') return `from ${op.from}: ${got}`;
      const value = clone(got.value);
      let cur: Json = doc;
      if (op.op === 'move') {
        const removed = applyOp(cur, { op: 'remove', path: op.from });
        if (typeof removed === 'string') return removed;
        cur = removed.doc;
      }
      return add(cur, tokens, value);
    }
  }
}

function add(doc: Json, tokens: readonly string[], value: Json): { doc: Json } | string {
  if (tokens.length === 0) return { doc: value };
  const p = parentOf(doc, tokens);
  if (typeof p === 'string') return p;
  if (Array.isArray(p.parent)) {
    const i = arrayIndex(p.key, p.parent.length, true);
    if (typeof i === 'string') return i;
    p.parent.splice(i, 0, value);
  } else if (isObject(p.parent)) p.parent[p.key] = value;
  else return 'the parent is not an object or array';
  return { doc };
}

/** Objects with sorted keys, so `test` compares values and not key order. */
function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

/** Applies `patch` to a copy of `doc`: the patched value, or the first op that failed. */
export function applyPatch(doc: unknown, patch: readonly PatchOp[]): { ok: true; value: unknown } | { ok: false; error: PatchError } {
  let cur = clone(doc);
  for (let index = 0; index < patch.length; index++) {
    const op = patch[index]!;
    const r = applyOp(cur, op);
    if (typeof r === 'string') return { ok: false, error: { index, path: op.path, message: `${op.op} ${op.path}: ${r}` } };
    cur = r.doc;
  }
  return { ok: true, value: cur };
}
