import { useEffect, useState, type KeyboardEvent } from 'react';
import { useStudio } from '../../store';
import type { SaveStatus } from '../../store/documentSlice';
import { exportCurrent, importFile } from './projectActions';
import { isTraceFileName, openTraceFile } from '../run/traceFile';
import { flushSave } from './autosave';
import { LocalCpuStatus } from './LocalModelsSection';
import { FileButton } from '../shared/FileButton';

const STATUS_TEXT: Record<SaveStatus, string> = {
  saved: 'Saved',
  saving: 'Saving…',
  unsaved: 'Unsaved',
  conflict: 'Conflict',
  error: 'Save failed',
};

function ProjectName() {
  const name = useStudio((s) => s.projectName);
  const hasProject = useStudio((s) => s.projectId !== null);
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  const commit = (): void => {
    const next = text.trim();
    if (next === '') setText(name);
    else useStudio.getState().renameProject(next);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') e.currentTarget.blur();
    if (e.key === 'Escape') {
      setText(name);
      requestAnimationFrame(() => (e.target as HTMLInputElement).blur());
    }
  };
  if (!hasProject) return <span className="hs-topbar__noproject">No project</span>;
  return (
    <input
      className="hs-topbar__name"
      aria-label="Project name"
      value={text}
      size={Math.max(8, Math.min(40, text.length + 1))}
      spellCheck={false}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={onKeyDown}
      data-testid="project-name"
    />
  );
}

function SaveIndicator() {
  const status = useStudio((s) => s.saveStatus);
  const message = useStudio((s) => s.saveMessage);
  const hasProject = useStudio((s) => s.projectId !== null);
  if (!hasProject) return null;
  const title = status === 'error' ? `${message ?? 'Save failed'} — click to retry` : message ?? STATUS_TEXT[status];
  return (
    <button
      type="button"
      className={`hs-save hs-save--${status}`}
      data-testid="save-status"
      data-status={status}
      title={title}
      aria-live="polite"
      onClick={() => status === 'error' && void flushSave()}
    >
      <span className="hs-save__dot" aria-hidden="true" />
      {STATUS_TEXT[status]}
    </button>
  );
}

export function TopBar({ onOpenProjects, onOpenSettings, onOpenExperiments, onOpenHistory }: { onOpenProjects(): void; onOpenSettings(): void; onOpenExperiments(): void; onOpenHistory(): void }) {
  const hasProject = useStudio((s) => s.projectId !== null);
  const undoLabel = useStudio((s) => s.past.at(-1)?.label);
  const redoLabel = useStudio((s) => s.future.at(-1)?.label);
  const issueCount = useStudio((s) => s.issues.length);
  const cannotRunCount = useStudio((s) => s.runIssues.length);
  const mod = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

  return (
    <header className="hs-topbar" role="banner">
      <div className="hs-topbar__brand">
        <span className="hs-logo" aria-hidden="true" />
        Harness Studio
      </div>
      <span className="hs-topbar__sep" aria-hidden="true">/</span>
      <ProjectName />
      <button type="button" className="hs-btn" onClick={onOpenProjects} data-testid="projects-button">
        Projects
      </button>
      <div className="hs-topbar__group" role="group" aria-label="File">
        <FileButton
          accept=".json,application/json,.jsonl,.ndjson,.gz" inputLabel="Import harness file" testId="import-button" inputTestId="import-input"
          title="Import a .harness.json file, or open a .jsonl(.gz) trace as a run (or drop one on the page)"
          onFiles={([file]) => void (isTraceFileName(file!.name) ? openTraceFile(file!) : importFile(file!))}
        >
          Import
        </FileButton>
        <button type="button" className="hs-btn" onClick={() => void exportCurrent()} disabled={!hasProject} data-testid="export-button" title="Download the document as .harness.json">
          Export
        </button>
        <button type="button" className="hs-btn" onClick={onOpenHistory} disabled={!hasProject} data-testid="history-button" title="Every saved revision of the document, what each changed, and restoring one">
          History
        </button>
      </div>
      <div className="hs-topbar__group" role="group" aria-label="History">
        <button type="button" className="hs-btn hs-btn--icon" onClick={() => useStudio.getState().undo()} disabled={!undoLabel} data-testid="undo-button" aria-label={undoLabel ? `Undo ${undoLabel}` : 'Undo'} title={undoLabel ? `Undo ${undoLabel} (${mod}Z)` : 'Nothing to undo'}>
          ↶
        </button>
        <button type="button" className="hs-btn hs-btn--icon" onClick={() => useStudio.getState().redo()} disabled={!redoLabel} data-testid="redo-button" aria-label={redoLabel ? `Redo ${redoLabel}` : 'Redo'} title={redoLabel ? `Redo ${redoLabel} (${mod}Shift+Z)` : 'Nothing to redo'}>
          ↷
        </button>
      </div>
      <button type="button" className="hs-btn" onClick={onOpenExperiments} disabled={!hasProject} data-testid="experiments-button" title="Many seeded runs of this harness and its variants, with statistics">
        Experiments
      </button>
      <div className="hs-topbar__spacer" />
      {hasProject && (
        <span
          className={`hs-topbar__issues${issueCount + cannotRunCount > 0 ? ' is-bad' : ''}`}
          data-testid="issue-count"
          title={issueCount > 0 ? 'See Problems in the inspector' : cannotRunCount > 0 ? 'The document is valid, but a model cannot run here: see Problems in the inspector' : 'The document is valid'}
        >
          {issueCount > 0 ? `${issueCount} problem${issueCount === 1 ? '' : 's'}` : cannotRunCount > 0 ? 'Valid · cannot run here' : 'Valid'}
        </span>
      )}
      <LocalCpuStatus />
      <SaveIndicator />
      <button type="button" className="hs-btn" onClick={onOpenSettings} data-testid="settings-button" title="Model endpoints and local models: where real agents run">
        Settings
      </button>
    </header>
  );
}
