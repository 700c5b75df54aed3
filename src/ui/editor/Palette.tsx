import { useCallback, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useStudio } from '../../store';
import { NODE_KINDS, type NodeKind } from './docModel';
import { addNode } from './docOps';
import { DRAG_KIND } from './Canvas';

const ITEMS: Record<NodeKind, { label: string; hint: string }> = {
  agent: { label: 'Agent', hint: 'A process: runs a behaviour on a model' },
  tool: { label: 'Tool', hint: 'A system call an agent may make' },
  model: { label: 'Model', hint: 'A CPU: provider, price, context, slots' },
  store: { label: 'Store', hint: 'Archival or knowledge documents' },
  group: { label: 'Group', hint: 'A budget group: token and money quotas per period, shared by its agents' },
};

/** Adds nodes: click to drop one in the middle of the view, or drag one onto the canvas. */
export function Palette() {
  const flow = useReactFlow();
  const hasProject = useStudio((s) => s.projectId !== null);

  const add = useCallback(
    (kind: NodeKind) => {
      const pane = document.querySelector('.hs-canvas')?.getBoundingClientRect();
      const centre = pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: 400, y: 300 };
      const at = flow.screenToFlowPosition(centre);
      const { doc, change } = useStudio.getState();
      // Nudge each new node so repeated clicks do not stack them exactly.
      const offset = (Date.now() / 40) % 5 | 0;
      const added = addNode(doc, kind, { x: at.x - 90 + offset * 24, y: at.y - 30 + offset * 24 });
      change(`Add ${kind} ${added.id}`, added.doc, { select: added.id });
    },
    [flow],
  );

  const onDragStart = (kind: NodeKind) => (e: DragEvent) => {
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
