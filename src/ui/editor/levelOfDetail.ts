/**
 * Level of detail for big graphs. Below FAR_ZOOM a node's text is a few pixels high and
 * unreadable, yet laying out and rasterising thousands of node and edge components (text,
 * handles, labels, arrowheads, a store selector each on every frame) is what made a zoom or
 * pan frame take seconds at a thousand nodes. A big graph zoomed out is therefore drawn as
 * one picture (FarView.tsx) with xyflow's own components hidden; zooming in past FAR_ZOOM
 * brings them back, and only those in view are rendered (onlyRenderVisibleElements).
 * Graphs up to LOD_MIN_NODES nodes behave as before at every zoom.
 */
import { useCallback, useState } from 'react';
import { useStore, type FitViewOptions, type ReactFlowInstance, type ReactFlowState } from '@xyflow/react';
import type { EntityEdge, EntityNode } from './graph';

export const FAR_ZOOM = 0.45;

/** Graphs up to this many nodes are cheap to draw in full at any zoom: they never switch. */
export const LOD_MIN_NODES = 150;

/**
 * Above this many nodes, edges are drawn solid (kinds told apart by colour and opacity, as in
 * FarView). A dash pattern is rasterised dash by dash along the whole path: the model and group
 * lines of a graph this size each cross most of it, and every repaint of the edge layer (a run
 * streaming its decorations) cost hundreds of ms at 100 agents; solid, the same layer paints in a
 * fraction of that (bench: 100-agent streaming fps, --only=scale).
 */
export const DASH_MAX_NODES = 60;

/** Big graphs may zoom out until all of a few thousand nodes fit: the picture is cheap at any zoom. */
export const BIG_MIN_ZOOM = 0.03;

/** How a big graph is fitted: hidden nodes (all of them, zoomed out) count, at their unmeasured size. */
export const BIG_FIT: FitViewOptions = { padding: 0.05, maxZoom: 1.2, minZoom: BIG_MIN_ZOOM, includeHiddenNodes: true };

const zoomFarSelector = (s: ReactFlowState): boolean => s.transform[2] < FAR_ZOOM;

export interface LevelOfDetail {
  big: boolean;
  /** Draw the picture instead of the components. */
  far: boolean;
  /** For ReactFlow's onInit: fits a big graph before any of its nodes is rendered. */
  onInit(instance: ReactFlowInstance<EntityNode, EntityEdge>): void;
}

/**
 * The level of detail of the canvas for a graph of `nodeCount` nodes. A big graph starts as
 * the picture and is fitted once the viewport exists, so opening it mounts no node component.
 */
export function useLevelOfDetail(nodeCount: number): LevelOfDetail {
  const big = nodeCount > LOD_MIN_NODES;
  const zoomFar = useStore(zoomFarSelector);
  const [fitted, setFitted] = useState(!big);
  const onInit = useCallback(
    (instance: ReactFlowInstance<EntityNode, EntityEdge>) => {
      if (fitted) return;
      void instance.fitView(BIG_FIT).finally(() => setFitted(true));
    },
    [fitted],
  );
  return { big, far: big && (!fitted || zoomFar), onInit };
}
