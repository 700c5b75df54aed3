/**
 * The project's document history: every stored revision, newest first; one selected shows
 * what it changed from the revision before it, and **Restore** makes its document the current
 * one — a new revision, undoable with Ctrl/Cmd+Z like any edit.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { studio } from '../../bridge/client';
import type { ProjectVersion } from '../../bridge/api';
import { useStudio } from '../../store';
import { revisionDiff } from './historyDiff';

function DiffView({ before, after }: { before: ProjectVersion | undefined; after: ProjectVersion }) {
  const diff = useMemo(() => revisionDiff(before?.doc ?? {}, after.doc), [before, after]);
  return (
    <div className="hs-history__diff" data-testid="history-diff" aria-label={`Changes in revision ${after.rev}`}>
      <p className="hs-history__summary">
        {before ? `Revision ${after.rev} against ${before.rev}` : `Revision ${after.rev}, the first kept`}: <span className="hs-history__add">+{diff.added}</span> <span className="hs-history__del">−{diff.removed}</span>
        {diff.added + diff.removed === 0 && ' (the same document; it was re-signed or renamed)'}
      </p>
      <pre className="hs-history__lines">
        {diff.rows.map((row, i) =>
          row.kind === 'fold' ? (
            <div key={i} className="hs-history__fold">⋯ {row.lines} unchanged lines</div>
          ) : (
            <div key={i} className={`hs-history__line hs-history__line--${row.kind}`} data-kind={row.kind}>
              {row.kind === 'add' ? '+ ' : row.kind === 'del' ? '− ' : '  '}
              {row.text}
            </div>
          ),
        )}
      </pre>
    </div>
  );
}

export function HistoryDialog({ onClose }: { onClose(): void }) {
  const projectId = useStudio((s) => s.projectId);
  const currentRev = useStudio((s) => s.rev);
  const [versions, setVersions] = useState<ProjectVersion[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!projectId) return;
    studio()
      .listVersions(projectId)
      .then((list) => {
        setVersions(list);
        setSelected((s) => s ?? list[0]?.rev ?? null);
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [projectId, currentRev]);

  useEffect(() => {
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const index = versions?.findIndex((v) => v.rev === selected) ?? -1;
  const version = index >= 0 ? versions![index] : undefined;

  const restore = (v: ProjectVersion): void => {
    const s = useStudio.getState();
    s.change(`Restore revision ${v.rev}`, v.doc, { select: null });
    s.notify({ level: 'info', key: 'history', message: `Restored revision ${v.rev}: it is saved as a new revision; Ctrl/Cmd+Z undoes it.` });
    onClose();
  };

  return (
    <div className="hs-modal" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="hs-dialog hs-history" role="dialog" aria-modal="true" aria-labelledby="history-title" tabIndex={-1} data-testid="history-dialog">
        <header className="hs-dialog__head">
          <h2 id="history-title">Document history</h2>
          <span className="hs-topbar__spacer" />
          {version && (
            <button type="button" className="hs-btn hs-btn--primary" disabled={version.rev === currentRev} onClick={() => restore(version)} data-testid="history-restore" title={version.rev === currentRev ? 'This is the current revision' : `Make revision ${version.rev} the current document (a new revision; undoable)`}>
              Restore revision {version.rev}
            </button>
          )}
          <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {error && <div className="hs-banner hs-banner--error">{error}</div>}
        {versions === null ? (
          <p className="hs-muted hs-pad">Loading…</p>
        ) : (
          <div className="hs-history__body">
            <ul className="hs-history__list" role="listbox" aria-label="Revisions">
              {versions.map((v) => (
                <li key={v.rev}>
                  <button type="button" role="option" aria-selected={v.rev === selected} className="hs-history__rev" onClick={() => setSelected(v.rev)} data-testid="history-rev" data-rev={v.rev}>
                    <b>rev {v.rev}</b>
                    {v.rev === currentRev && <span className="hs-chip">current</span>}
                    <span className="hs-muted">{new Date(v.savedAt).toLocaleString()}</span>
                  </button>
                </li>
              ))}
            </ul>
            {version && <DiffView before={versions[index + 1]} after={version} />}
          </div>
        )}
      </div>
    </div>
  );
}
