/**
 * The app shell: top bar; palette, canvas and inspector; the run panel below. Boots storage
 * once (opening the last project, or creating the example on first start).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { useStudio } from '../store';
import { Canvas } from './editor/Canvas';
import { Inspector } from './editor/inspector/Inspector';
import { Palette } from './editor/Palette';
import { RunPanel } from './run/RunPanel';
import { useAutosave } from './shell/autosave';
import { Banners } from './shell/Banners';
import { FileDrop } from './shell/FileDrop';
import { boot } from './shell/projectActions';
import { ProjectsDialog } from './shell/ProjectsDialog';
import { TopBar } from './shell/TopBar';
import { SettingsDialog, refreshEndpoints } from './shell/SettingsDialog';
import { loadModelEndpoints } from './shell/modelEndpoints';
import { watchLocalModels } from './shell/localModels';
import { useSplit } from './shell/useSplit';
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

export function App() {
  const [projectsOpen, setProjectsOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [experimentsOpen, setExperimentsOpen] = useState(false);
  const projectId = useStudio((s) => s.projectId);
  const [ready, setReady] = useState(false);
  const split = useSplit(0.4);
  useAutosave();
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
      <div className="hs-app">
        <TopBar onOpenProjects={openProjects} onOpenSettings={() => setSettingsOpen(true)} onOpenExperiments={() => setExperimentsOpen(true)} />
        <Banners />
        <main className="hs-workspace">
          <Palette />
          <div className="hs-center">{projectId ? <Canvas key={projectId} /> : ready ? <NoProject onOpenProjects={openProjects} /> : <div className="hs-empty hs-muted">Opening…</div>}</div>
          <Inspector />
        </main>
        <div className="hs-splitter" {...split.handleProps} />
        <section className="hs-bottom" style={{ height: split.height }} aria-label="Run panel">
          <RunPanel />
        </section>
        {experimentsOpen && (
          <Suspense fallback={<div className="hs-empty hs-muted">Opening Experiments…</div>}>
            <ExperimentsView onClose={() => setExperimentsOpen(false)} />
          </Suspense>
        )}
        {projectsOpen && <ProjectsDialog onClose={() => setProjectsOpen(false)} />}
        {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
        <FileDrop onModelFile={() => setSettingsOpen(true)} />
      </div>
    </ReactFlowProvider>
  );
}
