import { useStudio } from '../../store';
import type { CanvasView } from '../../store/canvasViewSlice';
import './view-switch.css';

const VIEWS: readonly { view: CanvasView; label: string; title: string }[] = [
  { view: 'graph', label: 'Graph', title: 'Agents, tools, models and channels' },
  { view: 'policy', label: 'Policy', title: 'Scopes, rules and what each capability is allowed to do' },
];

/** Graph | Policy: which picture of the document the canvas shows. `floating`: over the graph's flow (the Policy view has it in its bar). */
export function CanvasViewSwitch({ floating = false }: { floating?: boolean }) {
  const current = useStudio((s) => s.canvasView);
  const setView = useStudio((s) => s.setCanvasView);
  return (
    <div className={`hs-view-switch${floating ? ' hs-view-switch--floating' : ''}`} role="tablist" aria-label="Canvas view">
      {VIEWS.map(({ view, label, title }) => (
        <button
          key={view}
          type="button"
          role="tab"
          aria-selected={current === view}
          className={`hs-view-switch__tab${current === view ? ' is-active' : ''}`}
          onClick={() => setView(view)}
          title={title}
          data-testid={`canvas-view-${view}`}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
