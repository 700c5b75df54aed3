/**
 * The canvas view of a document: nodes for models, agents, tools, stores and budget groups;
 * edges for channels (agent → agent), capabilities (agent → tool/store), models (agent →
 * model), budget membership (agent → its `sched.group`) and group nesting (group → parent).
 * Derived once per document change; the document stays the only source of truth.
 */
import { MarkerType, type Edge, type Node } from '@xyflow/react';
import { specDefaults, type SpecIssue } from '../../kernel';
import { CANVAS_KINDS, entities, isRecord, layoutPositions, str, type NodeKind, type Position, type Rec } from './docModel';
import { edgeId } from './docOps';

export interface EntityNodeData extends Record<string, unknown> {
  kind: NodeKind;
  entityId: string;
  title: string;
  subtitle: string;
  detail: string;
  issues: number;
  /** A remote agent's skills as its card named them when it was added. */
  skills?: string[];
}

export type EntityNode = Node<EntityNodeData, NodeKind>;

export type EdgeKind = 'channel' | 'capability' | 'model' | 'group' | 'parent';
export interface EntityEdgeData extends Record<string, unknown> {
  kind: EdgeKind;
  issues: number;
}
export type EntityEdge = Edge<EntityEdgeData>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function kTokens(n: number | undefined): string {
  if (n === undefined) return '';
  return n >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n);
}

/** A group's quotas in a few characters: `20k tok · $0.5 / 60s`, or `no quota`. */
export function quotaText(g: Rec): string {
  const tokens = num(g.tokens);
  const cost = num(g.cost);
  const period = num(g.periodMs);
  const parts = [tokens !== undefined && `${kTokens(tokens)} tok`, cost !== undefined && `$${cost}`].filter(Boolean);
  if (parts.length === 0) return 'no quota';
  return `${parts.join(' · ')} ${period !== undefined ? `/ ${period >= 1000 ? `${period / 1000}s` : `${period}ms`}` : 'per run'}`;
}

function describe(kind: NodeKind, e: Rec): { subtitle: string; detail: string } {
  switch (kind) {
    case 'agent': {
      const sched = isRecord(e.sched) ? str(e.sched.class, 'fifo') : 'fifo';
      const steps = Array.isArray(e.behaviour) ? e.behaviour.length : 0;
      return { subtitle: str(e.model, 'no model'), detail: `${sched} · ${steps} step${steps === 1 ? '' : 's'}` };
    }
    case 'tool': {
      const { tool } = specDefaults;
      const impl = isRecord(e.impl) ? str(e.impl.kind, tool.impl.kind) : tool.impl.kind;
      return { subtitle: str(e.sideEffect, tool.sideEffect), detail: `${impl} · ${str(e.tier, tool.tier)}` };
    }
    case 'model': {
      const { model } = specDefaults;
      const slots = num(e.slots) ?? model.slots;
      return {
        subtitle: `${str(e.provider, model.provider)} / ${str(e.model, model.model)}`,
        detail: `${kTokens(num(e.contextWindow) ?? model.contextWindow)} ctx · ${slots} slot${slots === 1 ? '' : 's'}`,
      };
    }
    case 'store': {
      const docs = Array.isArray(e.documents) ? e.documents.length : 0;
      return { subtitle: str(e.kind, specDefaults.store.kind), detail: `${docs} document${docs === 1 ? '' : 's'}` };
    }
    case 'remote': {
      const host = /^https?:\/\/([^/?#]+)/.exec(str(e.url))?.[1] ?? str(e.url);
      return { subtitle: host, detail: `A2A · ${str(e.trust, 'untrusted')}` };
    }
    case 'group':
      return { subtitle: quotaText(e), detail: `weight ${num(e.weight) ?? 100}${typeof e.parent === 'string' ? ` · in ${e.parent}` : ''}` };
  }
}

/** A remote agent's skill names (or ids) as stored from its card. */
function skillNames(e: Rec): string[] {
  const list = Array.isArray(e.skills) ? e.skills : [];
  return list.flatMap((s: unknown) => (isRecord(s) ? [str(s.name) || str(s.id)] : [])).filter((n) => n !== '');
}

/** Where a node without a stored position goes: one row per kind. */
const FALLBACK_ROW: Record<NodeKind, number> = { tool: -180, store: -180, agent: 40, model: 300, group: 480, remote: 40 };

export function buildNodes(doc: unknown, issuesById: ReadonlyMap<string, readonly SpecIssue[]>): EntityNode[] {
  const positions = layoutPositions(doc);
  const seen = new Set<string>();
  const nodes: EntityNode[] = [];
  const rowCount: Record<NodeKind, number> = { tool: 0, store: 0, agent: 0, model: 0, group: 0, remote: 0 };
  for (const kind of CANVAS_KINDS) {
    for (const e of entities(doc, kind)) {
      if (seen.has(e.id)) continue; // a duplicate id is an issue; draw the first only
      seen.add(e.id);
      const slot = kind === 'store' ? rowCount.tool + rowCount.store : rowCount[kind];
      rowCount[kind]++;
      // Remote agents sit in a column right of the agents, messages flowing to them.
      const position: Position = positions.get(e.id) ?? (kind === 'remote' ? { x: 40 + (rowCount.agent + 1) * 260, y: FALLBACK_ROW.remote + slot * 140 } : { x: 40 + slot * 260, y: FALLBACK_ROW[kind] });
      nodes.push({
        id: e.id,
        type: kind,
        position,
        data: { kind, entityId: e.id, title: str(e.value.name, e.id), ...describe(kind, e.value), issues: issuesById.get(e.id)?.length ?? 0, ...(kind === 'remote' ? { skills: skillNames(e.value) } : {}) },
      });
    }
  }
  return nodes;
}

export function buildEdges(doc: unknown, issuesById: ReadonlyMap<string, readonly SpecIssue[]>): EntityEdge[] {
  const ids = new Map<string, NodeKind>();
  for (const kind of CANVAS_KINDS) for (const e of entities(doc, kind)) if (!ids.has(e.id)) ids.set(e.id, kind);
  const edges: EntityEdge[] = [];
  const seen = new Set<string>();
  const push = (edge: EntityEdge): void => {
    if (seen.has(edge.id)) return;
    seen.add(edge.id);
    edges.push(edge);
  };

  for (const c of entities(doc, 'channel')) {
    const from = str(c.value.from);
    const to = str(c.value.to);
    if (ids.get(from) !== 'agent' || (ids.get(to) !== 'agent' && ids.get(to) !== 'remote')) continue; // dangling: shown as an issue
    const delegate = c.value.kind === 'delegate';
    push({
      id: edgeId({ type: 'channel', id: c.id }),
      source: from,
      target: to,
      type: 'channel',
      label: delegate ? 'delegate' : undefined,
      className: `hs-edge hs-edge--channel${delegate ? ' hs-edge--delegate' : ''}`,
      sourceHandle: 'out',
      markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
      data: { kind: 'channel', issues: issuesById.get(c.id)?.length ?? 0 },
    });
  }
  for (const a of entities(doc, 'agent')) {
    if (ids.get(a.id) !== 'agent') continue;
    const caps = Array.isArray(a.value.capabilities) ? a.value.capabilities : [];
    caps.forEach((cap: unknown, index) => {
      if (!isRecord(cap)) return;
      const target = str(cap.target);
      const kind = ids.get(target);
      if (kind !== 'tool' && kind !== 'store') return;
      push({
        id: edgeId({ type: 'capability', agent: a.id, index }),
        source: a.id,
        target,
        sourceHandle: 'res',
        label: str(cap.access, specDefaults.capability.access),
        className: 'hs-edge hs-edge--capability',
        data: { kind: 'capability', issues: 0 },
      });
    });
    const model = str(a.value.model);
    if (ids.get(model) === 'model') {
      push({ id: edgeId({ type: 'model', agent: a.id }), source: a.id, sourceHandle: 'cpu', target: model, className: 'hs-edge hs-edge--model', data: { kind: 'model', issues: 0 } });
    }
    const group = isRecord(a.value.sched) ? str(a.value.sched.group) : '';
    if (ids.get(group) === 'group') {
      push({ id: edgeId({ type: 'group', agent: a.id }), source: a.id, sourceHandle: 'budget', target: group, className: 'hs-edge hs-edge--group', data: { kind: 'group', issues: 0 } });
    }
  }
  for (const g of entities(doc, 'group')) {
    const parent = str(g.value.parent);
    if (ids.get(g.id) !== 'group' || ids.get(parent) !== 'group' || parent === g.id) continue;
    push({
      id: edgeId({ type: 'parent', group: g.id }),
      source: g.id,
      sourceHandle: 'parent',
      target: parent,
      className: 'hs-edge hs-edge--parent',
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      data: { kind: 'parent', issues: 0 },
    });
  }
  return edges;
}
