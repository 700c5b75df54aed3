import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import { studio } from '../../bridge/client';
import type { ProjectSummary } from '../../bridge/api';
import { useStudio } from '../../store';
import { useModalDialog } from '../shared/useModalDialog';
import { createBlank, createFromExample, deleteStoredProject, openProject, renameStoredProject, type ExampleEntry } from './projectActions';
import { ExamplesIndex } from './ExamplesIndex';

function when(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}

function ProjectRow({ p, current, onChanged, onOpened, onDeleted }: { p: ProjectSummary; current: boolean; onChanged(): void; onOpened(): void; onDeleted(): void }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm'>('view');
  const [name, setName] = useState(p.name);
  const rename = async (): Promise<void> => {
    const next = name.trim();
    if (next && next !== p.name) await renameStoredProject(p.id, next);
    setMode('view');
    onChanged();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') void rename();
    if (e.key === 'Escape') {
      e.preventDefault();
      setName(p.name);
      setMode('view');
    }
  };
  return (
    <li className={`hs-projects__row${current ? ' is-current' : ''}`} data-testid="project-row" data-project-id={p.id}>
      {mode === 'rename' ? (
        <input className="hs-input" aria-label={`New name for ${p.name}`} value={name} autoFocus onChange={(e) => setName(e.target.value)} onKeyDown={onKeyDown} onBlur={() => void rename()} data-testid="project-rename-input" />
      ) : (
        <button type="button" className="hs-projects__open" onClick={async () => (await openProject(p.id)) && onOpened()} data-testid="project-open">
          <span className="hs-projects__name">{p.name}</span>
          {current && <span className="hs-chip">open</span>}
        </button>
      )}
      <span className="hs-projects__meta">rev {p.rev} · {when(p.updatedAt)}</span>
      {mode === 'confirm' ? (
        <span className="hs-projects__confirm" role="group" aria-label={`Delete ${p.name}?`}>
          Delete?
          <button type="button" className="hs-btn hs-btn--small hs-btn--danger" onClick={async () => { await deleteStoredProject(p.id); onDeleted(); }} data-testid="project-delete-confirm">
            Delete
          </button>
          <button type="button" className="hs-btn hs-btn--small" onClick={() => setMode('view')}>
            Cancel
          </button>
        </span>
      ) : (
        <span className="hs-projects__actions">
          <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => setMode('rename')} data-testid="project-rename">
            Rename
          </button>
          <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => setMode('confirm')} data-testid="project-delete">
            Delete
          </button>
        </span>
      )}
    </li>
  );
}

/** The project list: open, rename, delete (with confirmation), and new projects. */
export function ProjectsDialog({ onClose }: { onClose(): void }) {
  const currentId = useStudio((s) => s.projectId);
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useModalDialog(onClose);

  const refresh = useCallback(() => {
    studio()
      .listProjects()
      .then((list) => setProjects([...list].sort((a, b) => b.updatedAt - a.updatedAt)))
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  useEffect(refresh, [refresh]);

  const create = async (from: 'blank' | 'example', example?: ExampleEntry): Promise<void> => {
    const record = from === 'blank' ? await createBlank() : await createFromExample(example?.name, example?.file);
    if (record) onClose();
  };

  return (
    <div className="hs-modal" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        className="hs-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="projects-title"
        tabIndex={-1}
        data-testid="projects-dialog"
      >
        <header className="hs-dialog__head">
          <h2 id="projects-title">Projects</h2>
          <span className="hs-topbar__spacer" />
          <button type="button" className="hs-btn" onClick={() => void create('blank')} data-testid="new-blank-button">
            New blank
          </button>
          <button type="button" className="hs-btn hs-btn--primary" onClick={() => void create('example')} data-testid="new-example-button">
            New from example
          </button>
          <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {error && <div className="hs-banner hs-banner--error">{error}</div>}
        <ExamplesIndex onPick={(example) => void create('example', example)} />
        {projects === null ? (
          <p className="hs-muted hs-pad">Loading…</p>
        ) : projects.length === 0 ? (
          <p className="hs-muted hs-pad">No projects yet. Start from the example or a blank harness.</p>
        ) : (
          <ul className="hs-projects">
            {projects.map((p) => (
              <ProjectRow
                key={p.id}
                p={p}
                current={p.id === currentId}
                onChanged={refresh}
                onOpened={onClose}
                onDeleted={() => {
                  refresh();
                  dialog.current?.focus(); // the focused row is gone
                }}
              />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
