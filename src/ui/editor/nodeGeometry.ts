/**
 * Where a node and its handles are before xyflow has measured it (sizes from styles.css, handle
 * places from nodes/EntityNodes.tsx). A big graph's nodes carry these until they are first
 * rendered: xyflow renders every node that has no handle bounds, in view or not, to measure it,
 * which at a thousand nodes is seconds of work; with these it renders only those in view and
 * edges to nodes out of view still end where the handle will be.
 */
import { Position, type NodeHandle } from '@xyflow/react';
import type { NodeKind } from './docModel';
import type { EntityNode } from './graph';

export const NODE_SIZE: Readonly<Record<NodeKind, { width: number; height: number }>> = {
  agent: { width: 196, height: 76 },
  tool: { width: 176, height: 77 },
  store: { width: 176, height: 78 },
  model: { width: 186, height: 76 },
  group: { width: 180, height: 76 },
  remote: { width: 196, height: 92 },
};

/** A handle's box is 12 px square (9 px and a 1.5 px border), centred on the node's side. */
const HANDLE = 12;

type Side = 'left' | 'right' | 'top' | 'bottom';
const SIDE: Record<Side, Position> = { left: Position.Left, right: Position.Right, top: Position.Top, bottom: Position.Bottom };

const HANDLES: Readonly<Record<NodeKind, readonly { id: string; type: 'source' | 'target'; side: Side; at?: number }[]>> = {
  agent: [
    { id: 'in', type: 'target', side: 'left' },
    { id: 'out', type: 'source', side: 'right' },
    { id: 'res', type: 'source', side: 'top' },
    { id: 'cpu', type: 'source', side: 'bottom' },
    { id: 'budget', type: 'source', side: 'bottom', at: 0.82 },
  ],
  tool: [{ id: 'in', type: 'target', side: 'bottom' }],
  store: [{ id: 'in', type: 'target', side: 'bottom' }],
  model: [{ id: 'in', type: 'target', side: 'top' }],
  group: [
    { id: 'in', type: 'target', side: 'top' },
    { id: 'parent', type: 'source', side: 'bottom' },
  ],
  remote: [{ id: 'in', type: 'target', side: 'left' }],
};

function handlesOf(kind: NodeKind): NodeHandle[] {
  const { width, height } = NODE_SIZE[kind];
  return HANDLES[kind].map(({ id, type, side, at = 0.5 }) => {
    const cx = side === 'left' ? 0 : side === 'right' ? width : width * at;
    const cy = side === 'top' ? 0 : side === 'bottom' ? height : height / 2;
    return { id, type, position: SIDE[side], x: cx - HANDLE / 2, y: cy - HANDLE / 2, width: HANDLE, height: HANDLE };
  });
}

const ESTIMATED_HANDLES: Readonly<Record<NodeKind, NodeHandle[]>> = {
  agent: handlesOf('agent'),
  tool: handlesOf('tool'),
  store: handlesOf('store'),
  model: handlesOf('model'),
  group: handlesOf('group'),
  remote: handlesOf('remote'),
};

/** The node with its estimated size and handles while it has not been measured; as it is once it has. */
export function withEstimatedGeometry(n: EntityNode): EntityNode {
  if (n.measured?.width !== undefined) return n;
  const size = NODE_SIZE[n.data.kind];
  return { ...n, initialWidth: size.width, initialHeight: size.height, handles: ESTIMATED_HANDLES[n.data.kind] };
}
