/**
 * A remote A2A agent on the canvas: its card's name, where it lives and its skills. Local agents
 * connect to its left handle with a channel; it starts no message itself (it answers over the
 * channel its caller used), so it has no source handle.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { EntityNode } from '../graph';
import { NodeFrame } from './NodeFrame';
import '../remoteAgent.css';

export const RemoteAgentNode = memo(function RemoteAgentNode(props: NodeProps<EntityNode>) {
  const skills = props.data.skills ?? [];
  return (
    <NodeFrame props={props}>
      <Handle type="target" position={Position.Left} id="in" className="hs-handle" title="Connect an agent here: a channel to this remote agent" />
      {skills.length > 0 && (
        <ul className="hs-node__skills" aria-label={`Skills of ${props.data.title}`} data-testid={`remote-skills-${props.data.entityId}`}>
          {skills.slice(0, 4).map((s) => <li key={s}>{s}</li>)}
          {skills.length > 4 && <li>+{skills.length - 4}</li>}
        </ul>
      )}
    </NodeFrame>
  );
});
