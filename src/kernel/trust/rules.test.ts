import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { PolicySpec } from '../spec/schema';
import { decide, effectiveRules, policyIssues, rulesModule } from './rules';
import { matches, parseMatcher } from './matcher';
import { MODES, SCOPE_LEVELS, type Effect, type Mode, type OpRequest, type PolicyRule, type ScopeLevel, type SideEffect } from './types';

// Property tests run thousands of cases: on a loaded machine the default 5 s is too short.
vi.setConfig({ testTimeout: 60_000 });

type Scope = PolicySpec['scopes'][number];
type RuleDoc = Scope['rules'][number];

const policy = (scopes: Scope[]): PolicySpec => ({ mode: 'auto', scopes, taint: 'deny', requireSigned: false });
const rule = (id: string, effect: Effect, match: string): RuleDoc => ({ id, effect, match });
const request = (tool: string, arg: string | null, sideEffect: SideEffect): OpRequest => ({
  hook: 'tool.call', agent: 'a1', tool, target: tool, access: 'use', arg, args: arg === null ? {} : { path: arg },
  sideEffect, taint: [], declared: true, tier: 'shared',
});
const session = (id: string, effect: Effect, match: string): PolicyRule => ({ id, effect, match, scope: 'session', level: 'session' });

const SIDE_EFFECTS: readonly SideEffect[] = ['none', 'read', 'write', 'external', 'privileged'];
const rank = (level: ScopeLevel): number => SCOPE_LEVELS.indexOf(level);

/** The mode table, written as the spec states it (trust/types.ts). */
const EXPECTED_BY_MODE: Record<Mode, (s: SideEffect) => Effect> = {
  plan: (s) => (s === 'none' || s === 'read' ? 'allow' : 'deny'),
  ask: (s) => (s === 'none' || s === 'read' ? 'allow' : 'ask'),
  'accept-edits': (s) => (s === 'none' || s === 'read' || s === 'write' ? 'allow' : 'ask'),
  auto: () => 'allow',
  'deny-unlisted': () => 'deny',
};

// Small pools, so that random rules often match random requests.
const TOOLS = ['fs.read', 'fs.write', 'http.get', 'Bash', 'mcp__gh__issue'] as const;
const TOOL_GLOBS = [...TOOLS, '*', 'fs.*', 'mcp__*'] as const;
const SPECS = ['**', '*', '/workspace/**', '/workspace/*', '/etc/*', 'https://*.example.com/*', 'aws *', 'aws s3 ls', '*a*', '?'] as const;
const ARGS = ['/workspace/a.txt', '/workspace/a/b.txt', '/etc/passwd', 'https://api.example.com/v1', 'aws s3 ls', 'aws iam delete-user', 'a'] as const;

const arbMatch = fc
  .tuple(fc.constantFrom(...TOOL_GLOBS), fc.option(fc.constantFrom(...SPECS), { nil: null }))
  .map(([tool, spec]) => (spec === null ? tool : `${tool}(${spec})`));
const arbEffect = fc.constantFrom<Effect>('allow', 'ask', 'deny');
const arbLevel = fc.constantFrom(...SCOPE_LEVELS);
const arbMode = fc.constantFrom(...MODES);
const arbRequest = fc
  .record({ tool: fc.constantFrom(...TOOLS), arg: fc.option(fc.constantFrom(...ARGS), { nil: null }), sideEffect: fc.constantFrom(...SIDE_EFFECTS) })
  .map(({ tool, arg, sideEffect }) => request(tool, arg, sideEffect));
/** Scopes in random document order and levels, rule ids unique (`<scope>.<n>`). */
const arbPolicy = fc
  .array(fc.record({ level: arbLevel, rules: fc.array(fc.record({ effect: arbEffect, match: arbMatch }), { maxLength: 4 }) }), { maxLength: 5 })
  .map((scopes) => policy(scopes.map((s, i) => ({ id: `s${i}`, level: s.level, rules: s.rules.map((r, j) => rule(`s${i}.${j}`, r.effect, r.match)) }))));
const arbSession = fc
  .array(fc.record({ effect: arbEffect, match: arbMatch }), { maxLength: 3 })
  .map((rules) => rules.map((r, j) => session(`session.${j}`, r.effect, r.match)));

const hits = (req: OpRequest, rules: readonly PolicyRule[]): PolicyRule[] =>
  rules.filter((r) => {
    const parsed = parseMatcher(r.match);
    return parsed.ok && matches(parsed.matcher, req.tool, req.arg);
  });

describe('effectiveRules and policyIssues', () => {
  const doc = policy([
    { id: 'me', level: 'user', rules: [rule('u1', 'allow', 'fs.write(**)')] },
    { id: 'acme', level: 'org', rules: [rule('o1', 'deny', 'fs.write(/etc/**)'), rule('o2', 'deny', 'Bash(rm')] },
    { id: 'tmp', level: 'session', rules: [rule('t1', 'ask', 'http.get')] },
    { id: 'repo', level: 'project', rules: [rule('p1', 'ask', 'Bash'), rule('p2', 'allow', '')] },
    { id: 'acme-2', level: 'org', rules: [rule('o3', 'deny', 'mcp__*')] },
  ]);

  it('orders org > project > user > session, same levels in document order, remembered rules last, unparsable rules out', () => {
    const rules = effectiveRules(doc, [session('remembered', 'allow', 'http.get(https://*.example.com/*)'), session('bad', 'allow', '(x)')]);
    expect(rules.map((r) => `${r.level}:${r.scope}:${r.id}`)).toEqual([
      'org:acme:o1', 'org:acme-2:o3', 'project:repo:p1', 'user:me:u1', 'session:tmp:t1', 'session:session:remembered',
    ]);
  });

  it('reports each unparsable matcher with its JSON path', () => {
    expect(policyIssues(doc)).toEqual([
      { path: 'policy.scopes[1].rules[1].match', message: 'column 8: ")" expected to close "(" at column 5' },
      { path: 'policy.scopes[3].rules[1].match', message: 'column 1: empty rule; write Tool or Tool(specifier)' },
    ]);
  });
});

describe('decide', () => {
  it('lets an org deny beat a user allow and names the rule, its scope and the call', () => {
    const rules = effectiveRules(
      policy([
        { id: 'me', level: 'user', rules: [rule('anything', 'allow', 'fs.write(**)')] },
        { id: 'acme', level: 'org', rules: [rule('no-etc', 'deny', 'fs.write(/etc/**)')] },
      ]),
      [],
    );
    expect(decide(request('fs.write', '/etc/passwd', 'write'), rules, 'auto')).toEqual({
      effect: 'deny', module: 'rules', rule: 'no-etc', scope: 'acme', mode: 'auto',
      reason: 'fs.write(/etc/passwd) is denied by rule "no-etc" (deny fs.write(/etc/**)) of org scope "acme".',
    });
    expect(decide(request('fs.write', '/workspace/a', 'write'), rules, 'auto')).toMatchObject({ effect: 'allow', rule: 'anything', scope: 'me' });
  });

  it('ignores specificity: deny Bash(aws *) beats allow Bash(aws s3 ls)', () => {
    const rules = [session('ls', 'allow', 'Bash(aws s3 ls)'), session('aws', 'deny', 'Bash(aws *)')];
    expect(decide(request('Bash', 'aws s3 ls', 'external'), rules, 'auto')).toMatchObject({ effect: 'deny', rule: 'aws' });
  });

  it('denies side effects in plan mode even when a rule allows them, and says so', () => {
    const rules = [session('edits', 'allow', 'fs.write(/workspace/**)')];
    expect(decide(request('fs.write', '/workspace/a', 'write'), rules, 'plan')).toEqual({
      effect: 'deny', module: 'mode', rule: 'mode:plan', scope: 'mode', mode: 'plan',
      reason: 'plan mode allows no side effects, and fs.write(/workspace/a) has a write side effect (rule "edits" (allow fs.write(/workspace/**)) of session scope "session" would allow it).',
    });
    expect(decide(request('fs.read', '/workspace/a', 'read'), [session('reads', 'ask', 'fs.read')], 'plan')).toMatchObject({ effect: 'ask', ask: 'approve', rule: 'reads' });
  });

  it('asks for approval on an ask rule, and turns that ask into a deny in deny-unlisted mode', () => {
    const rules = [session('net', 'ask', 'http.get'), session('all', 'allow', '*')];
    expect(decide(request('http.get', 'https://x.org', 'external'), rules, 'auto')).toEqual({
      effect: 'ask', ask: 'approve', module: 'rules', rule: 'net', scope: 'session', mode: 'auto',
      reason: 'http.get(https://x.org) needs approval under rule "net" (ask http.get) of session scope "session".',
    });
    const denied = decide(request('http.get', 'https://x.org', 'external'), rules, 'deny-unlisted');
    expect(denied).toMatchObject({ effect: 'deny', module: 'rules', rule: 'net' });
    expect(denied.ask).toBeUndefined();
    expect(denied.reason).toContain('deny-unlisted mode denies what would ask');
  });

  it('lets the mode decide when no rule matches, naming the mode', () => {
    expect(decide(request('fs.write', '/a', 'write'), [], 'accept-edits')).toEqual({
      effect: 'allow', module: 'mode', rule: 'mode:accept-edits', scope: 'mode', mode: 'accept-edits',
      reason: 'No rule matches fs.write(/a); accept-edits mode allows a call with a write side effect.',
    });
    expect(decide(request('send', null, 'external'), [], 'ask')).toMatchObject({ effect: 'ask', ask: 'approve', rule: 'mode:ask' });
  });

  it('shortens very long arguments in reasons', () => {
    const { reason } = decide(request('Bash', 'x'.repeat(500), 'external'), [], 'deny-unlisted');
    expect(reason).toContain(`Bash(${'x'.repeat(80)}…)`);
    expect(reason.length).toBeLessThan(200);
  });

  it('property: a matching deny in any scope wins, whatever allows and asks exist and whatever the mode', () => {
    fc.assert(
      fc.property(arbPolicy, arbSession, arbRequest, arbMode, (doc, remembered, req, mode) => {
        const rules = effectiveRules(doc, remembered);
        const matched = hits(req, rules);
        const denies = matched.filter((r) => r.effect === 'deny');
        const decision = decide(req, rules, mode);
        if (denies.length > 0) expect(decision).toMatchObject({ effect: 'deny', module: 'rules', rule: denies[0]!.id, scope: denies[0]!.scope });
        // without a deny rule, only deny-unlisted turns a rule (an ask) into a deny
        else expect(decision.module === 'rules' && decision.effect === 'deny').toBe(mode === 'deny-unlisted' && matched.some((r) => r.effect === 'ask'));
      }),
      { numRuns: 10_000 },
    );
  });

  it('property: effective rules run org, project, user, session, and the reported deny is the highest-scope one', () => {
    fc.assert(
      fc.property(arbPolicy, arbSession, arbRequest, arbMode, (doc, remembered, req, mode) => {
        const rules = effectiveRules(doc, remembered);
        const scoped = rules.slice(0, rules.length - remembered.length);
        expect(rules.slice(scoped.length)).toEqual(remembered);
        for (let i = 1; i < scoped.length; i++) {
          const [a, b] = [scoped[i - 1]!, scoped[i]!];
          expect(rank(a.level)).toBeLessThanOrEqual(rank(b.level));
          if (a.level === b.level && a.scope !== b.scope) expect(Number(a.scope.slice(1))).toBeLessThan(Number(b.scope.slice(1)));
        }
        const denies = hits(req, rules).filter((r) => r.effect === 'deny');
        if (denies.length === 0) return;
        const top = Math.min(...denies.map((r) => rank(r.level)));
        const reversed = decide(req, [...rules].reverse(), mode);
        expect(reversed.effect).toBe('deny');
        expect(rank(rules.find((r) => r.id === reversed.rule)!.level)).toBe(top);
      }),
      { numRuns: 10_000 },
    );
  });

  it('property: with no matching rule each mode decides by its table, and names itself', () => {
    fc.assert(
      fc.property(arbPolicy, arbRequest, arbMode, (doc, req, mode) => {
        const rules = effectiveRules(doc, []);
        const unmatched = rules.filter((r) => hits(req, [r]).length === 0);
        const decision = decide(req, unmatched, mode);
        expect(decision).toMatchObject({ effect: EXPECTED_BY_MODE[mode](req.sideEffect), module: 'mode', rule: `mode:${mode}`, scope: 'mode', mode });
        expect(decision.ask).toBe(decision.effect === 'ask' ? 'approve' : undefined);
      }),
      { numRuns: 10_000 },
    );
  });

  it('property: allow rules never override plan for side effects; deny-unlisted runs only what an allow lists and never asks; auto objects only by rule', () => {
    fc.assert(
      fc.property(arbPolicy, arbSession, arbRequest, (doc, remembered, req) => {
        const rules = effectiveRules(doc, remembered);
        const matched = new Set(hits(req, rules).map((r) => r.effect));
        const plan = decide(req, rules, 'plan');
        if (req.sideEffect !== 'none' && req.sideEffect !== 'read') {
          expect(plan.effect).toBe('deny');
          if (!matched.has('deny')) expect(plan.rule).toBe('mode:plan');
        }
        const strict = decide(req, rules, 'deny-unlisted');
        expect(strict.effect).toBe(matched.has('allow') && !matched.has('ask') && !matched.has('deny') ? 'allow' : 'deny');
        const auto = decide(req, rules, 'auto');
        if (auto.effect !== 'allow') expect(auto.module).toBe('rules');
        expect(auto.effect).toBe(matched.has('deny') ? 'deny' : matched.has('ask') ? 'ask' : 'allow');
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('rulesModule', () => {
  it('hooks tool calls, memory and messages, and answers allows too, naming the authority', () => {
    const module = rulesModule([session('reads', 'allow', 'fs.read(/workspace/**)')], 'deny-unlisted');
    expect(module.name).toBe('rules');
    expect([...module.hooks].sort()).toEqual(['memory.read', 'memory.write', 'msg.send', 'tool.call']);
    expect(Object.isFrozen(module)).toBe(true);
    expect(module.check(request('fs.read', '/workspace/a', 'read'))).toEqual({
      effect: 'allow', module: 'rules', rule: 'reads', scope: 'session',
      reason: 'fs.read(/workspace/a) is allowed by rule "reads" (allow fs.read(/workspace/**)) of session scope "session".',
    });
    expect(module.check(request('fs.read', '/etc/passwd', 'read'))).toMatchObject({ effect: 'deny', module: 'mode', rule: 'mode:deny-unlisted' });
  });
});
