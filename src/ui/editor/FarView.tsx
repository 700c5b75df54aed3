/**
 * A big graph zoomed out (levelOfDetail.ts) drawn as one picture: a path per kind of node
 * (its box) and per kind of edge (straight lines between centres), in the viewport under the
 * pane's pan and zoom. xyflow's own node and edge components are hidden meanwhile: thousands
 * of them each cost store selectors on every pan and zoom frame, and their text, handles,
 * labels and arrowheads cost raster time, though none can be read at this scale. The picture
 * is rebuilt only when the nodes, edges or selection change; a click picks the node under it.
 */
import { memo, useCallback, useMemo, type MouseEvent } from 'react';
import { useReactFlow, ViewportPortal } from '@xyflow/react';
import type { NodeKind } from './docModel';
import type { EdgeKind, EntityEdge, EntityNode } from './graph';
import { NODE_SIZE } from './nodeGeometry';

const NODE_KINDS: readonly NodeKind[] = ['tool', 'store', 'agent', 'model', 'group', 'remote'];
const EDGE_KINDS: readonly EdgeKind[] = ['capability', 'model', 'group', 'parent', 'channel'];

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function boxOf(n: EntityNode): Box {
  const size = NODE_SIZE[n.data.kind];
  return { id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? size.width, height: n.measured?.height ?? size.height };
}

const rect = (b: Box): string => `M${Math.round(b.x)} ${Math.round(b.y)}h${Math.round(b.width)}v${Math.round(b.height)}h${-Math.round(b.width)}z`;

export interface FarPicture {
  nodes: Map<NodeKind, string>;
  issues: string;
  edges: Map<EdgeKind, string>;
}

/** The `d` of each path: a rectangle per node by kind (nodes with issues again in `issues`), a line per edge by kind. */
export function farPicture(nodes: readonly EntityNode[], edges: readonly EntityEdge[]): FarPicture {
  const centres = new Map<string, { x: number; y: number }>();
  const byKind = new Map<NodeKind, string[]>();
  const issues: string[] = [];
  for (const n of nodes) {
    const b = boxOf(n);
    centres.set(n.id, { x: Math.round(b.x + b.width / 2), y: Math.round(b.y + b.height / 2) });
    const list = byKind.get(n.data.kind) ?? [];
    if (list.length === 0) byKind.set(n.data.kind, list);
    list.push(rect(b));
    if (n.data.issues > 0) issues.push(rect(b));
  }
  const lines = new Map<EdgeKind, string[]>();
  for (const e of edges) {
    const a = centres.get(e.source);
    const b = centres.get(e.target);
    const kind = e.data?.kind;
    if (!a || !b || !kind) continue;
    const list = lines.get(kind) ?? [];
    if (list.length === 0) lines.set(kind, list);
    list.push(`M${a.x} ${a.y}L${b.x} ${b.y}`);
  }
  const join = <K,>(m: Map<K, string[]>): Map<K, string> => new Map([...m].map(([k, v]) => [k, v.join('')]));
  return { nodes: join(byKind), issues: issues.join(''), edges: join(lines) };
}

/** The topmost node whose box holds the flow point, or null. */
export function nodeAt(nodes: readonly EntityNode[], point: { x: number; y: number }): string | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const b = boxOf(nodes[i]!);
    if (point.x >= b.x && point.x <= b.x + b.width && point.y >= b.y && point.y <= b.y + b.height) return b.id;
  }
  return null;
}

interface FarViewProps {
  nodes: readonly EntityNode[];
  edges: readonly EntityEdge[];
  picked: ReadonlySet<string>;
  /** A click on a node (null: on no node); `add` when Shift, Ctrl or Meta was held. */
  onPick(id: string | null, add: boolean): void;
}

export const FarView = memo(function FarView({ nodes, edges, picked, onPick }: FarViewProps) {
  const flow = useReactFlow();
  const picture = useMemo(() => farPicture(nodes, edges), [nodes, edges]);
  const selected = useMemo(() => nodes.filter((n) => picked.has(n.id)).map((n) => rect(boxOf(n))).join(''), [nodes, picked]);
  const onClick = useCallback(
    (e: MouseEvent) => {
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onPick(nodeAt(nodes, at), e.shiftKey || e.metaKey || e.ctrlKey);
    },
    [flow, nodes, onPick],
  );
  return (
    <ViewportPortal>
      <svg className="hs-far" role="img" aria-label={`Overview of ${nodes.length} nodes; zoom in to edit them`} data-testid="far-view" data-nodes={nodes.length}>
        {EDGE_KINDS.map((kind) => {
          const d = picture.edges.get(kind);
          return d ? <path key={kind} className={`hs-far__edge hs-far__edge--${kind}`} d={d} /> : null;
        })}
        {NODE_KINDS.map((kind) => {
          const d = picture.nodes.get(kind);
          return d ? <path key={kind} className={`hs-far__node hs-far__node--${kind}`} d={d} onClick={onClick} /> : null;
        })}
        {picture.issues && <path className="hs-far__issues" d={picture.issues} />}
        {selected && <path className="hs-far__selected" d={selected} data-testid="far-selected" />}
      </svg>
    </ViewportPortal>
  );
});
