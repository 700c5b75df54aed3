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

/** Adds a segment (optionally a fact, never evicted) at the end of an agent's window. */
export function SegmentAddForm({ agent, onAdd }: { agent: string; onAdd(text: string, fact: boolean): void }) {
  const [text, setText] = useState('');
  const [fact, setFact] = useState(false);
  return (
    <div className="es-item">
      <textarea data-testid="es-add-text" aria-label={`A new segment for ${agent}'s window`} placeholder="Add a segment to this window…" value={text} rows={2} onChange={(e) => setText(e.target.value)} />
      <div className="rp-line">
        <label>
          <input type="checkbox" checked={fact} onChange={(e) => setFact(e.target.checked)} /> fact
        </label>
        <button
          type="button"
          data-testid="es-add"
          disabled={text.trim() === ''}
          onClick={() => {
            onAdd(text, fact);
            setText('');
          }}
        >
          Add segment
        </button>
      </div>
    </div>
  );
}
