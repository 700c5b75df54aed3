import { useMemo } from 'react';
import { useStudio } from '../../store';
import { AuditTable } from './AuditTable';
import { auditAtHead, auditRowsAt } from './auditTable';
import { decisionLogFor } from './decisions';
import { runSpec } from './provenance';
import { Decisions } from './Decisions';
import { InjectionSuite } from './InjectionSuite';
import './trust.css';

/**
 * Permissions at the debugger's cursor: every trust decision so far (filterable, each naming
 * the rule and scope that made it), and the audit table of operations that changed state, with
 * rollback. Both are read once per trace and advanced as events arrive, never per render.
 * Below them, the injection suite: attack success and utility per defence setting.
 */
export function PermissionsView() {
  const events = useStudio((s) => s.events);
  const head = useStudio((s) => s.head);
  const cursor = useStudio((s) => s.cursor);
  const setCursor = useStudio((s) => s.setCursor);
  const live = useStudio((s) => s.status !== null && s.status !== 'stopped');
  const provenance = useStudio((s) => s.provenance);
  const doc = useStudio((s) => s.runs.find((r) => r.id === s.runId)?.doc);
  const spec = useMemo(() => runSpec(doc), [doc]);

  // `events` grows in place; `head` is what changes.
  const log = useMemo(() => decisionLogFor(events, head), [events, head]);
  const atHead = useMemo(() => auditAtHead(events, head), [events, head]);
  const auditRows = useMemo(() => auditRowsAt(events, cursor), [events, head, cursor]);

  return (
    <div className="tv" data-testid="permissions-view">
      <div className="tv-decisions rp-section">
        <Decisions log={log} head={head} cursor={cursor} onPick={setCursor} />
      </div>
      <div className="tv-audit rp-section">
        <AuditTable rows={auditRows} atHead={atHead} cursor={cursor} live={live} onPick={setCursor} provenance={provenance()} spec={spec} />
      </div>
      <InjectionSuite />
    </div>
  );
}
