/**
 * One registered node component per kind of entity. Agents are processes (four source
 * handles: messages out to the right, capabilities up, CPU and budget group down); tools and
 * stores are resources above them; models are CPUs below them; budget groups sit lowest,
 * each pointing down to its parent group.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import type { EntityNode } from '../graph';
import type { NodeKind } from '../docModel';
import { NodeFrame } from './NodeFrame';
import { useAgentAtCursor, useToolAtCursor } from '../cursorState';
import { AgentFacts, agentGlow, ToolFacts } from './CursorFacts';
import './cursorFacts.css';
import { RemoteAgentNode } from './RemoteAgentNode';

export const AgentNode = memo(function AgentNode(props: NodeProps<EntityNode>) {
  const a = useAgentAtCursor(props.data.entityId);
  const run = a ? { ...agentGlow(a), state: a.state, facts: <AgentFacts a={a} /> } : undefined;
  return (
    <NodeFrame props={props} run={run}>
      <Handle type="target" position={Position.Left} id="in" className="hs-handle" />
      <Handle type="source" position={Position.Right} id="out" className="hs-handle hs-handle--out" title="Drag to an agent: channel" />
      <Handle type="source" position={Position.Top} id="res" className="hs-handle hs-handle--res" title="Drag to a tool or store: capability" />
      <Handle type="source" position={Position.Bottom} id="cpu" className="hs-handle hs-handle--cpu" title="Drag to a model: set model" />
      <Handle type="source" position={Position.Bottom} id="budget" className="hs-handle hs-handle--budget" title="Drag to a budget group: join it" />
    </NodeFrame>
  );
});

export const ToolNode = memo(function ToolNode(props: NodeProps<EntityNode>) {
  const t = useToolAtCursor(props.data.entityId);
  const run = t ? { className: t.decision === null ? 'is-calling' : `is-${t.decision}`, style: undefined, facts: <ToolFacts id={props.data.entityId} t={t} /> } : undefined;
  return (
    <NodeFrame props={props} run={run}>
      <Handle type="target" position={Position.Bottom} id="in" className="hs-handle" />
    </NodeFrame>
  );
});

export const StoreNode = memo(function StoreNode(props: NodeProps<EntityNode>) {
  return (
    <NodeFrame props={props}>
      <Handle type="target" position={Position.Bottom} id="in" className="hs-handle" />
    </NodeFrame>
  );
});

export const ModelNode = memo(function ModelNode(props: NodeProps<EntityNode>) {
  return (
    <NodeFrame props={props}>
      <Handle type="target" position={Position.Top} id="in" className="hs-handle" />
    </NodeFrame>
  );
});

/** A budget group: agents (and child groups) connect to its top; its bottom handle points to its parent. */
export const GroupNode = memo(function GroupNode(props: NodeProps<EntityNode>) {
  return (
    <NodeFrame props={props}>
      <Handle type="target" position={Position.Top} id="in" className="hs-handle" />
      <Handle type="source" position={Position.Bottom} id="parent" className="hs-handle hs-handle--budget" title="Drag to another group: make it the parent" />
    </NodeFrame>
  );
});

/** Stable for the app's lifetime: xyflow re-mounts every node when this object changes. */
export const nodeTypes: NodeTypes = Object.freeze({ agent: AgentNode, tool: ToolNode, model: ModelNode, store: StoreNode, group: GroupNode, remote: RemoteAgentNode });

export const KIND_COLOR: Record<NodeKind, string> = {
  agent: '#5b9cf5',
  tool: '#e0a050',
  model: '#b58cf0',
  store: '#4fbf8f',
  group: '#e0779d',
  remote: '#4fc3d9',
};
