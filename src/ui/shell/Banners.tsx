import { useEffect } from 'react';
import { useStudio } from '../../store';
import type { ShellNotice } from '../../store/documentSlice';
import { flushSave } from './autosave';
import { keepMineAsCopy, reloadTheirs } from './projectActions';

function ConflictBanner() {
  const status = useStudio((s) => s.saveStatus);
  const rev = useStudio((s) => s.conflictRev);
  if (status !== 'conflict') return null;
  return (
    <div className="hs-banner hs-banner--warning" role="alert" data-testid="conflict-banner">
      <span className="hs-banner__text">
        This project was changed in another tab (rev {rev ?? '?'}). Your edits here are not saved.
      </span>
      <button type="button" className="hs-btn hs-btn--small" onClick={() => void reloadTheirs()} data-testid="reload-theirs-button">
        Reload theirs
      </button>
      <button type="button" className="hs-btn hs-btn--small hs-btn--primary" onClick={() => void keepMineAsCopy()} data-testid="keep-mine-button">
        Keep mine as a copy
      </button>
    </div>
  );
}

function SaveErrorBanner() {
  const status = useStudio((s) => s.saveStatus);
  const message = useStudio((s) => s.saveMessage);
  if (status !== 'error') return null;
  return (
    <div className="hs-banner hs-banner--error" role="alert" data-testid="save-error-banner">
      <span className="hs-banner__text">Saving failed: {message ?? 'unknown error'}. Your edits are kept in this tab.</span>
      <button type="button" className="hs-btn hs-btn--small" onClick={() => void flushSave()}>
        Retry
      </button>
    </div>
  );
}

const INFO_MS = 6000;

function Notice({ notice, onDismiss }: { notice: ShellNotice; onDismiss(id: number): void }) {
  useEffect(() => {
    // Information fades on its own; warnings, errors and questions stay until dismissed or answered.
    if (notice.level !== 'info' || notice.actions) return;
    const t = setTimeout(() => onDismiss(notice.id), INFO_MS);
    return () => clearTimeout(t);
  }, [notice, onDismiss]);
  return (
    <div className={`hs-banner hs-banner--${notice.level}`} role={notice.level === 'info' ? 'status' : 'alert'} data-testid="notice">
      <div className="hs-banner__text">
        {notice.message}
        {notice.details && notice.details.length > 0 && (
          <ul className="hs-banner__details" data-testid="notice-details">
            {notice.details.map((d, i) => (
              <li key={i}>{d}</li>
            ))}
          </ul>
        )}
      </div>
      {notice.actions?.map((a) => (
        <button
          key={a.label}
          type="button"
          className="hs-btn hs-btn--small"
          onClick={() => {
            onDismiss(notice.id);
            a.run();
          }}
        >
          {a.label}
        </button>
      ))}
      <button type="button" className="hs-btn hs-btn--icon hs-btn--ghost" aria-label="Dismiss" onClick={() => onDismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}

/** Conflict and save-error banners, then notices (storage, import results), newest last. */
export function Banners() {
  const notices = useStudio((s) => s.notices);
  const dismiss = useStudio((s) => s.dismissNotice);
  return (
    <div className="hs-banners">
      <ConflictBanner />
      <SaveErrorBanner />
      {notices.map((n) => (
        <Notice key={n.id} notice={n} onDismiss={dismiss} />
      ))}
    </div>
  );
}
