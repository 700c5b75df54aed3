/**
 * The Experiments page, over the workspace: the open project's experiments (new on the current
 * document, from a shipped example, or imported), the selected one's definition on the left and
 * its run and results on the right. Opening a run closes the page onto the debugger.
 */
import { useEffect, useRef } from 'react';
import { useStudio } from '../../store';
import { downloadText } from '../shared/download';
import { FileButton } from '../shared/FileButton';
import { newExperiment } from './definition';
import { DefinitionPanel } from './DefinitionPanel';
import { EXAMPLE_EXPERIMENTS, loadExampleExperiment } from './examples';
import { CloseContext } from './closeContext';
import { ResultsPanel } from './ResultsPanel';
import { createExperiment, deleteExperiment, dismissError, exportSelected, importExperimentFile, openExperiments, selectExperiment, useExperiments } from './session';
import './experiments.css';

const STATUS: Record<string, string> = { draft: 'not run', running: 'running', cancelled: 'cancelled', done: 'done', failed: 'failed' };

function Toolbar() {
  const list = useExperiments((s) => s.list);
  const selected = useExperiments((s) => s.selected);
  const phase = useExperiments((s) => s.phase);
  const doc = useStudio((s) => s.doc);
  const projectName = useStudio((s) => s.projectName);
  const idle = phase === 'idle';
  return (
    <div className="ex-toolbar">
      <label>
        Experiment{' '}
        <select value={selected?.id ?? ''} disabled={!idle || list.length === 0} onChange={(e) => void selectExperiment(e.target.value)} data-testid="exp-select">
          {list.length === 0 && <option value="">none yet</option>}
          {list.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name} ({STATUS[e.status] ?? e.status})
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="hs-btn" disabled={!idle} onClick={() => void createExperiment(newExperiment(doc, `${projectName || 'Harness'}: experiment ${list.length + 1}`))} data-testid="exp-new" title="A new experiment on the document as it is now">
        New on this document
      </button>
      <select
        aria-label="Open an example experiment"
        value=""
        disabled={!idle}
        data-testid="exp-example"
        onChange={(e) => {
          const file = e.target.value;
          if (file) void loadExampleExperiment(file).then(createExperiment, (err: unknown) => useStudio.getState().notify({ level: 'error', message: `Could not open ${file}: ${err instanceof Error ? err.message : String(err)}` }));
        }}
      >
        <option value="">Example…</option>
        {EXAMPLE_EXPERIMENTS.map((x) => (
          <option key={x.file} value={x.file}>
            {x.label}
          </option>
        ))}
      </select>
      <FileButton
        accept=".json,application/json" inputLabel="Import an experiment with its results" testId="exp-import" inputTestId="exp-import-input" disabled={!idle}
        onFiles={([f]) => void f!.text().then((t) => importExperimentFile(t, f!.name))}
      >
        Import
      </FileButton>
      <button type="button" className="hs-btn" disabled={!selected || !idle} onClick={() => void exportSelected().then((x) => x && downloadText(x.name, x.text, 'application/json'))} data-testid="exp-export" title="The experiment with its results, as one file">
        Export
      </button>
      <button type="button" className="hs-btn hs-btn--danger" disabled={!selected || !idle} onClick={() => selected && window.confirm(`Delete the experiment "${selected.name}" and its results?`) && void deleteExperiment(selected.id)} data-testid="exp-delete">
        Delete
      </button>
    </div>
  );
}

export function ExperimentsView({ onClose }: { onClose(): void }) {
  const projectId = useStudio((s) => s.projectId);
  const selected = useExperiments((s) => s.selected);
  const error = useExperiments((s) => s.error);
  useEffect(() => {
    if (projectId) void openExperiments(projectId);
  }, [projectId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !e.defaultPrevented && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <CloseContext.Provider value={onClose}>
      <section className="ex-page" role="region" aria-label="Experiments" data-testid="experiments-view">
        <header className="ex-head">
          <h2>Experiments</h2>
          <Toolbar />
          <button type="button" className="hs-btn hs-btn--ghost" onClick={onClose} aria-label="Close Experiments" data-testid="exp-close">
            ✕
          </button>
        </header>
        {error && (
          <div className="ex-error ex-banner" role="alert" data-testid="exp-error">
            {error}{' '}
            <button type="button" className="hs-btn hs-btn--small" onClick={dismissError}>
              Dismiss
            </button>
          </div>
        )}
        {!projectId ? (
          <p className="hs-empty">Open a project first: an experiment runs a project's harness.</p>
        ) : !selected ? (
          <div className="hs-empty">
            <p>No experiment in this project yet. Start one on the document as it is (add variants as edits), or open an example.</p>
          </div>
        ) : (
          <div className="ex-body">
            <DefinitionPanel />
            <ResultsPanel />
          </div>
        )}
      </section>
    </CloseContext.Provider>
  );
}
