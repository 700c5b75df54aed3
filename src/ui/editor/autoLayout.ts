/**
 * Auto-layout: agents flow left to right along their channels (ELK layered), resources sit in
 * a row above the agents that use them and models in a row below, each centred on its users;
 * budget groups sit in rows under the models, parents below their children.
 * elkjs is loaded on first use so it stays out of the entry chunk. Above FAST_LAYOUT_MIN agents
 * the agents are placed by layeredLayout.ts instead: ELK took 12 s for 700. The studio runs this
 * in a worker (layout.worker.ts), so the page never waits for it.
 */
import type { Position } from './docModel';
import type { NodeKind } from './docModel';
import { layeredLayout } from './layeredLayout';

/** Graphs with more agents than this are laid out by layeredLayout.ts instead of ELK. */
export const FAST_LAYOUT_MIN = 150;

/** Reports that step `step` of `steps` (named `stage`) is starting. */
export type LayoutProgress = (step: number, steps: number, stage: string) => void;

export interface LayoutNode {
  id: string;
  kind: NodeKind;
  width: number;
  height: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

const ROW_GAP = 110;
const NODE_GAP = 40;

/** Places a row of nodes as near their wished x as possible without overlaps. */
export function packRow(items: { id: string; wish: number; width: number }[], y: number): Map<string, Position> {
  const out = new Map<string, Position>();
  const sorted = [...items].sort((a, b) => a.wish - b.wish || a.id.localeCompare(b.id));
  let right = -Infinity;
  for (const item of sorted) {
    const x = Math.max(item.wish - item.width / 2, right + NODE_GAP);
    out.set(item.id, { x: Math.round(x), y: Math.round(y) });
    right = x + item.width;
  }
  return out;
}

async function layoutAgents(agents: LayoutNode[], channels: LayoutEdge[]): Promise<Map<string, Position>> {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const ids = new Set(agents.map((a) => a.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '50',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: agents.map((a) => ({ id: a.id, width: a.width, height: a.height })),
    edges: channels
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, Position>();
  for (const child of graph.children ?? []) out.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return out;
}

/** New positions for every node. Edges: channels between agents and agent → resource/model links. */
export async function autoLayout(nodes: LayoutNode[], edges: LayoutEdge[], progress: LayoutProgress = () => {}): Promise<Map<string, Position>> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Remote agents flow with the agents: a channel to one places it right of its callers.
  const flows = (kind: NodeKind | undefined): boolean => kind === 'agent' || kind === 'remote';
  const agents = nodes.filter((n) => flows(n.kind));
  const channels = edges.filter((e) => flows(byId.get(e.source)?.kind) && flows(byId.get(e.target)?.kind));
  const fast = agents.length > FAST_LAYOUT_MIN;
  progress(1, 3, `Placing ${agents.length} agent${agents.length === 1 ? '' : 's'}${fast ? '' : ' (ELK)'}`);
  const out = agents.length === 0 ? new Map<string, Position>() : fast ? layeredLayout(agents, channels) : await layoutAgents(agents, channels);
  progress(2, 3, 'Placing tools, stores and models');
  const into = new Map<string, LayoutEdge[]>();
  for (const e of edges) {
    const list = into.get(e.target) ?? [];
    if (list.length === 0) into.set(e.target, list);
    list.push(e);
  }

  let top = 0;
  let bottom = 0;
  let rightmost = 0;
  for (const a of agents) {
    const p = out.get(a.id)!;
    top = Math.min(top, p.y);
    bottom = Math.max(bottom, p.y + a.height);
    rightmost = Math.max(rightmost, p.x + a.width);
  }

  /** The mean centre x of the agents linked to `id`, or a slot after the agents when unlinked. */
  let spare = rightmost + NODE_GAP;
  const wish = (n: LayoutNode): number => {
    const xs = (into.get(n.id) ?? [])
      .filter((e) => out.has(e.source))
      .map((e) => out.get(e.source)!.x + byId.get(e.source)!.width / 2);
    if (xs.length > 0) return xs.reduce((s, x) => s + x, 0) / xs.length;
    const x = spare + n.width / 2;
    spare += n.width + NODE_GAP;
    return x;
  };

  const resources = nodes.filter((n) => n.kind === 'tool' || n.kind === 'store');
  const models = nodes.filter((n) => n.kind === 'model');
  const resourceHeight = Math.max(0, ...resources.map((r) => r.height));
  const above = packRow(resources.map((n) => ({ id: n.id, wish: wish(n), width: n.width })), top - ROW_GAP - resourceHeight);
  const below = packRow(models.map((n) => ({ id: n.id, wish: wish(n), width: n.width })), (agents.length > 0 ? bottom : 0) + ROW_GAP);
  for (const [id, p] of [...above, ...below]) out.set(id, p);

  progress(3, 3, 'Placing budget groups');
  // Budget groups: level 0 holds groups no other group points to; each parent one level below its lowest child.
  const groups = nodes.filter((n) => n.kind === 'group');
  const level = new Map(groups.map((g) => [g.id, 0]));
  const nesting = edges.filter((e) => level.has(e.source) && level.has(e.target) && e.source !== e.target);
  for (let pass = 0; pass < groups.length; pass++) {
    let moved = false;
    for (const e of nesting) {
      if (level.get(e.target)! <= level.get(e.source)!) {
        level.set(e.target, Math.min(level.get(e.source)! + 1, groups.length));
        moved = true;
      }
    }
    if (!moved) break;
  }
  const modelHeight = Math.max(0, ...models.map((m) => m.height));
  const groupHeight = Math.max(0, ...groups.map((g) => g.height));
  let y = (models.length > 0 ? (below.values().next().value?.y ?? 0) + modelHeight : agents.length > 0 ? bottom : 0) + ROW_GAP;
  for (let l = 0; groups.some((g) => level.get(g.id) === l); l++) {
    const row = groups.filter((g) => level.get(g.id) === l);
    for (const [id, p] of packRow(row.map((n) => ({ id: n.id, wish: wish(n), width: n.width })), y)) out.set(id, p);
    y += groupHeight + ROW_GAP * 0.6;
  }
  return out;
}
