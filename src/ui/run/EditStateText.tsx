import { useState } from 'react';

/**
 * A text of the state at the cursor with an Edit affordance: the text as plain text (never
 * HTML), Edit opens a box with it, Save hands the new text on (it becomes a pending edit).
 */
export function EditStateText({ text, testId, label, onSave, onRemove }: { text: string; testId: string; label: string; onSave(text: string): void; onRemove?(): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <div className="es-text" data-testid={testId}>
      {draft === null ? (
        <>
          <pre className="rp-pre">{text}</pre>
          <div className="rp-line">
            <button type="button" data-testid="es-edit" aria-label={`Edit ${label}`} onClick={() => setDraft(text)}>
              Edit
            </button>
            {onRemove && (
              <button type="button" data-testid="es-remove" aria-label={`Remove ${label}`} onClick={onRemove}>
                Remove
              </button>
            )}
          </div>
        </>
      ) : (
        <>
          <textarea data-testid="es-draft" aria-label={`New text of ${label}`} value={draft} rows={Math.min(8, Math.max(2, draft.split('\n').length))} onChange={(e) => setDraft(e.target.value)} />
          <div className="rp-line">
            <button
              type="button"
              data-testid="es-save"
              disabled={draft === text}
              onClick={() => {
                onSave(draft);
                setDraft(null);
              }}
            >
              Add edit
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </>
      )}
    </div>
  );
}
