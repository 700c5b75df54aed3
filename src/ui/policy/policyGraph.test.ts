import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addRule, addScope, setPolicyField } from '../editor/docOps';
import { parseHarness, storeTier } from '../../kernel';
import { capabilityEdgeId, focusNodes, LAYOUT, nodeId, policyGraph as graphOf, withFocus, type PolicyEdge, type RuleNodeData } from './policyGraph';

/** The view as the studio builds it: the document, and its parsed spec (null while invalid). */
const policyGraph = (doc: unknown) => {
  const parsed = parseHarness(doc);
  return graphOf(doc, parsed.ok ? parsed.spec : null);
};

const example = (): unknown => JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8'));

const cap = (edges: readonly PolicyEdge[], agent: string, target: string) => edges.find((e) => e.id === capabilityEdgeId(agent, target))!;

/** The example with a project scope holding `rules`. */
function withRules(rules: { effect: 'allow' | 'ask' | 'deny'; match: string }[], level: 'org' | 'project' | 'user' | 'session' = 'project'): unknown {
  const scoped = addScope(example(), level);
  let doc = scoped.doc;
  for (const r of rules) doc = addRule(doc, scoped.id, r)!.doc;
  return doc;
}

describe('policyGraph', () => {
  it('colours each capability by the kernel’s decision under the mode when no rule matches', () => {
    const { edges } = policyGraph(example());
    const search = cap(edges, 'researcher', 'web_search');
    expect(search.data!.decision).toMatchObject({ effect: 'allow', rule: 'mode:auto' });
    expect(search.label).toBe('allow · mode:auto');
    expect(cap(edges, 'researcher', 'notes').data!.decision!.effect).toBe('allow');

    // plan mode allows reads only; the store is read and written, so its edge takes the stricter answer.
    const plan = policyGraph(setPolicyField(example(), 'mode', 'plan'));
    expect(cap(plan.edges, 'researcher', 'web_search').data!.decision!.effect).toBe('allow');
    expect(cap(plan.edges, 'researcher', 'notes').data!.decision!.effect).toBe('deny');
  });

  it('a deny rule turns its edge red and names itself', () => {
    const { edges } = policyGraph(withRules([{ effect: 'deny', match: 'web_search' }]));
    const search = cap(edges, 'researcher', 'web_search');
    expect(search.data!.decision).toMatchObject({ effect: 'deny', rule: 'deny-web_search', scope: 'project' });
    expect(search.label).toBe('deny · deny-web_search');
    expect(search.style?.stroke).toBe('#e5534b');
  });

  it('an ask rule turns the edge amber; an allow rule below does not undo a deny above', () => {
    expect(cap(policyGraph(withRules([{ effect: 'ask', match: 'web_search' }])).edges, 'researcher', 'web_search').data!.decision!.effect).toBe('ask');
    let doc = withRules([{ effect: 'deny', match: 'web_search' }], 'org');
    const user = addScope(doc, 'user');
    doc = addRule(user.doc, user.id, { effect: 'allow', match: 'web_search' })!.doc;
    expect(cap(policyGraph(doc).edges, 'researcher', 'web_search').data!.decision).toMatchObject({ effect: 'deny', rule: 'deny-web_search' });
  });

  it('lays scopes out org → session with their rules beside them, linked by override edges', () => {
    let doc = withRules([{ effect: 'deny', match: 'web_search' }, { effect: 'ask', match: 'notes' }], 'user');
    doc = addScope(doc, 'org').doc;
    const { nodes, edges } = policyGraph(doc);
    const scopes = nodes.filter((n) => n.type === 'scope');
    expect(scopes.map((n) => n.data.id)).toEqual(['org', 'user']);
    expect(scopes.every((n) => n.position.x === LAYOUT.scopeX)).toBe(true);
    expect(scopes[0]!.position.y).toBeLessThan(scopes[1]!.position.y);
    const override = edges.filter((e) => e.data!.kind === 'override');
    expect(override.map((e) => [e.source, e.target, e.label])).toEqual([[nodeId.scope('org'), nodeId.scope('user'), 'overrides ↓ / deny always wins']]);
    const rules = nodes.filter((n) => n.type === 'rule');
    expect(rules.map((n) => [n.data.id, n.position.x, n.position.y - scopes[1]!.position.y])).toEqual([
      ['deny-web_search', LAYOUT.ruleX, 0],
      ['ask-notes', LAYOUT.ruleX, LAYOUT.rulePitch],
    ]);
    expect(edges.filter((e) => e.data!.kind === 'attach').map((e) => e.source)).toEqual([nodeId.scope('user'), nodeId.scope('user')]);
    // Agents in the middle, tools and stores on the right.
    expect(nodes.filter((n) => n.type === 'agent').every((n) => n.position.x === LAYOUT.agentX)).toBe(true);
    expect(nodes.filter((n) => n.type === 'tool' || n.type === 'store').map((n) => n.data.id)).toEqual(['web_search', 'corpus', 'notes']);
  });

  it('asks the whole policy stack, not only the rules: a platform-tier store is read-only, whatever the mode allows', () => {
    const doc = example() as { stores: { id: string; tier?: string }[] };
    doc.stores.find((s) => s.id === 'notes')!.tier = 'platform';
    const notes = cap(policyGraph(doc).edges, 'researcher', 'notes');
    expect(notes.data!.decision).toMatchObject({ effect: 'deny', module: 'tier', hook: 'memory.write' });
    expect(notes.label).toBe(`deny · ${notes.data!.decision!.rule}`);
    // The agent's own tiers: a researcher that may read only session stores cannot search the shared corpus.
    const narrow = example() as { agents: { id: string; tiers?: string[] }[] };
    narrow.agents.find((a) => a.id === 'researcher')!.tiers = ['session'];
    expect(cap(policyGraph(narrow).edges, 'researcher', 'web_search').data!.decision).toMatchObject({ effect: 'deny', module: 'tier' });
  });

  it('a tool or store node shows the kind and tier the run uses, defaults included', () => {
    const doc = example();
    const parsed = parseHarness(doc);
    if (!parsed.ok) throw new Error('the example must parse');
    const { nodes } = policyGraph(doc);
    const detail = (id: string) => nodes.find((n) => n.id === nodeId.target(id))!.data.detail;
    expect(parsed.spec.stores.some((s) => s.tier === undefined && s.kind === 'archival')).toBe(true);
    for (const s of parsed.spec.stores) expect(detail(s.id)).toBe(`${s.kind} · ${storeTier(s)}`);
    for (const t of parsed.spec.tools) expect(detail(t.id)).toBe(`${t.sideEffect} · ${t.tier}`);
  });

  it('shows a matcher that does not parse with the parser’s error; no run can start, so no edge claims a decision', () => {
    const doc = withRules([{ effect: 'deny', match: 'web_search(' }]);
    const { nodes, edges } = policyGraph(doc);
    const rule = nodes.find((n) => n.id === nodeId.rule('deny-web_search'))!.data as RuleNodeData;
    expect(rule.error).toEqual(expect.any(String));
    const search = cap(edges, 'researcher', 'web_search');
    expect(search.data).toMatchObject({ decision: null, undecided: expect.stringMatching(/document has errors/) });
    expect(search.label).toBe('undecided');
  });

  it('draws a capability whose target is missing dashed, to a placeholder', () => {
    const doc = example() as { agents: { id: string; capabilities: unknown[] }[] };
    doc.agents[0]!.capabilities.push({ target: 'gone', access: 'use' });
    const { nodes, edges } = policyGraph(doc);
    const edge = cap(edges, 'planner', 'gone');
    expect(edge.target).toBe(nodeId.missing('gone'));
    expect(edge.data).toMatchObject({ decision: null, missing: true });
    expect(edge.style?.strokeDasharray).toBeDefined();
    expect(nodes.find((n) => n.id === nodeId.missing('gone'))?.data.kind).toBe('missing');
  });

  it('is deterministic and tolerates a broken document', () => {
    const doc = withRules([{ effect: 'deny', match: 'web_search' }]);
    expect(policyGraph(doc)).toEqual(policyGraph(doc));
    expect(policyGraph('not a document').nodes).toEqual([]);
    expect(policyGraph({ policy: { mode: 'nonsense', scopes: [{ id: 's', level: 'galaxy' }, 7] } }).policy).toMatchObject({ mode: 'auto', scopes: [] });
  });
});

describe('focus', () => {
  const graph = policyGraph(withRules([{ effect: 'deny', match: 'web_search' }]));

  it('marks a rule node, or a capability edge with its agent', () => {
    const rule = withFocus(graph, { kind: 'rule', id: 'deny-web_search' });
    expect(rule.nodes.filter((n) => n.data.focused).map((n) => n.id)).toEqual([nodeId.rule('deny-web_search')]);
    const capability = withFocus(graph, { kind: 'capability', agent: 'researcher', target: 'web_search' });
    expect(capability.nodes.filter((n) => n.data.focused).map((n) => n.id)).toEqual([nodeId.agent('researcher')]);
    expect(capability.edges.filter((e) => e.data!.focused).map((e) => e.id)).toEqual([capabilityEdgeId('researcher', 'web_search')]);
    expect(withFocus(graph, null)).toBe(graph);
  });

  it('knows what a jump centres on, and when the document has nothing to show', () => {
    expect(focusNodes(graph, { kind: 'rule', id: 'deny-web_search' })).toEqual([nodeId.rule('deny-web_search')]);
    expect(focusNodes(graph, { kind: 'rule', id: 'session-approval-1' })).toBeNull();
    expect(focusNodes(graph, { kind: 'capability', agent: 'researcher', target: 'web_search' })).toEqual([nodeId.agent('researcher'), nodeId.target('web_search')]);
    expect(focusNodes(graph, { kind: 'mode' })).toEqual([]);
  });
});
