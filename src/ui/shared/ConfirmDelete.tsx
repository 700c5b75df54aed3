/** A row's Delete button that asks once more in place (Delete / Cancel) before it deletes. */
import { useState } from 'react';

export function ConfirmDelete({ name, onDelete, testId }: { name: string; onDelete(): void | Promise<void>; testId: string }) {
  const [confirm, setConfirm] = useState(false);
  return confirm ? (
    <span role="group" aria-label={`Delete ${name}?`}>
      <button type="button" className="hs-btn hs-btn--small hs-btn--danger" onClick={() => void onDelete()} data-testid={`${testId}-confirm`}>
        Delete
      </button>
      <button type="button" className="hs-btn hs-btn--small" onClick={() => setConfirm(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => setConfirm(true)} data-testid={testId}>
      Delete
    </button>
  );
}
