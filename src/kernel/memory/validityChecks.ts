/**
 * Validity judged at run time, not planted: the checks a store declares (spec ValiditySchema)
 * decide how far the harness believes each chunk it handed out. This file is the pure part —
 * which segments a check still has to judge, and the deterministic verdicts (staleness on the
 * virtual clock, contradiction with a fact-tagged segment, a verifier tool's result read as a
 * number). The run loop (loop/validitySource.ts) calls the tool and the judge and records
 * each verdict as `mem.validity`.
 *
 * A segment's validity is the lowest verdict so far: it starts at 1 (nothing known against
 * it), a check that finds it invalid lowers it, and a check that finds it valid never raises
 * what another check lowered. Each check decides once per segment.
 */
import type { StoreSpec, ValidityCheckSpec } from '../spec';
import type { Segment } from './segment';

/** A verdict before it becomes an event: the value it sets (the new validity is the lower of it and the old), and why. */
export interface ValidityVerdict {
  verdict: 'valid' | 'invalid' | 'unknown';
  /** 0 … 1; ignored for `unknown`. */
  value: number;
  reason: string;
}

/** The store a window segment was retrieved from (`archive:STORE#N`), or null. */
export function storeOf(seg: Pick<Segment, 'source'>): string | null {
  const m = /^archive:([^#]+)#/.exec(seg.source);
  return m ? m[1]! : null;
}

/**
 * The next (segment, check) of an agent's window a store's checks still have to judge now, in window order; null when none.
 * The definition the run loop's validity index (loop/validityIndex.ts) answers by without scanning every window.
 */
export function nextUnchecked(
  context: readonly Segment[],
  stores: ReadonlyMap<string, StoreSpec>,
  now: number,
): { seg: Segment; store: StoreSpec; index: number; check: ValidityCheckSpec } | null {
  for (const seg of context) {
    const id = storeOf(seg);
    const store = id === null ? undefined : stores.get(id);
    if (!store?.validity) continue;
    const done = seg.checked ?? [];
    for (let index = 0; index < store.validity.checks.length; index++) {
      const check = store.validity.checks[index]!;
      if (done.includes(index)) {
        if (check.kind === 'contradiction' && check.recheck && recheckDue(seg, context, index, check)) return { seg, store, index, check };
        continue;
      }
      // Staleness has nothing to say before the lifetime ran out; a contradiction, before a fact names the subject.
      if (check.kind === 'stale' && now - seg.t < check.lifetimeMs) continue;
      if (check.kind === 'contradiction' && contradictionVerdict(seg, context, check) === null) continue;
      return { seg, store, index, check };
    }
  }
  return null;
}

/**
 * A contradiction check with `recheck` that found the segment valid speaks again once the newest
 * fact of the window naming the subject is another than the one it agreed with.
 */
export function recheckDue(seg: Segment, context: readonly Segment[], index: number, check: Extract<ValidityCheckSpec, { kind: 'contradiction' }>): boolean {
  const agreed = seg.agreed?.find((a) => a.index === index);
  if (agreed === undefined) return false;
  const v = contradictionVerdict(seg, context, check);
  return v !== null && v.fact !== agreed.fact;
}

/** Stale once its age in the window (virtual ms since it entered) reaches the declared lifetime. */
export function staleVerdict(seg: Pick<Segment, 't'>, now: number, lifetimeMs: number): ValidityVerdict & { ageMs: number } {
  const ageMs = now - seg.t;
  return ageMs >= lifetimeMs
    ? { verdict: 'invalid', value: 0, reason: `stale: ${ageMs} ms in the window, past its lifetime of ${lifetimeMs} ms`, ageMs }
    : { verdict: 'valid', value: 1, reason: `fresh: ${ageMs} ms in the window, within its lifetime of ${lifetimeMs} ms`, ageMs };
}

const mentions = (text: string, subject: string): boolean => text.toLowerCase().includes(subject.toLowerCase());

/**
 * True when `text` names the check's subject with a value: what a contradiction check needs of
 * both sides, the chunk it judges and a fact it compares with (contradictionVerdict). The run
 * loop's validity index (loop/validityIndex.ts) keeps it per segment, so it asks this once per text.
 */
export function namesSubject(text: string, check: Extract<ValidityCheckSpec, { kind: 'contradiction' }>): boolean {
  return mentions(text, check.subject) && valueOf(text, check.value) !== null;
}

/** The first match of the declared value pattern (case-insensitive), whitespace squeezed; null when none. */
export function valueOf(text: string, pattern: string): string | null {
  const m = new RegExp(pattern, 'i').exec(text);
  return m ? m[0].replace(/\s+/g, ' ').trim() : null;
}

/**
 * Contradiction with a fact, by a declared comparison: the segment and a fact-tagged segment of
 * the same window both mention `subject` and the first match of `value` in each differs (compared
 * case-insensitively). Same value: valid. Null (no verdict yet) when the segment does not mention
 * the subject or has no value, or no fact of the window mentions the subject with a value. The
 * fact compared with is the first in window order, or with `recheck` the newest (the last).
 */
export function contradictionVerdict(
  seg: Pick<Segment, 'text' | 'id'>,
  context: readonly Segment[],
  check: Extract<ValidityCheckSpec, { kind: 'contradiction' }>,
): (ValidityVerdict & { value: number; claimed: string; fact: string; factValue: string }) | null {
  if (!mentions(seg.text, check.subject)) return null;
  const claimed = valueOf(seg.text, check.value);
  if (claimed === null) return null;
  const n = context.length;
  for (let i = 0; i < n; i++) {
    const f = context[check.recheck ? n - 1 - i : i]!;
    if (!f.fact || f.id === seg.id || !mentions(f.text, check.subject)) continue;
    const factValue = valueOf(f.text, check.value);
    if (factValue === null) continue;
    const same = factValue.toLowerCase() === claimed.toLowerCase();
    return same
      ? { verdict: 'valid', value: 1, reason: `agrees with fact ${f.id}: ${check.subject} is ${factValue}`, claimed, fact: f.id, factValue }
      : { verdict: 'invalid', value: 0, reason: `contradicts fact ${f.id}: ${check.subject} is ${factValue} there, ${claimed} here`, claimed, fact: f.id, factValue };
  }
  return null;
}

/** A verifier tool's result as a verdict: a number in 0..1 is the validity; else 0 when it matches `invalidIf`, else 1. */
export function verifierVerdict(tool: string, result: string, invalidIf: string): ValidityVerdict {
  const trimmed = result.trim();
  if (/^(0(\.\d+)?|1(\.0+)?)$/.test(trimmed)) {
    const value = Number(trimmed);
    return { verdict: value < 0.5 ? 'invalid' : 'valid', value, reason: `verifier ${tool} scored it ${value}` };
  }
  const shown = trimmed.length > 80 ? `${trimmed.slice(0, 77)}…` : trimmed;
  return new RegExp(invalidIf, 'i').test(result)
    ? { verdict: 'invalid', value: 0, reason: `verifier ${tool} answered "${shown}", which matches /${invalidIf}/` }
    : { verdict: 'valid', value: 1, reason: `verifier ${tool} answered "${shown}"` };
}
