import { useCallback, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useStudio } from '../../store';
import { NODE_KINDS, type CreatableKind } from './docModel';
import { addNode } from './docOps';
import { DRAG_KIND } from './Canvas';
import { freeSpot } from './freeSpot';
import { McpPalette } from './McpPalette';
import { RemoteAgentPalette } from './RemoteAgentPalette';

/** The size assumed for a node not yet measured. */
const DEFAULT_SIZE = { width: 180, height: 60 };

const ITEMS: Record<CreatableKind, { label: string; hint: string }> = {
  agent: { label: 'Agent', hint: 'A process: runs a behaviour on a model' },
  tool: { label: 'Tool', hint: 'A system call an agent may make' },
  model: { label: 'Model', hint: 'A CPU: provider, price, context, slots' },
  store: { label: 'Store', hint: 'Archival or knowledge documents' },
  group: { label: 'Group', hint: 'A budget group: token and money quotas per period, shared by its agents' },
};

/** Adds nodes: click to place one in free space near the middle of the view, or drag one onto the canvas. */
export function Palette() {
  const flow = useReactFlow();
  const hasProject = useStudio((s) => s.projectId !== null);

  const add = useCallback(
    (kind: CreatableKind) => {
      const pane = document.querySelector('.hs-canvas')?.getBoundingClientRect();
      const topLeft = flow.screenToFlowPosition(pane ? { x: pane.left, y: pane.top } : { x: 0, y: 0 });
      const bottomRight = flow.screenToFlowPosition(pane ? { x: pane.right, y: pane.bottom } : { x: 800, y: 600 });
      const visible = { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y };
      const nodes = flow.getNodes();
      const boxes = nodes.map((n) => ({ ...n.position, width: n.measured?.width ?? DEFAULT_SIZE.width, height: n.measured?.height ?? DEFAULT_SIZE.height }));
      // A new node is about as big as the others of its kind already drawn.
      const like = nodes.find((n) => n.type === kind && n.measured?.width);
      const size = like?.measured?.width ? { width: like.measured.width, height: like.measured.height ?? DEFAULT_SIZE.height } : DEFAULT_SIZE;
      const centre = { x: visible.x + visible.width / 2, y: visible.y + visible.height / 2 };
      const { doc, change } = useStudio.getState();
      const added = addNode(doc, kind, freeSpot(boxes, centre, size, visible));
      change(`Add ${kind} ${added.id}`, added.doc, { select: added.id });
    },
    [flow],
  );

  const onDragStart = (kind: CreatableKind) => (e: DragEvent) => {
    e.dataTransfer.setData(DRAG_KIND, kind);
    e.dataTransfer.effectAllowed = 'copy';
  };

  return (
    <nav className="hs-palette" aria-label="Add nodes">
      <div className="hs-section-title">Add</div>
      {NODE_KINDS.map((kind) => (
        <button
          key={kind}
          type="button"
          className={`hs-palette__item hs-palette__item--${kind}`}
          draggable
          onDragStart={onDragStart(kind)}
          onClick={() => add(kind)}
          disabled={!hasProject}
          title={`${ITEMS[kind].hint}. Click to add, or drag onto the canvas.`}
          data-testid={`palette-${kind}`}
        >
          <span className="hs-palette__glyph" aria-hidden="true" />
          {ITEMS[kind].label}
        </button>
      ))}
      <McpPalette />
      <RemoteAgentPalette />
      <div className="hs-palette__help">
        <div className="hs-section-title">Connect</div>
        <p>Drag from an agent's handles:</p>
        <ul>
          <li><b>right</b> → agent: channel</li>
          <li><b>top</b> → tool / store: capability</li>
          <li><b>bottom</b> → model: its CPU</li>
          <li><b>bottom right</b> → group: its budget</li>
        </ul>
        <p>Drag from a group's bottom to another group: its parent.</p>
        <p>Delete or Backspace removes the selection.</p>
      </div>
    </nav>
  );
}
