import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import { useStudio } from '../../store';
import { jumpTargetFor } from './jump';
import { decisionLabel, type PolicyEdge } from './policyGraph';

/**
 * A capability agent → tool or store, coloured by the kernel's decision at the start of a run.
 * Its label names the effect and the deciding rule; clicking the rule jumps to it (or to the
 * mode in the header). With no decision (a missing target, a document that cannot run) it says why.
 */
export const CapabilityEdge = memo(function CapabilityEdge(props: EdgeProps<PolicyEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, interactionWidth, data } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const agent = data?.agent ?? '';
  const target = data?.target ?? '';
  const decision = data?.decision ?? null;
  const undecided = data?.undecided ?? '';
  const rule = decision ? decisionLabel(decision) : '';
  const missing = data?.missing === true;
  const focused = data?.focused === true;
  const width = (typeof style?.strokeWidth === 'number' ? style.strokeWidth : 1.5) + (focused ? 1.5 : 0);
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={{ ...style, strokeWidth: width }} interactionWidth={interactionWidth} />
      <EdgeLabelRenderer>
        <div
          className={`hs-pol-cap nodrag nopan hs-pol-cap--${decision?.effect ?? 'missing'}${focused ? ' is-focused' : ''}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`policy-cap-${agent}-${target}`}
          data-effect={decision?.effect ?? (missing ? 'missing' : 'undecided')}
          data-rule={rule}
          data-module={decision?.module ?? ''}
          data-focused={focused ? 'true' : 'false'}
          title={decision ? `${decision.reason} (${decision.module}${decision.scope ? `, scope ${decision.scope}` : ''}, mode ${decision.mode}, at ${decision.hook})` : undecided}
        >
          {decision ? (
            <>
              <span className="hs-pol-cap__effect">{decision.effect}</span>
              <button type="button" className="hs-pol-cap__rule" onClick={(e) => {
                  e.stopPropagation(); // React bubbles through the label's portal to the edge's own click
                  useStudio.getState().showPolicyTarget(jumpTargetFor(rule, agent, target));
                }} title={`Show ${rule}`}>
                {rule}
              </button>
            </>
          ) : (
            <span>{missing ? `missing: ${target}` : 'undecided'}</span>
          )}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

/** Stable for the app's lifetime, like the node types. */
export const policyEdgeTypes: EdgeTypes = Object.freeze({ capability: CapabilityEdge });
