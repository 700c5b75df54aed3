/**
 * The app shell: top bar; palette, canvas and inspector; the run panel below. Boots storage
 * once (opening the last project, or creating the example on first start).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { useStudio } from '../store';
import { useLayout, type Layout } from '../store/layoutStore';
import { Canvas } from './editor/Canvas';
import { Inspector } from './editor/inspector/Inspector';
import { Palette } from './editor/Palette';
import { RunPanel } from './run/RunPanel';
import { useAutosave } from './shell/autosave';
import { useSyncTabs } from './shell/syncTabs';
import { Banners } from './shell/Banners';
import { FileDrop } from './shell/FileDrop';
import { HistoryDialog } from './shell/HistoryDialog';
import { boot } from './shell/projectActions';
import { ProjectsDialog } from './shell/ProjectsDialog';
import { TopBar } from './shell/TopBar';
import { SettingsDialog, refreshEndpoints } from './shell/SettingsDialog';
import { loadModelEndpoints } from './shell/modelEndpoints';
import { watchLocalModels } from './shell/localModels';
import { InspectorSplitter, RunPanelSplitter, SidePanel } from './shell/layoutPanels';
import { useLayoutPersistence } from './shell/layoutPersistence';
import { FirstRunTour } from './shell/FirstRunTour';
import { LessonPanel } from './shell/LessonPanel';
import { useUndoKeys } from './shell/useUndoKeys';

let booted: Promise<void> | null = null;

// The Experiments page (its charts, tables and worker pool) loads when first opened.
const ExperimentsView = lazy(() => import('./experiment/ExperimentsView').then((m) => ({ default: m.ExperimentsView })));

function NoProject({ onOpenProjects }: { onOpenProjects(): void }) {
  return (
    <div className="hs-empty">
      <p>No project is open.</p>
      <button type="button" className="hs-btn hs-btn--primary" onClick={onOpenProjects}>
        Open or create a project
      </button>
    </div>
  );
}

/** Palette, canvas, inspector splitter, inspector: a collapsed side panel keeps a thin rail. */
function workspaceColumns(layout: Layout): string {
  const rail = '28px';
  return `${layout.paletteCollapsed ? rail : '136px'} minmax(0, 1fr) ${layout.inspectorCollapsed ? '0' : '5px'} ${layout.inspectorCollapsed ? rail : `${layout.inspector}px`}`;
}

export function App() {
  const [projectsOpen, setProjectsOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [experimentsOpen, setExperimentsOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const projectId = useStudio((s) => s.projectId);
  const [ready, setReady] = useState(false);
  const layout = useLayout((s) => s.layout);
  const setLayout = useLayout((s) => s.setLayout);
  useLayoutPersistence();
  useAutosave();
  useSyncTabs();
  useUndoKeys();

  useEffect(() => {
    // Once per page, also under StrictMode's double effects: a second boot would create a second example.
    booted ??= boot();
    void booted.then(() => setReady(true));
    // The document status needs the configured endpoints (names and kinds, never keys).
    refreshEndpoints().catch(() => undefined);
    // The model fields offer stored local models; the local CPU's load status shows as it happens.
    watchLocalModels();
  }, []);

  useEffect(() => {
    loadModelEndpoints(projectId).catch(() => undefined);
  }, [projectId]);

  const openProjects = (): void => setProjectsOpen(true);
  return (
    <ReactFlowProvider>
      <div className={`hs-app${layout.runMaximized ? ' is-run-max' : ''}${layout.runCollapsed ? ' is-run-collapsed' : ''}`}>
        <TopBar onOpenProjects={openProjects} onOpenSettings={() => setSettingsOpen(true)} onOpenExperiments={() => setExperimentsOpen(true)} onOpenHistory={() => setHistoryOpen(true)} />
        <Banners />
        <div className="hs-stage">
          <main className="hs-workspace" style={{ gridTemplateColumns: workspaceColumns(layout) }} data-testid="workspace">
            <SidePanel side="left" name="Palette" collapsed={layout.paletteCollapsed} onToggle={() => setLayout({ paletteCollapsed: !layout.paletteCollapsed })}>
              <Palette />
            </SidePanel>
            <div className="hs-center">{projectId ? <Canvas key={projectId} /> : ready ? <NoProject onOpenProjects={openProjects} /> : <div className="hs-empty hs-muted">Opening…</div>}</div>
            {layout.inspectorCollapsed ? <span /> : <InspectorSplitter />}
            <SidePanel side="right" name="Inspector" collapsed={layout.inspectorCollapsed} onToggle={() => setLayout({ inspectorCollapsed: !layout.inspectorCollapsed })}>
              <LessonPanel />
              <Inspector />
            </SidePanel>
          </main>
          {!layout.runMaximized && !layout.runCollapsed && <RunPanelSplitter />}
          <section className="hs-bottom" style={layout.runMaximized || layout.runCollapsed ? undefined : { height: `${Math.round(layout.bottom * 1000) / 10}vh` }} aria-label="Run panel">
            <RunPanel />
          </section>
        </div>
        {experimentsOpen && (
          <Suspense fallback={<div className="hs-empty hs-muted">Opening Experiments…</div>}>
            <ExperimentsView onClose={() => setExperimentsOpen(false)} />
          </Suspense>
        )}
        {projectsOpen && <ProjectsDialog onClose={() => setProjectsOpen(false)} />}
        {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
        {historyOpen && <HistoryDialog onClose={() => setHistoryOpen(false)} />}
        <FileDrop onModelFile={() => setSettingsOpen(true)} />
        <FirstRunTour />
      </div>
    </ReactFlowProvider>
  );
}
