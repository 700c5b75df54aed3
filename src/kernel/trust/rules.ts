/**
 * The rules check, last module of the policy stack: a pure function of the effective rules, the
 * mode and one request (Claude Code's deny → ask → allow evaluation over merged scopes,
 * REFERENCES §3.1).
 */
import type { PolicySpec } from '../spec/schema';
import { matches, parseMatcher, type Matcher } from './matcher';
import type { Decision, Effect, Mode, OpRequest, PolicyModule, PolicyRule, ScopeLevel, SideEffect } from './types';

const LEVEL_RANK: Readonly<Record<ScopeLevel, number>> = Object.freeze({ org: 0, project: 1, user: 2, session: 3 });

/**
 * What each mode does with a call no rule matched, by side effect (the mode table of
 * trust/types.ts). plan's own deny of side effects comes before the rules' allows and asks.
 */
const MODE_DEFAULTS: Readonly<Record<Mode, Readonly<Record<SideEffect, Effect>>>> = Object.freeze({
  plan: { none: 'allow', read: 'allow', write: 'deny', external: 'deny', privileged: 'deny' },
  ask: { none: 'allow', read: 'allow', write: 'ask', external: 'ask', privileged: 'ask' },
  'accept-edits': { none: 'allow', read: 'allow', write: 'allow', external: 'ask', privileged: 'ask' },
  auto: { none: 'allow', read: 'allow', write: 'allow', external: 'allow', privileged: 'allow' },
  'deny-unlisted': { none: 'deny', read: 'deny', write: 'deny', external: 'deny', privileged: 'deny' },
});

const RULE_HOOKS = Object.freeze(['tool.call', 'memory.read', 'memory.write', 'msg.send'] as const);

/**
 * The rules in force: every scope's rules ordered org > project > user > session (scopes of
 * one level in document order), then the session's remembered rules. Rules whose `match`
 * does not parse are left out; `policyIssues` reports them.
 */
export function effectiveRules(policy: PolicySpec, session: readonly PolicyRule[]): PolicyRule[] {
  const scoped = policy.scopes
    .map((scope, order) => ({ scope, order }))
    .sort((a, b) => LEVEL_RANK[a.scope.level] - LEVEL_RANK[b.scope.level] || a.order - b.order)
    .flatMap(({ scope }) => scope.rules.map((r): PolicyRule => ({ id: r.id, effect: r.effect, match: r.match, scope: scope.id, level: scope.level })));
  return [...scoped, ...session].filter((r) => matcherOf(r.match) !== null);
}

/** Matchers that do not parse, each with the JSON path of its `match` (for the editor's diagnostics). */
export function policyIssues(policy: PolicySpec): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  policy.scopes.forEach((scope, s) =>
    scope.rules.forEach((rule, r) => {
      const parsed = parseMatcher(rule.match);
      if (!parsed.ok) issues.push({ path: `policy.scopes[${s}].rules[${r}].match`, message: parsed.error });
    }),
  );
  return issues;
}

/**
 * Decides one request. The contract, in order:
 * 1. a matching deny rule denies, whatever else matches in any scope; the report names the
 *    matching deny of the highest scope (the first of that level in `rules`);
 * 2. plan mode denies every write, external or privileged call (`mode:plan`), even one an
 *    allow or ask rule matches: plan means no side effects;
 * 3. a matching ask rule asks for approval; in deny-unlisted mode that ask is a deny instead;
 * 4. a matching allow rule allows;
 * 5. with no matching rule the mode decides (`mode:<mode>`): plan and ask run none/read and
 *    ask otherwise (plan's side effects were denied in 2), accept-edits also runs writes,
 *    auto runs everything, deny-unlisted runs nothing.
 * Specificity never matters: deny `Bash(aws *)` beats allow `Bash(aws s3 ls)`. Rules whose
 * `match` does not parse never match.
 */
export function decide(req: OpRequest, rules: readonly PolicyRule[], mode: Mode): Decision {
  const hit: Partial<Record<Effect, PolicyRule>> = {};
  for (const rule of rules) {
    const m = matcherOf(rule.match);
    if (m === null || !matches(m, req.tool, req.arg)) continue;
    const best = hit[rule.effect];
    if (best === undefined || LEVEL_RANK[rule.level] < LEVEL_RANK[best.level]) hit[rule.effect] = rule;
  }
  const call = describeCall(req);
  const byRule = (effect: Effect, rule: PolicyRule, reason: string): Decision =>
    ({ effect, module: 'rules', rule: rule.id, scope: rule.scope, mode, reason, ...(effect === 'ask' ? { ask: 'approve' as const } : {}) });
  const byMode = (effect: Effect, reason: string): Decision =>
    ({ effect, module: 'mode', rule: `mode:${mode}`, scope: 'mode', mode, reason, ...(effect === 'ask' ? { ask: 'approve' as const } : {}) });

  if (hit.deny) return byRule('deny', hit.deny, `${call} is denied by ${describeRule(hit.deny)}.`);
  if (mode === 'plan' && MODE_DEFAULTS.plan[req.sideEffect] === 'deny') {
    const passed = hit.ask ?? hit.allow;
    const despite = passed ? ` (${describeRule(passed)} would ${passed.effect} it)` : '';
    return byMode('deny', `plan mode allows no side effects, and ${call} has a ${req.sideEffect} side effect${despite}.`);
  }
  if (hit.ask && mode === 'deny-unlisted') {
    return byRule('deny', hit.ask, `${call} is denied: ${describeRule(hit.ask)} asks, and deny-unlisted mode denies what would ask.`);
  }
  if (hit.ask) return byRule('ask', hit.ask, `${call} needs approval under ${describeRule(hit.ask)}.`);
  if (hit.allow) return byRule('allow', hit.allow, `${call} is allowed by ${describeRule(hit.allow)}.`);
  const effect = MODE_DEFAULTS[mode][req.sideEffect];
  const verb = effect === 'allow' ? 'allows' : effect === 'ask' ? 'asks before' : 'denies';
  return byMode(effect, `No rule matches ${call}; ${mode} mode ${verb} a call with a ${req.sideEffect} side effect.`);
}

/**
 * The rules as a policy module, last in the kernel's stack: it answers every request with
 * `decide`'s decision, allows included, so the stack's allow names its rule or mode.
 */
export function rulesModule(rules: readonly PolicyRule[], mode: Mode): PolicyModule {
  const own = Object.freeze([...rules]);
  return Object.freeze({
    name: 'rules',
    hooks: RULE_HOOKS,
    check(req: OpRequest) {
      const { mode: _mode, ...answer } = decide(req, own, mode);
      return answer;
    },
  });
}

/** Parsed matchers by rule text; decide runs on every tool call and rules rarely change. */
const MATCHERS = new Map<string, Matcher | null>();
const MATCHER_LIMIT = 4096;

function matcherOf(match: string): Matcher | null {
  let m = MATCHERS.get(match);
  if (m === undefined) {
    if (MATCHERS.size >= MATCHER_LIMIT) MATCHERS.clear();
    const parsed = parseMatcher(match);
    m = parsed.ok ? parsed.matcher : null;
    MATCHERS.set(match, m);
  }
  return m;
}

const ARG_SHOWN = 80;

function describeCall(req: OpRequest): string {
  if (req.arg === null) return req.tool;
  const arg = req.arg.length > ARG_SHOWN ? `${req.arg.slice(0, ARG_SHOWN)}…` : req.arg;
  return `${req.tool}(${arg})`;
}

function describeRule(rule: PolicyRule): string {
  return `rule "${rule.id}" (${rule.effect} ${rule.match.trim()}) of ${rule.level} scope "${rule.scope}"`;
}
