import { memo, useMemo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps, type EdgeTypes } from '@xyflow/react';
import type { ChannelAtCursor } from '../../../kernel';
import type { EntityEdge } from '../graph';
import { useChannelAtCursor } from '../cursorState';
import { pointAlong } from './pathPoint';

/** The channel id of a channel edge (graph.ts names them `channel:<id>`). */
const channelOf = (edgeId: string): string => edgeId.slice('channel:'.length);

/**
 * The message in flight at the cursor, a dot `progress` of the way along the edge (computed from
 * the path's text, whatever its shape: nothing is read from the DOM), with the count when more
 * than one travels. It is drawn in the edge-label layer, never in the edges' own SVG, and the
 * edge's stroke is left as it is: the edges share a painted layer with every other edge, whose
 * dashed model and group lines run across the whole graph and cost hundreds of ms to repaint,
 * so a message moving must not touch them (see the layers in cursorFacts.css).
 */
function InFlight({ path, c }: { path: string; c: ChannelAtCursor }) {
  const at = useMemo(() => pointAlong(path, c.progress), [path, c.progress]);
  const title = `${c.msgId} from ${c.from} to ${c.to}${c.inFlight > 1 ? ` (${c.inFlight} in flight)` : ''}`;
  return (
    <EdgeLabelRenderer>
      <div
        className={`hs-edge-msg${c.inFlight > 1 ? ' hs-edge-msg--many' : ''}`}
        style={{ transform: `translate(-50%, -50%) translate(${at.x}px, ${at.y}px)` }}
        title={title}
        data-testid={`edge-msg-${c.channel}`}
        data-msg={c.msgId}
        data-progress={c.progress.toFixed(2)}
        data-sent-now={c.sentNow}
      >
        {c.inFlight > 1 ? c.inFlight : null}
      </div>
    </EdgeLabelRenderer>
  );
}

/**
 * How far below the row a channel dips when it would otherwise run through the agents between
 * its ends; longer channels dip deeper, so several of them do not overlap.
 */
const dipBelow = (sourceY: number, targetY: number, dx: number): number => Math.max(sourceY, targetY) + 52 + Math.min(90, Math.abs(dx) * 0.1);

/**
 * A channel between agents. Agents on one row are usually chained (a → b → c), so a channel
 * that skips one (a → c) would hide behind the direct ones, and a reply (c → a) would cut
 * through them: both dip under the row instead.
 */
export const ChannelEdge = memo(function ChannelEdge(props: EdgeProps<EntityEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, label, style, interactionWidth } = props;
  const inFlight = useChannelAtCursor(channelOf(id));
  const back = targetX < sourceX - 20;
  const skips = !back && Math.abs(targetY - sourceY) < 48 && targetX - sourceX > 320;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (back) {
    // A reply channel (right to left) loops under both agents instead of cutting through them.
    const dip = dipBelow(sourceY, targetY, targetX - sourceX);
    path = `M ${sourceX},${sourceY} C ${sourceX + 70},${sourceY} ${sourceX + 70},${dip} ${sourceX},${dip} L ${targetX},${dip} C ${targetX - 70},${dip} ${targetX - 70},${targetY} ${targetX},${targetY}`;
    labelX = (sourceX + targetX) / 2;
    labelY = dip;
  } else if (skips) {
    const dip = dipBelow(sourceY, targetY, targetX - sourceX);
    path = `M ${sourceX},${sourceY} C ${sourceX + 60},${sourceY} ${sourceX + 40},${dip} ${sourceX + 120},${dip} L ${targetX - 120},${dip} C ${targetX - 40},${dip} ${targetX - 60},${targetY} ${targetX},${targetY}`;
    labelX = (sourceX + targetX) / 2;
    labelY = dip;
  } else {
    [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  }
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
      {inFlight && <InFlight path={path} c={inFlight} />}
      {label && (
        <EdgeLabelRenderer>
          <div className="hs-edge-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

/** Stable for the app's lifetime, like nodeTypes. */
export const edgeTypes: EdgeTypes = Object.freeze({ channel: ChannelEdge });
