import { useEffect, useMemo, useState } from 'react';
import { evaluateExpr, exprErrorText, parseExpr, valueText, watchScope } from '../../kernel';
import { useStudio } from '../../store';
import { addWatch, loadWatches, removeWatch, useWatches } from './watchList';
import './watch.css';

/** The document limits the run started with (what the harness budget left is measured against). */
function limitsOf(doc: unknown): { maxTokens?: number; maxCost?: number } | undefined {
  const limits = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).limits : undefined;
  if (limits === null || typeof limits !== 'object') return undefined;
  const { maxTokens, maxCost } = limits as Record<string, unknown>;
  return { ...(typeof maxTokens === 'number' ? { maxTokens } : {}), ...(typeof maxCost === 'number' ? { maxCost } : {}) };
}

/**
 * Watch expressions over the kernel state at the cursor (the kernel's watchScope: agents, groups,
 * harness, goals, artifacts…), re-evaluated as the cursor moves; each shows its value or where
 * and why it fails. Saved with the project.
 */
export function WatchPane() {
  const projectId = useStudio((s) => s.projectId);
  const state = useStudio((s) => s.cursorState);
  const runDoc = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.doc);
  const watches = useWatches();
  const [draft, setDraft] = useState('');
  useEffect(() => {
    void loadWatches(projectId);
  }, [projectId]);

  const scope = useMemo(() => (state ? { names: watchScope(state, limitsOf(runDoc)), strict: true } : null), [state, runDoc]);
  const parsedDraft = draft.trim() === '' ? null : parseExpr(draft);
  const draftError = parsedDraft && !parsedDraft.ok ? parsedDraft.error : null;

  return (
    <div className="rp-section rp-grow" data-testid="watch-pane">
      <div className="rp-head" title="Expressions over the kernel state at the cursor, e.g. agents.writer.sched.lag or groups.writers.tokensLeft; saved with the project">
        Watch
      </div>
      <form
        className="bp-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (draftError || draft.trim() === '') return;
          addWatch(draft);
          setDraft('');
        }}
      >
        <div className="bp-field">
          <input data-testid="watch-input" aria-label="Watch expression" aria-invalid={draftError !== null} spellCheck={false} placeholder="agents.writer.sched.lag, groups.writers.tokensLeft (Enter adds)" value={draft} onChange={(e) => setDraft(e.currentTarget.value)} disabled={projectId === null} />
          {draftError && (
            <div className="bp-error" data-testid="watch-input-error" role="alert">
              {exprErrorText(draftError)}
            </div>
          )}
        </div>
      </form>
      <div className="rp-scroll">
        {watches.length === 0 && <div className="rp-empty">No watch expressions. Names: agents, groups, harness, goals, artifacts, inflight, now, seq.</div>}
        <ul className="wt-list">
          {watches.map((w) => {
            const parsed = parseExpr(w);
            const result = !parsed.ok ? parsed : scope === null ? null : evaluateExpr(parsed.expr, scope);
            const error = result && !result.ok ? exprErrorText(result.error) : null;
            return (
              <li key={w} className="wt-row" data-testid="watch-row" data-expr={w}>
                <span className="wt-expr" title={w}>{w}</span>
                <span className="wt-value" data-testid="watch-value" data-error={error !== null} title={error ?? undefined}>
                  {result === null ? '—' : error ?? valueText(result.ok ? result.value : undefined, 400)}
                </span>
                <button type="button" data-testid="watch-delete" aria-label={`Remove watch ${w}`} title="Remove" onClick={() => removeWatch(w)}>
                  ✕
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
