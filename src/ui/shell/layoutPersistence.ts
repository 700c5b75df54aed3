/**
 * Remembers the workspace layout per project, in this browser's localStorage (a layout belongs
 * to a screen, not to the document: it never travels in an export).
 */
import { useEffect } from 'react';
import { useStudio } from '../../store';
import { DEFAULT_LAYOUT, normalizeLayout, useLayout, type Layout } from '../../store/layoutStore';

export const layoutKey = (projectId: string): string => `hs.layout.${projectId}`;

function read(projectId: string): Layout {
  try {
    const text = localStorage.getItem(layoutKey(projectId));
    return text === null ? DEFAULT_LAYOUT : normalizeLayout(JSON.parse(text));
  } catch {
    return DEFAULT_LAYOUT; // unreadable or blocked storage: the default layout, never a broken shell
  }
}

function write(projectId: string, layout: Layout): void {
  try {
    localStorage.setItem(layoutKey(projectId), JSON.stringify(layout));
  } catch {
    // storage full or blocked: the layout is just not remembered
  }
}

/** Loads the project's layout when a project opens and stores every change to it. Mount once. */
export function useLayoutPersistence(): void {
  useEffect(() => {
    const load = (projectId: string | null): void => {
      if (projectId) useLayout.setState({ layout: read(projectId) });
    };
    load(useStudio.getState().projectId);
    const offProject = useStudio.subscribe((s, prev) => {
      if (s.projectId !== prev.projectId) load(s.projectId);
    });
    const offLayout = useLayout.subscribe((s, prev) => {
      const { projectId } = useStudio.getState();
      if (s.layout !== prev.layout && projectId) write(projectId, s.layout);
    });
    return () => {
      offProject();
      offLayout();
    };
  }, []);
}
