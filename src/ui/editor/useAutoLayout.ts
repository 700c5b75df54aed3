import { useCallback, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useStudio } from '../../store';
import { autoLayout } from './autoLayout';
import { moveNodes } from './docOps';
import type { EntityEdge, EntityNode } from './graph';

const DEFAULT_SIZE = { width: 200, height: 80 };

/** Lays out the current graph with the measured node sizes as one undoable change, then fits the view. */
export function useAutoLayout(): { runAutoLayout: () => Promise<void>; busy: boolean } {
  const flow = useReactFlow<EntityNode, EntityEdge>();
  const [busy, setBusy] = useState(false);
  const runAutoLayout = useCallback(async () => {
    setBusy(true);
    try {
      const nodes = flow.getNodes().map((n) => ({
        id: n.id,
        kind: n.data.kind,
        width: n.measured?.width ?? DEFAULT_SIZE.width,
        height: n.measured?.height ?? DEFAULT_SIZE.height,
      }));
      const edges = flow.getEdges().map((e) => ({ source: e.source, target: e.target }));
      const positions = await autoLayout(nodes, edges);
      const { doc, change } = useStudio.getState();
      change('Auto-layout', moveNodes(doc, positions));
      requestAnimationFrame(() => void flow.fitView({ padding: 0.2, duration: 250 }));
    } finally {
      setBusy(false);
    }
  }, [flow]);
  return { runAutoLayout, busy };
}
