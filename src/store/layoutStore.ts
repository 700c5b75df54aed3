import { create } from 'zustand';

/**
 * Owned by the shell: how the workspace is laid out — the run panel's height, the inspector's
 * width, which side panels are collapsed, whether the run panel fills the window. Persisted
 * session UI state, remembered per project by the shell (ui/shell/layoutPersistence.ts).
 * A store of its own beside useStudio: it belongs to the screen, not to the document or the run,
 * and nothing in the studio's state depends on it.
 */
export interface Layout {
  /** The run panel's height as a fraction of the window height. */
  bottom: number;
  /** The inspector's width in CSS pixels. */
  inspector: number;
  paletteCollapsed: boolean;
  inspectorCollapsed: boolean;
  /** Only the run panel's toolbar shows. */
  runCollapsed: boolean;
  /** The run panel takes the whole height below the top bar. */
  runMaximized: boolean;
}

export const DEFAULT_LAYOUT: Layout = Object.freeze({
  bottom: 0.4,
  inspector: 360,
  paletteCollapsed: false,
  inspectorCollapsed: false,
  runCollapsed: false,
  runMaximized: false,
});

/** Limits a size may be set to (a splitter dragged past them stops there). */
export const LAYOUT_LIMITS = Object.freeze({ bottomMin: 0.15, bottomMax: 0.85, inspectorMin: 240, inspectorMax: 640 });

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/**
 * A layout from stored or patched values: unknown or out-of-range fields fall back to the
 * default or the nearest limit, so a stored layout of an older build never breaks the shell.
 */
export function normalizeLayout(value: unknown): Layout {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof Layout, unknown>>;
  const num = (x: unknown, d: number, lo: number, hi: number): number => (typeof x === 'number' && Number.isFinite(x) ? clamp(x, lo, hi) : d);
  const bool = (x: unknown, d: boolean): boolean => (typeof x === 'boolean' ? x : d);
  const runMaximized = bool(v.runMaximized, DEFAULT_LAYOUT.runMaximized);
  return {
    bottom: num(v.bottom, DEFAULT_LAYOUT.bottom, LAYOUT_LIMITS.bottomMin, LAYOUT_LIMITS.bottomMax),
    inspector: num(v.inspector, DEFAULT_LAYOUT.inspector, LAYOUT_LIMITS.inspectorMin, LAYOUT_LIMITS.inspectorMax),
    paletteCollapsed: bool(v.paletteCollapsed, DEFAULT_LAYOUT.paletteCollapsed),
    inspectorCollapsed: bool(v.inspectorCollapsed, DEFAULT_LAYOUT.inspectorCollapsed),
    // Maximised and collapsed exclude each other: the last asked for wins (see setLayout).
    runCollapsed: !runMaximized && bool(v.runCollapsed, DEFAULT_LAYOUT.runCollapsed),
    runMaximized,
  };
}

export interface LayoutState {
  layout: Layout;
  /** Applies a patch (clamped); maximising un-collapses the run panel and collapsing un-maximises it. */
  setLayout(patch: Partial<Layout>): void;
  /** The run panel fills the window, or goes back to its height. */
  toggleRunMaximized(): void;
}

export const useLayout = create<LayoutState>()((set, get) => ({
  layout: DEFAULT_LAYOUT,
  setLayout: (patch) => {
    const merged = { ...get().layout, ...patch };
    if (patch.runCollapsed === true) merged.runMaximized = false;
    if (patch.runMaximized === true) merged.runCollapsed = false;
    set({ layout: normalizeLayout(merged) });
  },
  toggleRunMaximized: () => get().setLayout({ runMaximized: !get().layout.runMaximized }),
}));
