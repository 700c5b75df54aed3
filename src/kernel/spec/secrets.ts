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
  const out = new Set<string>();
  const add = (v: string) => {
    // A template's literal parts are what is secret; {{args.x}} comes from the caller.
    for (const part of v.split(/\{\{[^}]*\}\}/)) if (part.trim().length >= MIN_SECRET) out.add(part.trim());
  };
  for (const t of spec.tools) if (t.secret && t.impl.kind === 'sim') add(t.impl.result);
  for (const s of spec.stores) for (const d of s.documents) if (d.secret) add(d.text);
  for (const a of spec.agents) for (const b of a.memory.coreBlocks) if (b.secret) add(b.value);
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

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

/** A document (raw JSON) with the value of every field marked secret replaced by REDACTED: what an export holds. */
export function redactDocument(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const d = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
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
