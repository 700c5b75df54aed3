import { useCallback } from 'react';
import { useReactFlow } from '@xyflow/react';

/**
 * Pans the Policy view to a node at the current zoom, e.g. one just added off-screen. A node
 * that is not drawn yet is waited for: xyflow queues the fit until it is measured.
 */
export function usePanTo(): (nodeId: string) => void {
  const flow = useReactFlow();
  return useCallback(
    (nodeId: string) => {
      const zoom = flow.getZoom();
      void flow.fitView({ nodes: [{ id: nodeId }], minZoom: zoom, maxZoom: zoom, duration: 200 });
    },
    [flow],
  );
}
