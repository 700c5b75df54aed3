import { useCallback, useEffect, useRef, useState } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useStudio } from '../../store';
import type { Position } from './docModel';
import { moveNodes } from './docOps';
import { buildEdges, type EntityEdge, type EntityNode } from './graph';
import type { LayoutReply, LayoutRequest } from './layout.worker';
import { NODE_SIZE } from './nodeGeometry';

const NO_ISSUES = new Map<string, never[]>();

/** Where a layout is: which step of how many, named. */
export interface LayoutStatus {
  step: number;
  steps: number;
  stage: string;
}

/**
 * Lays out the current graph with the measured node sizes (estimated where a node was never
 * drawn) in a worker, as one undoable change, then fits the view. `cancel` stops the worker:
 * the document is left as it was. A failure becomes a banner.
 */
export function useAutoLayout(): { runAutoLayout: () => void; cancel: () => void; status: LayoutStatus | null } {
  const flow = useReactFlow<EntityNode, EntityEdge>();
  const [status, setStatus] = useState<LayoutStatus | null>(null);
  const worker = useRef<Worker | null>(null);

  const cancel = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    setStatus(null);
  }, []);
  useEffect(() => cancel, [cancel]);

  const runAutoLayout = useCallback(() => {
    if (worker.current) return;
    const request: LayoutRequest = {
      nodes: flow.getNodes().map((n) => ({
        id: n.id,
        kind: n.data.kind,
        width: n.measured?.width ?? NODE_SIZE[n.data.kind].width,
        height: n.measured?.height ?? NODE_SIZE[n.data.kind].height,
      })),
      // From the document, not the flow: a big graph zoomed out hands xyflow no edges (levelOfDetail.ts).
      edges: buildEdges(useStudio.getState().doc, NO_ISSUES).map((e) => ({ source: e.source, target: e.target })),
    };
    const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setStatus({ step: 0, steps: 3, stage: 'Starting' });
    const finish = (): void => {
      w.terminate();
      if (worker.current === w) worker.current = null;
      setStatus(null);
    };
    w.onmessage = (e: MessageEvent<LayoutReply>) => {
      const reply = e.data;
      if (worker.current !== w) return; // cancelled meanwhile
      if (reply.type === 'progress') return setStatus({ step: reply.step, steps: reply.steps, stage: reply.stage });
      finish();
      if (reply.type === 'error') return useStudio.getState().notify({ level: 'error', message: `Auto-layout failed: ${reply.message}` });
      const { doc, change } = useStudio.getState();
      change('Auto-layout', moveNodes(doc, new Map<string, Position>(reply.positions)));
      requestAnimationFrame(() => void flow.fitView({ padding: 0.2, duration: 250, includeHiddenNodes: true }));
    };
    w.onerror = (e) => {
      if (worker.current !== w) return;
      finish();
      useStudio.getState().notify({ level: 'error', message: `Auto-layout failed: ${e.message || 'the layout worker stopped'}` });
    };
    w.postMessage(request);
  }, [flow]);

  return { runAutoLayout, cancel, status };
}
