/**
 * The picked node's state at the scrubber's cursor, beside the graph: an agent's place in the
 * slot cycle, what it waits on, its window and spending; a tool's open call and its decision.
 * The figures are the kernel's cursorView (cursorState.ts); this only lays them out, as text.
 */
import type { AgentAtCursor, ToolAtCursor } from '../../kernel';
import { useStudio } from '../../store';
import { fillPercent, shortCost, useAgentAtCursor, useToolAtCursor } from './cursorState';

function Row({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

function AgentRows({ a }: { a: AgentAtCursor }) {
  return (
    <dl>
      <Row label="state" value={a.running ? `running on ${a.model} slot ${a.slot}` : a.state} />
      <Row label="class" value={a.class} />
      {a.waitOn !== null && <Row label="waits on" value={a.waitOn} />}
      <Row label="window" value={`${a.windowTokens} / ${a.window} tokens (${fillPercent(a)}%)`} />
      <Row label="spent" value={`${a.tokens} tokens · ${shortCost(a.cost)}`} />
      {a.group !== null && (
        <Row
          label={`group ${a.group}`}
          value={`${a.groupTokens ?? 0}${a.groupTokensQuota === null ? '' : ` / ${a.groupTokensQuota}`} tokens · ${shortCost(a.groupCost ?? 0)}${a.groupCostQuota === null ? '' : ` / ${shortCost(a.groupCostQuota)}`}`}
        />
      )}
    </dl>
  );
}

function ToolRows({ t }: { t: ToolAtCursor }) {
  return (
    <dl>
      <Row label="open calls" value={t.agent === null ? 'none' : `${t.calls} (newest: ${t.agent}, ${t.phase})`} />
      {t.decision !== null && <Row label="decision" value={`${t.decision}${t.decidedFor === null ? '' : ` for ${t.decidedFor}`}`} />}
      {t.decision !== null && <Row label="rule" value={t.rule === null ? 'none' : `${t.rule}${t.scope === null ? '' : ` (${t.scope})`}`} />}
      {t.decision !== null && <Row label="module" value={t.module ?? 'kernel'} />}
      {t.reason && <Row label="reason" value={t.reason} />}
    </dl>
  );
}

/** The state of node `id` at the cursor, or nothing when the run has nothing to say about it. */
export function CursorNodeState({ id }: { id: string }) {
  const seq = useStudio((s) => s.cursorState?.seq ?? -1);
  const a = useAgentAtCursor(id);
  const t = useToolAtCursor(id);
  if (seq < 0 || (a === null && t === null)) return null;
  return (
    <section className="hs-cursor-node" data-testid="cursor-node-state" aria-label={`${id} at event ${seq}`}>
      <h3>
        {id} at event {seq}
      </h3>
      {a !== null ? <AgentRows a={a} /> : t !== null ? <ToolRows t={t} /> : null}
    </section>
  );
}
