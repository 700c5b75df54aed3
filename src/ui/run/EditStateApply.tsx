import { useState } from 'react';
import { useStudio } from '../../store';
import { describeEdit, editsAt, usePendingEdits } from './pendingEdits';
import { applyEdits, editsApplyInPlace } from './runController';

/**
 * The edits made at the cursor in any view (Memory, Messages, Artifacts, Edit state), and the one
 * button that applies them: paused at the run's head, into the run itself (recorded as
 * `human.edited`, Run continues); at an earlier event or on a stopped run, as a fork from there.
 * `full`: the Edit state tab's side list (shown even when empty, with its hint).
 */
export function EditStateApply({ full = false }: { full?: boolean }) {
  const runId = useStudio((s) => s.runId);
  const cursor = useStudio((s) => s.cursor);
  const inPlace = useStudio(editsApplyInPlace);
  const pending = usePendingEdits();
  const edits = editsAt(pending, runId, cursor);
  const [busy, setBusy] = useState(false);
  if (edits.length === 0 && !full) return null;
  const label = inPlace ? 'Apply to this run' : 'Fork with edits';
  const title = inPlace
    ? 'Record these edits in this paused run as human inputs (human.edited); Run (F8) continues from them'
    : 'A new run from this event, with these edits recorded as human inputs; Run (F8) continues it';
  return (
    <div className={full ? 'es-apply es-apply--full' : 'es-apply'} data-testid="es-apply" data-in-place={inPlace}>
      <div className="rp-head">Pending edits @ {cursor} ({edits.length})</div>
      {edits.length === 0 && <div className="rp-empty">Edit a segment, a core block, a message, a tool result, a chunk or an artifact: paused at the run's head the edits go into this run; at an earlier event, into a fork from there.</div>}
      <ol className="es-pending" data-testid="es-pending">
        {edits.map((e, i) => (
          <li key={i} data-testid="es-pending-edit" data-kind={e.kind}>
            {describeEdit(e)}{' '}
            <button type="button" aria-label={`Drop the edit: ${describeEdit(e)}`} onClick={() => pending.drop(i)}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div className="rp-line">
        <button
          type="button"
          data-testid={inPlace ? 'apply-edits' : 'fork-with-edits'}
          disabled={edits.length === 0 || busy}
          title={title}
          onClick={() => {
            setBusy(true);
            void applyEdits(edits).then((ok) => {
              setBusy(false);
              if (ok) pending.clear();
            });
          }}
        >
          {label}
        </button>
        {edits.length > 0 && (
          <button type="button" data-testid="discard-edits" onClick={pending.clear}>
            Discard
          </button>
        )}
      </div>
    </div>
  );
}

/** The hook every editing view uses: adds an edit made at the selected run's cursor. */
export function useAddEdit(): ((edit: Parameters<ReturnType<typeof usePendingEdits.getState>['add']>[2]) => void) | null {
  const runId = useStudio((s) => s.runId);
  const cursor = useStudio((s) => s.cursor);
  const add = usePendingEdits((s) => s.add);
  if (runId === null || cursor < 0) return null;
  return (edit) => add(runId, cursor, edit);
}
