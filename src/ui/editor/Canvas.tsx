/**
 * The graph editor. Nodes and edges are derived from the document; the only local state is
 * what xyflow needs between document changes (measured sizes, positions mid-drag) and the
 * picked nodes and edges (useCanvasSelection). Mounted once per open project. Every edit
 * goes through the store's `change` with a label for the undo stack. The Policy view
 * (src/ui/policy) is the other picture of the same document, switched to above the flow.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  applyNodeChanges,
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type OnDelete,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './canvasScale.css';
import { useStudio } from '../../store';
import { CanvasViewSwitch } from '../policy/ViewSwitch';
import { layoutPositions, type CreatableKind, type NodeKind, type Position } from './docModel';
import { addNode, connect, connectionKind, deleteEdges, deleteEntities, moveNodes, parseEdgeId, type EdgeRef } from './docOps';
import { buildEdges, buildNodes, type EntityEdge, type EntityNode } from './graph';
import { issuesByEntity } from './issueIndex';
import { edgeTypes } from './nodes/ChannelEdge';
import { KIND_COLOR, nodeTypes } from './nodes/EntityNodes';
import { useAutoLayout } from './useAutoLayout';
import { useCanvasSelection } from './useCanvasSelection';
import { BIG_FIT, BIG_MIN_ZOOM, DASH_MAX_NODES, useLevelOfDetail } from './levelOfDetail';
import { FarView } from './FarView';
import { withEstimatedGeometry } from './nodeGeometry';
import { DRAG_MCP_TOOL, addMcpTool } from './mcpDoc';
import type { McpToolSummary } from '../../bridge/api';
import { CursorNodeState } from './cursorStatePanel';

/** The Policy view loads when first opened. */
const PolicyView = lazy(() => import('../policy/PolicyView').then((m) => ({ default: m.PolicyView })));

export const DRAG_KIND = 'application/x-harness-node-kind';

// Props xyflow compares by reference: defined once so they never look changed.
const DELETE_KEYS = ['Delete', 'Backspace'];
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1.2 };
const NO_EDGES: EntityEdge[] = [];
const MINIMAP_STYLE = { width: 150, height: 96 };
/** Below the Graph | Policy switch. */
const CURSOR_PANEL_STYLE = { top: 34 };
const minimapColor = (n: EntityNode): string => KIND_COLOR[n.data.kind];

/** Keeps xyflow's measurements and mid-drag positions while taking everything else from the document. */
function mergeNodes(derived: EntityNode[], prev: EntityNode[], picked: ReadonlySet<string>): EntityNode[] {
  const old = new Map(prev.map((n) => [n.id, n]));
  return derived.map((n) => {
    const p = old.get(n.id);
    return {
      ...n,
      measured: p?.measured,
      position: p?.dragging ? p.position : n.position,
      dragging: p?.dragging,
      selected: picked.has(n.id),
    };
  });
}

function deleteLabel(nodeIds: string[], edgeCount: number): string {
  if (nodeIds.length === 1 && edgeCount === 0) return `Delete ${nodeIds[0]}`;
  if (nodeIds.length === 0 && edgeCount === 1) return 'Delete connection';
  const n = nodeIds.length + edgeCount;
  return `Delete ${n} item${n === 1 ? '' : 's'}`;
}

export function Canvas() {
  const doc = useStudio((s) => s.doc);
  const issues = useStudio((s) => s.issues);
  const view = useStudio((s) => s.canvasView);
  // A run shown on the graph: its decorations get layers of their own (nodes/cursorFacts.css).
  const runShown = useStudio((s) => s.runId !== null && s.cursorState !== null);
  const flow = useReactFlow<EntityNode, EntityEdge>();
  const { runAutoLayout, cancel: cancelLayout, status: layoutStatus } = useAutoLayout();

  const issueMap = useMemo(() => issuesByEntity(doc, issues), [doc, issues]);
  const derivedNodes = useMemo(() => buildNodes(doc, issueMap), [doc, issueMap]);
  const derivedEdges = useMemo(() => buildEdges(doc, issueMap), [doc, issueMap]);

  const [nodes, setNodes] = useState<EntityNode[]>([]);
  const { picked, pick, clear } = useCanvasSelection();
  useEffect(() => setNodes((prev) => mergeNodes(derivedNodes, prev, picked.nodes)), [derivedNodes, picked.nodes]);
  const { big, far, onInit } = useLevelOfDetail(derivedNodes.length);
  // A big graph zoomed out is FarView's picture: xyflow's own components are hidden meanwhile.
  // A big graph's nodes not yet measured carry an estimated geometry, so xyflow renders only those in view.
  const shownNodes = useMemo(() => {
    if (!big) return nodes;
    return nodes.map((n) => (far ? { ...withEstimatedGeometry(n), hidden: true } : withEstimatedGeometry(n)));
  }, [nodes, big, far]);
  // No edges at all rather than hidden ones: xyflow would still mount a component per hidden edge in view.
  const edges = useMemo(() => (far ? NO_EDGES : derivedEdges.map((e) => ({ ...e, selected: picked.edges.has(e.id) }))), [derivedEdges, picked.edges, far]);
  const fitOptions = big ? BIG_FIT : FIT_VIEW_OPTIONS;
  // A class, not state: toggled on every pan and zoom, it must not re-render the canvas.
  const host = useRef<HTMLDivElement>(null);
  const onMoveStart = useCallback(() => host.current?.classList.add('is-moving'), []);
  const onMoveEnd = useCallback(() => host.current?.classList.remove('is-moving'), []);

  const onNodesChange = useCallback(
    (changes: NodeChange<EntityNode>[]) => {
      // Selection goes through the picked sets; removals through onDelete as one undoable change.
      pick('nodes', changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : [])));
      const kept = changes.filter((c) => c.type !== 'remove' && c.type !== 'select');
      if (kept.length > 0) setNodes((nds) => applyNodeChanges(kept, nds));
    },
    [pick],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<EntityEdge>[]) => pick('edges', changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : []))),
    [pick],
  );

  const onNodeDragStop = useCallback((_: unknown, __: unknown, dragged: EntityNode[]) => {
    const { doc: current, change } = useStudio.getState();
    const stored = layoutPositions(current);
    const moved = dragged.filter((n) => {
      const p = stored.get(n.id);
      return !p || Math.round(p.x) !== Math.round(n.position.x) || Math.round(p.y) !== Math.round(n.position.y);
    });
    if (moved.length === 0) return;
    const positions = new Map<string, Position>(moved.map((n) => [n.id, n.position]));
    const label = moved.length === 1 ? `Move ${moved[0]!.id}` : `Move ${moved.length} nodes`;
    change(label, moveNodes(current, positions));
  }, []);

  /** A click on FarView's picture: picks that node alone, or adds it (Shift), or clears the pick. */
  const onFarPick = useCallback(
    (id: string | null, add: boolean) => {
      if (add) {
        if (id !== null) pick('nodes', [{ id, selected: !picked.nodes.has(id) }]);
        return;
      }
      pick('edges', [...picked.edges].map((e) => ({ id: e, selected: false })));
      pick('nodes', [...[...picked.nodes].filter((n) => n !== id).map((n) => ({ id: n, selected: false })), ...(id === null ? [] : [{ id, selected: true }])]);
    },
    [pick, picked],
  );

  const onDelete: OnDelete<EntityNode, EntityEdge> = useCallback(({ nodes: ns, edges: es }) => {
    const { doc: current, change } = useStudio.getState();
    const gone = new Set(ns.map((n) => n.id));
    // Edges of deleted nodes go with them (cascade); only free-standing edges are deleted by ref.
    const refs = es
      .filter((e) => !gone.has(e.source) && !gone.has(e.target))
      .map((e) => parseEdgeId(e.id))
      .filter((r): r is EdgeRef => r !== null);
    const next = deleteEdges(deleteEntities(current, gone), refs);
    clear();
    change(deleteLabel([...gone], refs.length), next, { select: null });
  }, [clear]);

  const isValidConnection: IsValidConnection<EntityEdge> = useCallback(
    (c) => connectionKind(useStudio.getState().doc, c.source, c.target) !== null,
    [],
  );

  const onConnect = useCallback((c: Connection) => {
    const { doc: current, change } = useStudio.getState();
    const result = connect(current, c.source, c.target);
    if (result) change(result.label, result.doc, result.select ? { select: result.select } : {});
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(DRAG_KIND) || e.dataTransfer.types.includes(DRAG_MCP_TOOL)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const mcpTool = e.dataTransfer.getData(DRAG_MCP_TOOL);
      if (mcpTool) {
        // A tool dragged from the palette's MCP section becomes a tool node where it is dropped.
        e.preventDefault();
        e.stopPropagation();
        const { server, tool } = JSON.parse(mcpTool) as { server: string; tool: McpToolSummary };
        const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
        const { doc: current, change } = useStudio.getState();
        const added = addMcpTool(current, server, tool, { x: at.x - 90, y: at.y - 30 });
        if (added.added) change(`Add MCP tool ${added.id}`, added.doc, { select: added.id });
        return;
      }
      const kind = e.dataTransfer.getData(DRAG_KIND) as CreatableKind | '';
      if (!kind) return;
      e.preventDefault();
      e.stopPropagation();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const { doc: current, change } = useStudio.getState();
      const added = addNode(current, kind, { x: at.x - 90, y: at.y - 30 });
      change(`Add ${kind} ${added.id}`, added.doc, { select: added.id });
    },
    [flow],
  );

  if (view === 'policy') {
    return (
      <div className="hs-canvas" data-testid="canvas" data-view="policy">
        <Suspense fallback={<div className="rp-empty">Loading the policy view…</div>}>
          <PolicyView />
        </Suspense>
      </div>
    );
  }

  return (
    <div ref={host} className={runShown ? 'hs-canvas has-run' : 'hs-canvas'} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas" data-view="graph">
      <CanvasViewSwitch floating />
      <ReactFlow<EntityNode, EntityEdge>
        nodes={shownNodes}
        edges={edges}
        className={far ? 'is-far' : derivedNodes.length > DASH_MAX_NODES ? 'is-dense' : undefined}
        nodeTypes={nodeTypes}
        onlyRenderVisibleElements
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onDelete={onDelete}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={DELETE_KEYS}
        colorMode="dark"
        fitView={!big}
        fitViewOptions={fitOptions}
        onInit={onInit}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        minZoom={big ? BIG_MIN_ZOOM : 0.2}
        maxZoom={2.5}
        attributionPosition="bottom-center"
      >
        {far && <FarView nodes={nodes} edges={derivedEdges} picked={picked.nodes} onPick={onFarPick} />}
        {/* Zoomed out the dots would be a few pixels apart, and the picture is its own map. */}
        {!far && <Background variant={BackgroundVariant.Dots} gap={20} size={1} color="#2a2f3a" />}
        <Controls position="bottom-left" showInteractive={false} fitViewOptions={big ? BIG_FIT : undefined} />
        {!far && <MiniMap position="bottom-right" style={MINIMAP_STYLE} pannable zoomable nodeColor={minimapColor} maskColor="rgba(10,12,16,0.7)" />}
        {/* A click on a node while a run is shown: its state at the scrubber's cursor. */}
        {picked.nodes.size === 1 && (
          <Panel position="top-left" style={CURSOR_PANEL_STYLE}>
            <CursorNodeState id={[...picked.nodes][0]!} />
          </Panel>
        )}
        <Panel position="top-right" className="hs-canvas__tools">
          {layoutStatus ? (
            <>
              <span className="hs-canvas__progress" role="status" data-testid="auto-layout-progress">
                Laying out… {layoutStatus.stage} ({layoutStatus.step}/{layoutStatus.steps})
              </span>
              <button type="button" className="hs-btn hs-btn--small" onClick={cancelLayout} data-testid="auto-layout-cancel">
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="hs-btn hs-btn--small" onClick={runAutoLayout} data-testid="auto-layout-button">
              Auto-layout
            </button>
          )}
          <button type="button" className="hs-btn hs-btn--small" onClick={() => void flow.fitView(big ? { ...BIG_FIT, duration: 200 } : { padding: 0.2, duration: 200 })} data-testid="fit-view-button">
            Fit view
          </button>
        </Panel>
      </ReactFlow>
    </div>
  );
}
