/**
 * The frame every entity node draws: its kind, id, title, issue count and, when a run is shown,
 * its look at the scrubber's cursor. Its own file so node components of any kind (EntityNodes,
 * RemoteAgentNode) import it without importing each other.
 */
import type { CSSProperties, ReactNode } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { EntityNode } from '../graph';
import type { NodeKind } from '../docModel';

export const KIND_LABEL: Record<NodeKind, string> = { agent: 'Agent', tool: 'Tool', model: 'Model', store: 'Store', group: 'Group', remote: 'Remote agent' };

export interface RunLook {
  className: string;
  style: CSSProperties | undefined;
  /** The agent's state at the cursor (data-run-state), when a run is shown. */
  state?: string;
  facts: ReactNode;
}

export function NodeFrame({ props, run, children }: { props: NodeProps<EntityNode>; run?: RunLook; children?: ReactNode }) {
  const { data, selected } = props;
  const classes = ['hs-node', `hs-node--${data.kind}`, selected ? 'is-selected' : '', data.issues > 0 ? 'has-issues' : '', run?.className ?? ''];
  return (
    <div
      className={classes.join(' ')}
      style={run?.style}
      data-testid={`node-${data.entityId}`}
      data-run-state={run?.state}
      aria-label={`${KIND_LABEL[data.kind]} ${data.title}`}
    >
      <div className="hs-node__head">
        <span className="hs-node__glyph" aria-hidden="true" />
        <span className="hs-node__kind">{KIND_LABEL[data.kind]}</span>
        <span className="hs-node__id">{data.entityId}</span>
        {data.issues > 0 && (
          <span className="hs-node__issues" title={`${data.issues} issue${data.issues === 1 ? '' : 's'}`} data-testid={`node-issues-${data.entityId}`}>
            {data.issues}
          </span>
        )}
      </div>
      <div className="hs-node__title">{data.title}</div>
      <div className="hs-node__sub">{data.subtitle}</div>
      <div className="hs-node__detail">{data.detail}</div>
      {run?.facts}
      {children}
    </div>
  );
}
