/**
 * Tolerant reading of the document's policy for the Policy view. The document may be invalid
 * while it is edited, so this keeps what it can: scopes with a known level, rules with a known
 * effect and a string matcher. What it drops is still reported by the spec's issues.
 */
import { MODES, SCOPE_LEVELS, type Effect, type Mode, type PolicySpec, type ScopeLevel } from '../../kernel';
import { asDoc, isRecord, str } from '../editor/docModel';

export const EFFECTS: readonly Effect[] = Object.freeze(['allow', 'ask', 'deny']);
export const TAINT_MODES: readonly PolicySpec['taint'][] = Object.freeze(['deny', 'ask', 'off']);

export interface RuleEntry {
  id: string;
  effect: Effect;
  match: string;
  /** Index of the rule in its scope's `rules`. */
  index: number;
  /** A later rule with the id of an earlier one: drawn, but the jump and the edits reach the first. */
  duplicate: boolean;
}

export interface ScopeEntry {
  id: string;
  level: ScopeLevel;
  /** Index of the scope in `policy.scopes`. */
  index: number;
  rules: RuleEntry[];
}

export interface PolicyEntries {
  mode: Mode;
  taint: PolicySpec['taint'];
  requireSigned: boolean;
  /** Highest level first (org → session), document order within a level. */
  scopes: ScopeEntry[];
}

const isEffect = (v: unknown): v is Effect => typeof v === 'string' && (EFFECTS as readonly string[]).includes(v);
const isLevel = (v: unknown): v is ScopeLevel => typeof v === 'string' && (SCOPE_LEVELS as readonly string[]).includes(v);
const isMode = (v: unknown): v is Mode => typeof v === 'string' && (MODES as readonly string[]).includes(v);
const isTaint = (v: unknown): v is PolicySpec['taint'] => typeof v === 'string' && (TAINT_MODES as readonly string[]).includes(v);

/** The document's policy, with the schema's defaults for what is missing. */
export function readPolicy(doc: unknown): PolicyEntries {
  const policy = asDoc(doc).policy;
  const p = isRecord(policy) ? policy : {};
  const seen = new Set<string>();
  const scopes: ScopeEntry[] = [];
  (Array.isArray(p.scopes) ? p.scopes : []).forEach((s: unknown, index) => {
    if (!isRecord(s) || typeof s.id !== 'string' || !isLevel(s.level)) return;
    const rules: RuleEntry[] = [];
    (Array.isArray(s.rules) ? s.rules : []).forEach((r: unknown, ri) => {
      if (!isRecord(r) || typeof r.id !== 'string' || !isEffect(r.effect)) return;
      rules.push({ id: r.id, effect: r.effect, match: str(r.match), index: ri, duplicate: seen.has(r.id) });
      seen.add(r.id);
    });
    scopes.push({ id: s.id, level: s.level, index, rules });
  });
  scopes.sort((a, b) => SCOPE_LEVELS.indexOf(a.level) - SCOPE_LEVELS.indexOf(b.level) || a.index - b.index);
  return {
    mode: isMode(p.mode) ? p.mode : 'auto',
    taint: isTaint(p.taint) ? p.taint : 'deny',
    requireSigned: p.requireSigned === true,
    scopes,
  };
}

/** The policy as the engine takes it: rules without a matcher are left out (the issues list names them). */
export function policySpecOf(entries: PolicyEntries): PolicySpec {
  return {
    mode: entries.mode,
    taint: entries.taint,
    requireSigned: entries.requireSigned,
    scopes: entries.scopes.map((s) => ({
      id: s.id,
      level: s.level,
      rules: s.rules.filter((r) => r.match !== '' && !r.duplicate).map((r) => ({ id: r.id, effect: r.effect, match: r.match })),
    })),
  };
}
