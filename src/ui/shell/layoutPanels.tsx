/**
 * The workspace's resizable, collapsible frame: the side panels (palette, inspector) with
 * their collapse toggles, and the splitters of the inspector and the run panel. The sizes live
 * in the layout store (remembered per project by layoutPersistence.ts).
 */
import { useCallback, type PointerEvent, type ReactNode } from 'react';
import { LAYOUT_LIMITS, useLayout } from '../../store/layoutStore';
import { useSplit } from './useSplit';

/** A side panel that folds to a thin rail holding only its expand button. */
export function SidePanel({ side, name, collapsed, onToggle, children }: { side: 'left' | 'right'; name: string; collapsed: boolean; onToggle(): void; children: ReactNode }) {
  const id = name.toLowerCase();
  // The arrow points where the panel will go.
  const glyph = (side === 'left') === collapsed ? '»' : '«';
  return (
    <div className={`hs-side hs-side--${side}${collapsed ? ' is-collapsed' : ''}`} data-testid={`${id}-panel`} data-collapsed={collapsed}>
      <button
        type="button"
        className="hs-side__toggle"
        onClick={onToggle}
        aria-expanded={!collapsed}
        aria-label={collapsed ? `Show the ${id}` : `Collapse the ${id}`}
        title={collapsed ? `Show the ${id}` : `Collapse the ${id}`}
        data-testid={`${id}-toggle`}
      >
        {side === 'left' && !collapsed && <span className="hs-side__name">{name}</span>}
        <span aria-hidden="true">{glyph}</span>
        {side === 'right' && !collapsed && <span className="hs-side__name">{name}</span>}
      </button>
      {!collapsed && <div className="hs-side__body">{children}</div>}
    </div>
  );
}

/** The splitter on the inspector's left edge. */
export function InspectorSplitter() {
  const width = useLayout((s) => s.layout.inspector);
  const setLayout = useLayout((s) => s.setLayout);
  const onResize = useCallback((px: number) => setLayout({ inspector: px }), [setLayout]);
  const sizeAt = useCallback((e: PointerEvent<HTMLElement>) => window.innerWidth - e.clientX, []);
  const props = useSplit({
    orientation: 'vertical', size: width, onResize, sizeAt, label: 'Resize the inspector',
    valueNow: ((width - LAYOUT_LIMITS.inspectorMin) / (LAYOUT_LIMITS.inspectorMax - LAYOUT_LIMITS.inspectorMin)) * 100,
  });
  return <div className="hs-vsplitter" data-testid="inspector-splitter" {...props} />;
}

/** The splitter above the run panel. */
export function RunPanelSplitter() {
  const fraction = useLayout((s) => s.layout.bottom);
  const setLayout = useLayout((s) => s.setLayout);
  const onResize = useCallback((px: number) => setLayout({ bottom: px / window.innerHeight }), [setLayout]);
  const sizeAt = useCallback((e: PointerEvent<HTMLElement>) => window.innerHeight - e.clientY, []);
  const props = useSplit({ orientation: 'horizontal', size: fraction * window.innerHeight, onResize, sizeAt, label: 'Resize run panel', valueNow: fraction * 100 });
  return <div className="hs-splitter" data-testid="run-panel-splitter" {...props} />;
}
