/**
 * The Policy view of the canvas: the document's scopes and rules, and what each agent's
 * capabilities are allowed to do under them. Derived from the document on every change;
 * edits go through docOps like every other edit. Jumps from other views (the store's
 * `showRule`, `showCapability`, `showMode`) centre and highlight what decided.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { applyNodeChanges, Background, BackgroundVariant, Controls, Panel, ReactFlow, ReactFlowProvider, useReactFlow, type EdgeMouseHandler, type NodeChange, type NodeMouseHandler } from '@xyflow/react';
import { useStudio } from '../../store';
import type { PolicyTarget } from '../../store/canvasViewSlice';
import { policyEdgeTypes } from './CapabilityEdge';
import { PolicyHeader } from './PolicyHeader';
import { policyNodeTypes } from './PolicyNodes';
import { focusNodes, policyGraph, withFocus, type PolicyEdge, type PolicyNode } from './policyGraph';
import './policy.css';

// The first view frames the agents and their capabilities (what the view explains) and never
// zooms below 1, so node text stays at its size (≥ 11px); scopes and rules are a pan away, and
// Fit view shows everything on request.
const FIT_VIEW_OPTIONS = { padding: 0.1, minZoom: 1, maxZoom: 1.1 };
const FRAMED: ReadonlySet<string> = new Set(['agent', 'tool', 'store', 'missing']);
const FOCUS_FIT = { padding: 0.8, maxZoom: 1.1, duration: 250 };

/** Keeps xyflow's measurements while taking everything else from the derived graph. */
function keepMeasured(derived: PolicyNode[], prev: PolicyNode[]): PolicyNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return derived.map((n) => ({ ...n, measured: old.get(n.id)?.measured }));
}

function describeMissing(target: PolicyTarget): string {
  if (target.kind === 'rule') return `rule ${target.id} is not in the document (a session approval, or since removed)`;
  if (target.kind === 'capability') return `${target.agent} → ${target.target} is not on this canvas`;
  return '';
}

function PolicyFlow() {
  const doc = useStudio((s) => s.doc);
  const spec = useStudio((s) => s.spec);
  const projectId = useStudio((s) => s.projectId);
  const focus = useStudio((s) => s.policyFocus);
  const focusSeq = useStudio((s) => s.policyFocusSeq);
  const flow = useReactFlow<PolicyNode, PolicyEdge>();

  const graph = useMemo(() => policyGraph(doc, spec), [doc, spec]);
  const [firstFit] = useState(() => {
    const framed = graph.nodes.filter((n) => FRAMED.has(n.data.kind)).map((n) => ({ id: n.id }));
    return framed.length > 0 ? { ...FIT_VIEW_OPTIONS, nodes: framed } : FIT_VIEW_OPTIONS;
  });
  const target = focus && focus.projectId === projectId ? focus.target : null;
  const shown = useMemo(() => withFocus(graph, target), [graph, target]);

  const [nodes, setNodes] = useState<PolicyNode[]>([]);
  useEffect(() => setNodes((prev) => keepMeasured(shown.nodes, prev)), [shown.nodes]);
  const onNodesChange = useCallback((changes: NodeChange<PolicyNode>[]) => {
    const sizes = changes.filter((c) => c.type === 'dimensions');
    if (sizes.length > 0) setNodes((nds) => applyNodeChanges(sizes, nds));
  }, []);

  // A jump centres once, then stays a plain focus (switching views later does not pull the viewport back).
  const [centreOnMount] = useState(() => focus?.centre === true);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    const s = useStudio.getState();
    const f = s.policyFocus;
    if (!f?.centre || f.projectId !== s.projectId) return;
    const ids = focusNodes(graph, f.target);
    setNote(ids === null ? describeMissing(f.target) : null);
    if (ids && ids.length > 0) void flow.fitView({ ...FOCUS_FIT, nodes: ids.map((id) => ({ id })) });
    s.focusPolicy(f.target);
    // Only a new jump (focusSeq) centres; document edits must not move the viewport.
  }, [focusSeq]);

  const onNodeClick: NodeMouseHandler<PolicyNode> = useCallback((_, node) => {
    const { focusPolicy, select } = useStudio.getState();
    const d = node.data;
    if (d.kind === 'rule' && !d.duplicate) focusPolicy({ kind: 'rule', id: d.id });
    else if (d.kind === 'agent' || d.kind === 'tool' || d.kind === 'store') select(d.id); // the inspector has their forms
  }, []);

  const onEdgeClick: EdgeMouseHandler<PolicyEdge> = useCallback((_, edge) => {
    const d = edge.data;
    if (d?.kind === 'capability' && d.agent && d.target) useStudio.getState().focusPolicy({ kind: 'capability', agent: d.agent, target: d.target });
  }, []);

  const onPaneClick = useCallback(() => {
    setNote(null);
    if (useStudio.getState().policyFocus) useStudio.getState().focusPolicy(null);
  }, []);

  return (
    <div className="hs-pol-view" data-testid="policy-view">
      <PolicyHeader policy={graph.policy} focused={target?.kind === 'mode'} note={note} />
      <div className="hs-pol-flow">
        <ReactFlow<PolicyNode, PolicyEdge>
          nodes={nodes}
          edges={shown.edges}
          nodeTypes={policyNodeTypes}
          edgeTypes={policyEdgeTypes}
          onNodesChange={onNodesChange}
          onNodeClick={onNodeClick}
          onEdgeClick={onEdgeClick}
          onPaneClick={onPaneClick}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          colorMode="dark"
          fitView={!centreOnMount}
          fitViewOptions={firstFit}
          minZoom={0.2}
          maxZoom={2}
          attributionPosition="bottom-center"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} color="#2a2f3a" />
          <Controls position="bottom-left" showInteractive={false} />
          <Panel position="top-right" className="hs-canvas__tools">
            <button type="button" className="hs-btn hs-btn--small" onClick={() => void flow.fitView({ padding: 0.15, duration: 200 })} data-testid="policy-fit-view">
              Fit view
            </button>
          </Panel>
        </ReactFlow>
      </div>
    </div>
  );
}

/** Its own flow instance, so the graph view's viewport and measurements are left alone. */
export function PolicyView() {
  return (
    <ReactFlowProvider>
      <PolicyFlow />
    </ReactFlowProvider>
  );
}
