/**
 * Parsing never throws: every problem becomes a SpecIssue naming the JSON path, what was
 * expected and what was found. Structural checks come from the zod schema; references and
 * duplicate ids are checked after, on the typed spec, or, when the schema rejected the
 * document, on whatever parts of it have the right shape, so all problems show at once.
 */
import type { z } from 'zod';
import { HUMAN } from './schema';
import { policyIssues } from '../trust/rules';
import { SCHED_CLASSES } from '../sched';
import { HarnessSpecSchema, ModelSchema, PolicySchema, SchedSchema, SPEC_VERSION, type HarnessSpec } from './schema';
import { locateJsonError } from './jsonLocate';
import { structureIssues } from './structure';
import { migrate, type MigrationTable, MIGRATIONS } from './migrate';
import type { SpecIssue } from './specIssue';

// In its own file so migrate.ts can report issues without importing the parser that imports it.
export type { SpecIssue } from './specIssue';

export type ParseResult =
  | { ok: true; spec: HarnessSpec; migratedFrom?: number }
  | { ok: false; issues: SpecIssue[] };

/** Formats a zod/JS path as `a.b[3].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

/** A zod issue as a SpecIssue: its path, and what was expected and found there in `input`. */
export function fromZod(issue: z.core.$ZodIssue, input: unknown): SpecIssue {
  const path = formatPath(issue.path);
  const found = describe(valueAt(input, issue.path));
  const where = path || 'document';
  switch (issue.code) {
    case 'invalid_type':
      return { path, message: `${where}: expected ${issue.expected}, found ${found}`, expected: issue.expected, found };
    case 'invalid_value': {
      const expected = issue.values.map((v) => JSON.stringify(v)).join(' | ');
      return { path, message: `${where}: expected one of ${expected}, found ${found}`, expected, found };
    }
    case 'invalid_union': {
      const expected = 'discriminator' in issue && issue.discriminator ? `a known "${String(issue.discriminator)}"` : 'one of the allowed shapes';
      return { path, message: `${where}: expected ${expected}, found ${found}`, expected, found };
    }
    case 'unrecognized_keys':
      return { path, message: `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`, expected: 'known fields only', found: issue.keys.join(', ') };
    default:
      return { path, message: `${where}: ${issue.message}, found ${found}`, expected: issue.message, found };
  }
}

/** Turns JSON text into a value, reporting syntax errors with line and column. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; issues: SpecIssue[] } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 names the position in most messages ("… in JSON at position 42"); the locator finds the rest.
    const v8 = /at position (\d+)/.exec(message);
    const offset = v8 ? Number(v8[1]) : locateJsonError(text);
    let where = '';
    if (offset >= 0) {
      const before = text.slice(0, offset).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    }
    return { ok: false, issues: [{ path: '', message: `not valid JSON${where}: ${message}`, expected: 'JSON', found: 'a syntax error' }] };
  }
}

/**
 * Parses a harness document (a value or JSON text). Applies migrations for older versions
 * first; an unknown version is an error. Never throws.
 */
export function parseHarness(input: unknown, migrations: MigrationTable = MIGRATIONS): ParseResult {
  let raw = input;
  if (typeof input === 'string') {
    const json = parseJsonText(input);
    if (!json.ok) return json;
    raw = json.value;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: '', message: `document: expected an object, found ${describe(raw)}`, expected: 'object', found: describe(raw) }] };
  }
  // Shape limits first: a document too deep for the recursive readers below stops here, at its path.
  const shape = structureIssues(raw);
  if (shape.length > 0) return { ok: false, issues: shape };
  const migrated = migrate(raw as Record<string, unknown>, migrations);
  if (!migrated.ok) return { ok: false, issues: [migrated.issue] };
  const result = HarnessSpecSchema.safeParse(migrated.doc);
  if (!result.success) {
    // Every problem in one pass: the references of whatever parsed are checked too, except
    // where the schema already reported the very field.
    const structural = result.error.issues.map((i) => fromZod(i, migrated.doc));
    const reported = new Set(structural.map((i) => i.path));
    return { ok: false, issues: [...structural, ...checkReferences(migrated.doc).filter((i) => !reported.has(i.path))] };
  }
  const issues = checkReferences(result.data);
  if (issues.length > 0) return { ok: false, issues };
  return migrated.from === SPEC_VERSION ? { ok: true, spec: result.data } : { ok: true, spec: result.data, migratedFrom: migrated.from };
}

type Kind = 'model' | 'agent' | 'tool' | 'store' | 'channel' | 'goal' | 'group' | 'scope' | 'rule' | 'fact' | 'MCP server' | 'remote agent' | 'region';

/** Plain-data readers for a document that may be partly broken: a wrong shape reads as absent. */
type Obj = Readonly<Record<string, unknown>>;
const EMPTY: Obj = Object.freeze({});
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : EMPTY);
const list = (v: unknown): readonly Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Duplicate ids and dangling references, each reported at the referring field. Reads the
 * document tolerantly, so it also checks a document the schema rejected: every entity and
 * field that is there and has the right shape is checked, the broken parts are skipped (the
 * schema reports those), and one structural error never hides a reference error.
 */
export function checkReferences(spec: HarnessSpec | Obj): SpecIssue[] {
  const doc = obj(spec);
  const issues: SpecIssue[] = [];
  const seen = new Map<string, { kind: Kind; path: string }>();
  const declare = (kind: Kind, id: unknown, path: string): void => {
    if (typeof id !== 'string') return;
    const prior = seen.get(id);
    if (prior) {
      issues.push({ path, message: `${path}: duplicate id "${id}" (already used by the ${prior.kind} at ${prior.path})`, expected: 'a unique id', found: JSON.stringify(id) });
    } else seen.set(id, { kind, path });
  };
  const agents = list(doc.agents);
  // Who a message may go to: agents, and remote agents when the document declares any (else the message names agents only).
  const receivers: Kind[] = list(doc.remoteAgents).length > 0 ? ['agent', 'remote agent'] : ['agent'];
  list(doc.models).forEach((m, i) => declare('model', m.id, `models[${i}].id`));
  agents.forEach((a, i) => declare('agent', a.id, `agents[${i}].id`));
  agents.forEach((a, i) => {
    if (a.id === HUMAN) issues.push({ path: `agents[${i}].id`, message: `agents[${i}].id: "${HUMAN}" is reserved for the person at the studio`, expected: 'another id', found: JSON.stringify(a.id) });
  });
  list(doc.facts).forEach((f, i) => declare('fact', f.id, `facts[${i}].id`));
  list(doc.tools).forEach((t, i) => declare('tool', t.id, `tools[${i}].id`));
  list(doc.mcpServers).forEach((m, i) => declare('MCP server', m.id, `mcpServers[${i}].id`));
  list(doc.remoteAgents).forEach((r, i) => declare('remote agent', r.id, `remoteAgents[${i}].id`));
  list(doc.stores).forEach((s, i) => declare('store', s.id, `stores[${i}].id`));
  list(doc.channels).forEach((c, i) => declare('channel', c.id, `channels[${i}].id`));
  list(doc.goals).forEach((g, i) => declare('goal', g.id, `goals[${i}].id`));
  list(doc.groups).forEach((g, i) => declare('group', g.id, `groups[${i}].id`));
  list(doc.regions).forEach((r, i) => declare('region', r.id, `regions[${i}].id`));
  list(obj(doc.policy).scopes).forEach((s, i) => {
    declare('scope', s.id, `policy.scopes[${i}].id`);
    list(s.rules).forEach((r, j) => declare('rule', r.id, `policy.scopes[${i}].rules[${j}].id`));
  });

  const ref = (path: string, value: unknown, kinds: Kind[]): void => {
    const id = str(value);
    if (id === undefined) return;
    const target = seen.get(id);
    if (!target || !kinds.includes(target.kind)) {
      const article = (k: string): string => (/^([aeiou]|MCP)/.test(k) ? `an ${k}` : `a ${k}`);
      const expected = `the id of ${kinds.map(article).join(' or ')}`;
      const found = target ? `the ${target.kind} "${id}"` : `"${id}", which does not exist`;
      issues.push({ path, message: `${path}: expected ${expected}, found ${found}`, expected, found: JSON.stringify(id) });
    }
  };

  agents.forEach((a, i) => {
    const at = `agents[${i}]`;
    const sched = obj(a.sched);
    ref(`${at}.model`, a.model, ['model']);
    ref(`${at}.sched.group`, sched.group, ['group']);
    ref(`${at}.memory.summarizer`, obj(a.memory).summarizer, ['model']);
    // The class's own rules over its parameters, on the agent's model (deadline: runtime ≤ deadline ≤ period),
    // once the section has its shape (the schema reports it otherwise); a broken or unknown model counts as unknown.
    const typedSched = SchedSchema.safeParse(a.sched ?? {});
    if (typedSched.success) {
      const rawModel = list(doc.models).find((m) => m.id === a.model);
      const typedModel = rawModel ? ModelSchema.safeParse(rawModel) : null;
      const model = typedModel?.success ? typedModel.data : null;
      for (const p of SCHED_CLASSES.checkParams(typedSched.data, model)) {
        issues.push({ path: `${at}.sched.${p.param}`, message: `${at}.sched.${p.param}: ${p.message}`, expected: p.expected, found: p.found });
      }
    }
    list(a.capabilities).forEach((c, j) => ref(`${at}.capabilities[${j}].target`, c.target, ['tool', 'store']));
    list(a.behaviour).forEach((s, j) => {
      const sp = `${at}.behaviour[${j}]`;
      if (s.op === 'call') ref(`${sp}.tool`, s.tool, ['tool']);
      if (s.op === 'send' && s.to !== HUMAN) ref(`${sp}.to`, s.to, receivers);
      if (s.op === 'recv' && s.from !== HUMAN) ref(`${sp}.from`, s.from, receivers);
      if (s.op === 'search' || s.op === 'remember') ref(`${sp}.store`, s.store, ['store']);
      if (s.op === 'proc') ref(`${sp}.agent`, s.agent, ['agent']);
      if (s.op === 'spawn') {
        ref(`${sp}.agent`, s.agent, ['agent']);
        const over = list(doc.channels).some((c) => c.from === a.id && c.to === s.agent && c.kind === 'delegate' && c.spawn !== undefined);
        if (typeof s.agent === 'string' && !over) {
          issues.push({ path: `${sp}.agent`, message: `${sp}.agent: ${String(a.id)} has no delegate channel with "spawn" to "${s.agent}", so it may not spawn it`, expected: `a channel {from: "${String(a.id)}", to: "${s.agent}", kind: "delegate", spawn: {}}`, found: JSON.stringify(s.agent) });
        }
      }
      if (s.op === 'branch' && typeof s.to === 'number' && s.to > list(a.behaviour).length) {
        issues.push({ path: `${sp}.to`, message: `${sp}.to: step ${s.to} is past the end of the script (${list(a.behaviour).length} steps)`, expected: `a step index from 0 to ${list(a.behaviour).length}`, found: String(s.to) });
      }
    });
  });
  list(doc.tools).forEach((t, i) => {
    const impl = obj(t.impl);
    if (impl.kind === 'search' || impl.kind === 'archival_insert') ref(`tools[${i}].impl.store`, impl.store, ['store']);
    if (impl.kind === 'mcp') ref(`tools[${i}].impl.server`, impl.server, ['MCP server']);
  });
  list(doc.stores).forEach((s, i) => {
    ref(`stores[${i}].owner`, s.owner, ['agent']);
    list(obj(s.validity).checks).forEach((c, j) => {
      if (c.kind === 'verify') ref(`stores[${i}].validity.checks[${j}].tool`, c.tool, ['tool']);
      if (c.kind === 'judge') ref(`stores[${i}].validity.checks[${j}].model`, c.model, ['model']);
    });
  });
  list(doc.channels).forEach((c, i) => {
    // "human" is the person at the studio: a participant with its own lifeline, not an agent.
    if (c.from !== HUMAN) ref(`channels[${i}].from`, c.from, ['agent']);
    // A remote agent is only ever reached: it answers over the channel its caller used.
    if (c.to !== HUMAN) ref(`channels[${i}].to`, c.to, receivers);
    if (c.spawn !== undefined && c.kind !== 'delegate') {
      issues.push({ path: `channels[${i}].spawn`, message: `channels[${i}].spawn: only a delegate channel spawns sub-agents (this one is "${String(c.kind ?? 'message')}")`, expected: 'kind "delegate"', found: JSON.stringify(c.kind ?? 'message') });
    }
  });
  list(doc.groups).forEach((g, i) => ref(`groups[${i}].parent`, g.parent, ['group']));
  list(doc.groups).forEach((g, i) => {
    // A conversation group's order names its members (sched/turnTaking.ts); its selector is a model.
    const tt = obj(g.turnTaking);
    ref(`groups[${i}].turnTaking.model`, tt.model, ['model']);
    (Array.isArray(tt.order) ? (tt.order as unknown[]) : []).forEach((a, j) => {
      const path = `groups[${i}].turnTaking.order[${j}]`;
      ref(path, a, ['agent']);
      const member = agents.find((x) => x.id === a);
      if (member !== undefined && obj(member.sched).group !== g.id) {
        issues.push({ path, message: `${path}: agent "${String(a)}" is not a member of group "${String(g.id)}" (set its sched.group to "${String(g.id)}")`, expected: `an agent whose sched.group is "${String(g.id)}"`, found: JSON.stringify(a) });
      }
    });
  });
  agents.forEach((a, i) => ref(`agents[${i}].cutoff.goal`, obj(a.cutoff).goal, ['goal']));
  list(doc.regions).forEach((r, i) => {
    if (r.kind === 'store') ref(`regions[${i}].match`, r.match, ['store']);
    for (const agent of Object.keys(obj(r.access))) ref(`regions[${i}].access.${agent}`, agent, ['agent']);
  });
  const checkPredicate = (p: Obj, path: string): void => {
    if (p.kind === 'finished') ref(`${path}.agent`, p.agent, ['agent']);
    if (p.kind === 'fact') ref(`${path}.in`, p.in, ['agent']);
    if (p.kind === 'budget') ref(`${path}.group`, p.group, ['group']);
    if (p.kind === 'similar' || p.kind === 'judge') ref(`${path}.agent`, p.agent, ['agent']);
    if (p.kind === 'judge') {
      ref(`${path}.model`, p.model, ['model']);
      if (p.fallback !== undefined) checkPredicate(obj(p.fallback), `${path}.fallback`);
    }
    if (p.kind === 'message') {
      ref(`${path}.from`, p.from, ['agent']);
      ref(`${path}.to`, p.to, ['agent']);
    }
    if (p.kind === 'all' || p.kind === 'any') list(p.of).forEach((q, k) => checkPredicate(q, `${path}.of[${k}]`));
  };
  list(doc.goals).forEach((g, i) => {
    if (g.scope !== 'harness') ref(`goals[${i}].scope`, g.scope, ['agent']);
    checkPredicate(obj(g.when), `goals[${i}].when`);
  });
  // A rule whose matcher does not parse would silently match nothing (a dropped deny): refuse the document instead.
  const policy = PolicySchema.safeParse(doc.policy ?? {});
  if (policy.success) {
    for (const p of policyIssues(policy.data)) issues.push({ path: p.path, message: `${p.path}: ${p.message}`, expected: 'Tool or Tool(specifier)', found: 'a matcher that does not parse' });
  }
  return issues;
}
