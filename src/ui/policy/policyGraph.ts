/**
 * The Policy view of a document: scope nodes in a column (org → session), each scope's rules
 * beside it, agents in the middle and their tools and stores on the right. A capability edge
 * agent → target is coloured by what the kernel decides for that agent reaching that target at
 * the start of a run (`explainAccess`: the whole policy stack, as the run applies it), with no
 * argument and no taint; its label names the deciding rule. The view restates no rule: with no
 * valid document there is no run, and the edges say so. Layout is a fixed set of columns, so
 * the same document always draws the same picture.
 */
import { MarkerType, type Edge, type Node } from '@xyflow/react';
import { explainAccess, specDefaults, storeTier, type AccessKind, type DecisionRecord, type Effect, type ExplainCall, type HarnessSpec, type ScopeLevel } from '../../kernel';
import { entities, isRecord, str } from '../editor/docModel';
import { matcherError } from './matcherError';
import { readPolicy, type PolicyEntries } from './policyModel';
import type { PolicyTarget } from '../../store/canvasViewSlice';

/** A tool's side effect and tier, the schema's defaults where the document leaves them out. */
function toolDetail(tool: Record<string, unknown>): string {
  return `${str(tool.sideEffect, specDefaults.tool.sideEffect)} · ${str(tool.tier, specDefaults.tool.tier)}`;
}

/** A store's kind and tier; an unset tier is the kernel's (storeTier: session for archival memory, shared for knowledge). */
function storeDetail(store: Record<string, unknown>): string {
  const kind = store.kind === 'knowledge' || store.kind === 'archival' ? store.kind : specDefaults.store.kind;
  const tier = store.tier === 'platform' || store.tier === 'shared' || store.tier === 'session' ? store.tier : undefined;
  return `${kind} · ${storeTier({ kind, tier })}`;
}

export interface ScopeNodeData extends Record<string, unknown> {
  kind: 'scope';
  id: string;
  level: ScopeLevel;
  rules: number;
  focused: boolean;
}

export interface RuleNodeData extends Record<string, unknown> {
  kind: 'rule';
  id: string;
  scope: string;
  effect: Effect;
  match: string;
  /** Why the matcher does not parse (or why the rule is ignored), else null. */
  error: string | null;
  duplicate: boolean;
  focused: boolean;
}

export interface ActorNodeData extends Record<string, unknown> {
  kind: 'agent';
  id: string;
  title: string;
  focused: boolean;
}

export interface TargetNodeData extends Record<string, unknown> {
  kind: 'tool' | 'store' | 'missing';
  id: string;
  title: string;
  detail: string;
  focused: boolean;
}

export type PolicyNodeData = ScopeNodeData | RuleNodeData | ActorNodeData | TargetNodeData;
export type PolicyNode = Node<PolicyNodeData, PolicyNodeData['kind']>;

export interface PolicyEdgeData extends Record<string, unknown> {
  kind: 'override' | 'attach' | 'capability';
  /** Capability edges: the agent, the target, the capability's access, and the kernel's decision (null: see `undecided`). */
  agent?: string;
  target?: string;
  access?: AccessKind;
  decision?: DecisionRecord | null;
  /** Why there is no decision: the target is missing, or the document cannot run. */
  undecided?: string | null;
  /** The target is neither a tool nor a store of the document. */
  missing?: boolean;
  focused: boolean;
}
export type PolicyEdge = Edge<PolicyEdgeData>;

export interface PolicyGraph {
  policy: PolicyEntries;
  /** The valid document the decisions come from, or null (edges then carry no decision). */
  spec: HarnessSpec | null;
  nodes: PolicyNode[];
  edges: PolicyEdge[];
}

export const EFFECT_COLOR: Readonly<Record<Effect, string>> = Object.freeze({ allow: '#57ab5a', ask: '#d29922', deny: '#e5534b' });
const MISSING_COLOR = '#5f6670';
const ATTACH_COLOR = '#4a505a';

/** Column x and row pitch of the layout (node widths are fixed in policy.css). */
export const LAYOUT = Object.freeze({ scopeX: 0, ruleX: 250, agentX: 640, targetX: 960, scopeGap: 36, rulePitch: 92, emptyScope: 124, agentPitch: 84, targetPitch: 76 });

export const nodeId = {
  scope: (id: string) => `scope:${id}`,
  rule: (id: string) => `rule:${id}`,
  agent: (id: string) => `agent:${id}`,
  target: (id: string) => `target:${id}`,
  missing: (id: string) => `missing:${id}`,
};
export const capabilityEdgeId = (agent: string, target: string): string => `cap:${agent}->${target}`;

const ACCESS: readonly AccessKind[] = ['use', 'read', 'write', 'readwrite'];
const accessOf = (v: unknown): AccessKind => (ACCESS as readonly unknown[]).includes(v) ? (v as AccessKind) : 'use';

/**
 * The kernel's decision for `agent` reaching `target` with `access` in `spec` (with `call`, for
 * that concrete call), or why there is none. The one function capability edges are drawn with.
 */
export function capabilityDecision(spec: HarnessSpec | null, agent: string, target: string, access: AccessKind, call?: ExplainCall): { decision: DecisionRecord | null; undecided: string | null } {
  if (spec === null) return { decision: null, undecided: 'the document has errors, so no run can start: fix them to see what the run decides' };
  try {
    return { decision: explainAccess(spec, agent, target, access, call), undecided: null };
  } catch (err) {
    return { decision: null, undecided: err instanceof Error ? err.message : String(err) };
  }
}

/** What the edge agent → target of `graph` shows (with `call`: what it would show for that call); null when there is no such edge. */
export function edgeDecision(graph: PolicyGraph, agent: string, target: string, call?: ExplainCall): { decision: DecisionRecord | null; undecided: string | null } | null {
  const edge = graph.edges.find((e) => e.id === capabilityEdgeId(agent, target));
  if (!edge?.data?.access) return null;
  return capabilityDecision(graph.spec, agent, target, edge.data.access, call);
}

/** The rule an edge's label names: the deciding rule, else the module (a one-off refusal names no rule). */
export const decisionLabel = (d: DecisionRecord): string => d.rule ?? d.module;

/**
 * Builds the whole view of `doc`, its decisions from `spec` (the parsed document, null while it
 * is invalid); focus is applied afterwards by `withFocus`, so moving it does not re-decide anything.
 */
export function policyGraph(doc: unknown, spec: HarnessSpec | null): PolicyGraph {
  const policy = readPolicy(doc);
  const nodes: PolicyNode[] = [];
  const edges: PolicyEdge[] = [];
  const drawn = new Set<string>(); // node and edge ids: a duplicate id in the document is an issue, drawn once

  // Left: scopes in a column, each scope's rules beside it.
  let y = 0;
  let previous: string | null = null;
  for (const scope of policy.scopes) {
    const sid = nodeId.scope(scope.id);
    if (drawn.has(sid)) continue;
    drawn.add(sid);
    nodes.push({ id: sid, type: 'scope', position: { x: LAYOUT.scopeX, y }, data: { kind: 'scope', id: scope.id, level: scope.level, rules: scope.rules.length, focused: false } });
    if (previous !== null) {
      edges.push({
        id: `override:${previous}->${sid}`,
        source: previous,
        target: sid,
        sourceHandle: 'down',
        targetHandle: 'up',
        label: 'overrides ↓ / deny always wins',
        className: 'hs-pol-edge hs-pol-edge--override',
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: ATTACH_COLOR },
        data: { kind: 'override', focused: false },
      });
    }
    previous = sid;
    scope.rules.forEach((rule, i) => {
      const rid = rule.duplicate ? `${nodeId.rule(rule.id)}~${scope.index}.${rule.index}` : nodeId.rule(rule.id);
      const error = rule.duplicate ? `another rule already has the id ${rule.id}` : matcherError(rule.match);
      nodes.push({
        id: rid,
        type: 'rule',
        position: { x: LAYOUT.ruleX, y: y + i * LAYOUT.rulePitch },
        data: { kind: 'rule', id: rule.id, scope: scope.id, effect: rule.effect, match: rule.match, error, duplicate: rule.duplicate, focused: false },
      });
      edges.push({ id: `attach:${rid}`, source: sid, sourceHandle: 'rules', target: rid, className: 'hs-pol-edge hs-pol-edge--attach', data: { kind: 'attach', focused: false } });
    });
    y += Math.max(LAYOUT.emptyScope, scope.rules.length * LAYOUT.rulePitch) + LAYOUT.scopeGap;
  }

  // Right: the tools and stores, then any capability targets that do not exist.
  const targets = new Map<string, { kind: 'tool' | 'store'; value: Record<string, unknown> }>();
  let row = 0;
  for (const kind of ['tool', 'store'] as const) {
    for (const e of entities(doc, kind)) {
      if (targets.has(e.id)) continue;
      targets.set(e.id, { kind, value: e.value });
      const detail = kind === 'tool' ? toolDetail(e.value) : storeDetail(e.value);
      nodes.push({ id: nodeId.target(e.id), type: kind, position: { x: LAYOUT.targetX, y: row++ * LAYOUT.targetPitch }, data: { kind, id: e.id, title: str(e.value.name, e.id), detail, focused: false } });
    }
  }

  // Middle: agents and their capability edges.
  const missing = new Set<string>();
  entities(doc, 'agent').forEach((a, i) => {
    const aid = nodeId.agent(a.id);
    if (drawn.has(aid)) return;
    drawn.add(aid);
    nodes.push({ id: aid, type: 'agent', position: { x: LAYOUT.agentX, y: i * LAYOUT.agentPitch }, data: { kind: 'agent', id: a.id, title: str(a.value.name, a.id), focused: false } });
    const caps = Array.isArray(a.value.capabilities) ? a.value.capabilities : [];
    for (const cap of caps) {
      if (!isRecord(cap) || typeof cap.target !== 'string') continue;
      const id = capabilityEdgeId(a.id, cap.target);
      if (drawn.has(id)) continue;
      drawn.add(id);
      const target = targets.get(cap.target);
      if (!target) {
        if (!missing.has(cap.target)) {
          missing.add(cap.target);
          nodes.push({ id: nodeId.missing(cap.target), type: 'missing', position: { x: LAYOUT.targetX, y: row++ * LAYOUT.targetPitch }, data: { kind: 'missing', id: cap.target, title: cap.target, detail: 'not in the document', focused: false } });
        }
        edges.push({
          id,
          source: aid,
          target: nodeId.missing(cap.target),
          type: 'capability',
          label: 'missing target',
          className: 'hs-pol-edge hs-pol-edge--missing',
          style: { stroke: MISSING_COLOR, strokeDasharray: '6 4' },
          data: { kind: 'capability', agent: a.id, target: cap.target, access: accessOf(cap.access), decision: null, undecided: `${cap.target} is not a tool or store of this document`, missing: true, focused: false },
        });
        continue;
      }
      const access = accessOf(cap.access);
      const { decision, undecided } = capabilityDecision(spec, a.id, cap.target, access);
      if (decision === null) {
        edges.push({
          id,
          source: aid,
          target: nodeId.target(cap.target),
          type: 'capability',
          label: 'undecided',
          className: 'hs-pol-edge hs-pol-edge--undecided',
          style: { stroke: MISSING_COLOR, strokeWidth: 1.5 },
          data: { kind: 'capability', agent: a.id, target: cap.target, access, decision: null, undecided, focused: false },
        });
        continue;
      }
      edges.push({
        id,
        source: aid,
        target: nodeId.target(cap.target),
        type: 'capability',
        label: `${decision.effect} · ${decisionLabel(decision)}`,
        className: `hs-pol-edge hs-pol-edge--${decision.effect}`,
        style: { stroke: EFFECT_COLOR[decision.effect], strokeWidth: 1.75 },
        markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14, color: EFFECT_COLOR[decision.effect] },
        data: { kind: 'capability', agent: a.id, target: cap.target, access, decision, undecided: null, focused: false },
      });
    }
  });

  return { policy, spec, nodes, edges };
}

/** The graph with `focused` set on what `target` points at: a rule node, or a capability edge with its agent and target. */
export function withFocus(graph: PolicyGraph, target: PolicyTarget | null): { nodes: PolicyNode[]; edges: PolicyEdge[] } {
  if (target === null || target.kind === 'mode') return graph;
  const nodeIds = new Set<string>();
  const edgeIds = new Set<string>();
  if (target.kind === 'rule') nodeIds.add(nodeId.rule(target.id));
  else {
    nodeIds.add(nodeId.agent(target.agent));
    const edge = capabilityEdgeId(target.agent, target.target);
    if (graph.edges.some((e) => e.id === edge)) edgeIds.add(edge);
  }
  return {
    nodes: graph.nodes.map((n) => (nodeIds.has(n.id) ? ({ ...n, data: { ...n.data, focused: true } } as PolicyNode) : n)),
    edges: graph.edges.map((e) => (edgeIds.has(e.id) ? { ...e, data: { ...e.data!, focused: true } } : e)),
  };
}

/** The node ids a jump to `target` centres on, or null when the document has none of them (e.g. a session rule). */
export function focusNodes(graph: PolicyGraph, target: PolicyTarget): string[] | null {
  if (target.kind === 'mode') return [];
  const ids = target.kind === 'rule' ? [nodeId.rule(target.id)] : [nodeId.agent(target.agent), nodeId.target(target.target), nodeId.missing(target.target)];
  const present = ids.filter((id) => graph.nodes.some((n) => n.id === id));
  return present.length > 0 ? present : null;
}
