import { useMemo, useState } from 'react';
import { useStudio } from '../../../store';
import { issueEntityId, issueText } from '../issueIndex';

/** Every issue of the document, and why a valid one cannot run here; clicking one selects the entity it is about. */
export function ProblemsList() {
  const parseIssues = useStudio((s) => s.issues);
  const runIssues = useStudio((s) => s.runIssues);
  const issues = useMemo(() => [...parseIssues, ...runIssues], [parseIssues, runIssues]);
  const doc = useStudio((s) => s.doc);
  const select = useStudio((s) => s.select);
  const [open, setOpen] = useState(true);
  const rows = useMemo(() => issues.map((issue) => ({ issue, entity: issueEntityId(doc, issue) })), [doc, issues]);
  return (
    <section className={`hs-problems${open ? ' is-open' : ''}`} aria-label="Problems" data-testid="problems">
      <button type="button" className="hs-problems__head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="hs-caret" aria-hidden="true">{open ? '▾' : '▸'}</span>
        Problems
        <span className={`hs-count${issues.length > 0 ? ' hs-count--bad' : ' hs-count--ok'}`} data-testid="problem-count">
          {issues.length}
        </span>
      </button>
      {open && (
        <ul className="hs-problems__list">
          {rows.length === 0 && <li className="hs-muted hs-problems__empty">The document is valid.</li>}
          {rows.map(({ issue, entity }, i) => (
            <li key={i}>
              <button type="button" className="hs-problems__item" onClick={() => select(entity)} data-testid="problem-item" title={entity ? `Select ${entity}` : 'Document-level issue'}>
                <span className="hs-problems__path">{issue.path || 'document'}</span>
                <span className="hs-problems__msg">{issueText(issue)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
