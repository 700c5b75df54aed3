import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, LAYOUT_LIMITS, normalizeLayout, useLayout } from './layoutStore';

const s = () => useLayout.getState();
beforeEach(() => useLayout.setState({ layout: DEFAULT_LAYOUT }));

describe('workspace layout', () => {
  it('reads a stored layout, falling back field by field to the default or the nearest limit', () => {
    expect(normalizeLayout(null)).toEqual(DEFAULT_LAYOUT);
    expect(normalizeLayout({ bottom: 2, inspector: 10, paletteCollapsed: 'yes', runMaximized: true })).toEqual({
      ...DEFAULT_LAYOUT, bottom: LAYOUT_LIMITS.bottomMax, inspector: LAYOUT_LIMITS.inspectorMin, runMaximized: true,
    });
    expect(normalizeLayout({ bottom: Number.NaN }).bottom).toBe(DEFAULT_LAYOUT.bottom);
  });

  it('maximising the run panel un-collapses it, collapsing un-maximises it', () => {
    s().setLayout({ runCollapsed: true });
    s().toggleRunMaximized();
    expect(s().layout).toMatchObject({ runMaximized: true, runCollapsed: false });
    s().setLayout({ runCollapsed: true });
    expect(s().layout).toMatchObject({ runMaximized: false, runCollapsed: true });
    s().toggleRunMaximized();
    s().toggleRunMaximized();
    expect(s().layout.runMaximized).toBe(false);
  });

  it('clamps a splitter dragged past its limits', () => {
    s().setLayout({ bottom: 0.01, inspector: 5000 });
    expect(s().layout.bottom).toBe(LAYOUT_LIMITS.bottomMin);
    expect(s().layout.inspector).toBe(LAYOUT_LIMITS.inspectorMax);
  });
});
