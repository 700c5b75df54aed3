/**
 * Secrets the document declares: a tool marked `secret` (its sim result: a key a vault returns),
 * a store document marked `secret` (its text), a core memory block marked `secret` (its value).
 * The kernel runs with the values — a run must be able to use a key — and every output that
 * leaves the process (a trace file, CLI output, a project export) is redacted with these
 * helpers: each occurrence of a secret value becomes `[secret redacted]`. Pure.
 */
import type { HarnessSpec } from './schema';

/** What a secret value is replaced with in every output. */
export const REDACTED = '[secret redacted]';

/** Secrets shorter than this are not redacted by value (they would match ordinary text). */
const MIN_SECRET = 6;

/** The secret values a parsed document declares, longest first (so a longer secret is replaced whole). */
export function secretValues(spec: Pick<HarnessSpec, 'tools' | 'stores' | 'agents'>): string[] {
  return documentSecrets(spec);
}

/**
 * The secret values a document declares, read from its raw JSON (valid or not, the same fields
 * as `secretValues`), longest first: what the studio's worker redacts from everything it sends
 * to the page, whether or not the document parses.
 */
export function documentSecrets(doc: unknown): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    // A template's literal parts are what is secret; {{args.x}} comes from the caller.
    for (const part of v.split(/\{\{[^}]*\}\}/)) if (part.trim().length >= MIN_SECRET) out.add(part.trim());
  };
  const d = record(doc);
  for (const t of list(d?.tools)) if (t.secret === true) add(record(t.impl)?.result);
  for (const s of list(d?.stores)) for (const x of list(s.documents)) if (x.secret === true) add(x.text);
  for (const a of list(d?.agents)) for (const b of list(record(a.memory)?.coreBlocks)) if (b.secret === true) add(b.value);
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

type Json = Record<string, unknown>;
const record = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(record).filter((x): x is Json => x !== undefined) : []);

/** `text` with every occurrence of each secret value replaced by REDACTED (also JSON-escaped forms, as in a trace line). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < MIN_SECRET) continue;
    out = out.split(s).join(REDACTED);
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s) out = out.split(escaped).join(REDACTED);
  }
  return out;
}

/** A secret's start (or end) this long at the edge of a window on a stream is redacted too. */
const PARTIAL_MIN = 4;

/**
 * `text`, a window on streaming text (the tail of a generation so far), redacted as by
 * `redactSecrets`, and also where the window cuts a secret: the start of a secret at its end
 * (a key still streaming in) and the end of a secret at its start (a key cut by the window).
 */
export function redactWindow(text: string, secrets: readonly string[]): string {
  let out = redactSecrets(text, secrets);
  for (const s of secrets) {
    if (s.length < MIN_SECRET) continue;
    for (let n = s.length - 1; n >= PARTIAL_MIN; n--) {
      if (out.endsWith(s.slice(0, n))) {
        out = out.slice(0, out.length - n) + REDACTED;
        break;
      }
    }
    for (let n = s.length - 1; n >= PARTIAL_MIN; n--) {
      if (out.startsWith(s.slice(s.length - n))) {
        out = REDACTED + out.slice(n);
        break;
      }
    }
  }
  return out;
}

/**
 * `value` (structured-clone data: events, states, messages) with every string redacted as by
 * `redactSecrets`, object keys included. Returns `value` itself when nothing changed, and shares
 * every unchanged branch, so data without a secret costs one walk and no copy.
 */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const seen = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return seen.get(v);
    seen.set(v, v);
    let out: unknown = v;
    if (Array.isArray(v)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const r = walk(v[i]);
        if (r !== v[i]) (copy ??= v.slice())[i] = r;
      }
      if (copy) out = copy;
    } else if (v instanceof Map || v instanceof Set) {
      let changed = false;
      const pairs = [...v.entries()].map(([k, x]) => {
        const rk = walk(k);
        const rx = walk(x);
        changed ||= rk !== k || rx !== x;
        return [rk, rx] as [unknown, unknown];
      });
      if (changed) out = v instanceof Map ? new Map(pairs) : new Set(pairs.map(([k]) => k));
    } else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      let copy: Json | null = null;
      for (const k of Object.keys(v)) {
        const x = (v as Json)[k];
        const rk = redactSecrets(k, secrets);
        const rx = walk(x);
        if (rk === k && rx === x && !copy) continue;
        if (!copy) {
          copy = Object.create(Object.getPrototypeOf(v)) as Json;
          for (const k0 of Object.keys(v)) {
            if (k0 === k) break;
            put(copy, k0, (v as Json)[k0]);
          }
        }
        put(copy, rk, rx);
      }
      if (copy) out = copy;
    }
    seen.set(v, out);
    return out;
  };
  return walk(value) as T;
}

/** Sets an own property, `__proto__` included (a plain assignment of that key would set the prototype). */
function put(o: Json, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A document (raw JSON) with the value of every field marked secret replaced by REDACTED: what an export holds. */
export function redactDocument(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const d = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  for (const t of list(d.tools)) {
    const impl = t.impl as Record<string, unknown> | undefined;
    if (t.secret === true && impl && typeof impl.result === 'string') impl.result = REDACTED;
  }
  for (const s of list(d.stores)) for (const x of list(s.documents)) if (x.secret === true && typeof x.text === 'string') x.text = REDACTED;
  for (const a of list(d.agents)) {
    const mem = a.memory as Record<string, unknown> | undefined;
    for (const b of list(mem?.coreBlocks)) if (b.secret === true && typeof b.value === 'string') b.value = REDACTED;
  }
  return d;
}
