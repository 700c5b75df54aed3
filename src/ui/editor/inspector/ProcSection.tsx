/**
 * The inspector's "/proc at the cursor" section for a selected agent: what the agent itself would
 * read from /proc at the scrubber's cursor. The kernel's own procSnapshot applied to the state at
 * the cursor (the UI never restates its rules); shown as a summary, then the JSON as the agent
 * reads it. Run text is shown as text.
 */
import { useMemo } from 'react';
import { procSnapshot, procText, type ProcSnapshot } from '../../../kernel';
import { useStudio } from '../../../store';
import { formatCost, formatTokens } from '../../run/format';
import { Section } from './fields';
import './proc.css';

const left = (n: number | null, unit: (x: number) => string): string => (n === null ? 'no limit' : unit(n));

function Row({ label, value, testId, title }: { label: string; value: string; testId?: string; title?: string }) {
  return (
    <div className="hs-proc__row" {...(title ? { title } : {})}>
      <span className="hs-proc__key">{label}</span>
      <span className="hs-proc__val" {...(testId ? { 'data-testid': testId } : {})}>{value}</span>
    </div>
  );
}

function Summary({ snap }: { snap: ProcSnapshot }) {
  const { budget, window: w, sched } = snap;
  const numbers = Object.entries(sched.numbers).map(([k, v]) => `${k} ${Number(v.toFixed(3))}`).join(' · ');
  return (
    <div className="hs-proc__summary">
      <Row label="state" value={`${snap.state} · pid ${snap.pid} · turn ${snap.turn}`} testId="proc-state" />
      <Row label="tokens left" value={left(budget.tokensLeft, formatTokens)} testId="proc-tokens-left" title="the least left over its budget groups and the harness limits" />
      <Row label="cost left" value={left(budget.costLeft, formatCost)} testId="proc-cost-left" />
      {budget.groups.map((g) => (
        <Row key={g.group} label={`group ${g.group}`} value={`${formatTokens(g.usedTokens)} of ${g.tokens === null ? '∞' : formatTokens(g.tokens)} tokens used${g.throttledUntil === null ? '' : ` · throttled until ${g.throttledUntil} ms`}`} testId="proc-group" />
      ))}
      <Row label="own use" value={`${formatTokens(budget.own.tokensIn)} in · ${formatTokens(budget.own.tokensOut)} out · ${formatCost(budget.own.cost)}`} />
      <Row label="window" value={`${formatTokens(w.used)} / ${formatTokens(w.limit)} · ${w.pressure} · warn at ${formatTokens(w.warnAtTokens)}, compact at ${formatTokens(w.compactAtTokens)}`} testId="proc-window" />
      <Row label="sched" value={`${sched.class}${numbers ? ` · ${numbers}` : ''}${sched.slot === null ? '' : ` · slot ${sched.slot}`}`} testId="proc-sched" />
      {sched.throttled.map((x) => (
        <Row key={`${x.by}:${x.what}`} label="throttled" value={`by ${x.by} ${x.what}${x.until === null ? '' : ` until ${x.until} ms`}`} />
      ))}
      {snap.waitsFor && <Row label="waits for" value={snap.waitsFor.agent ?? 'any message'} testId="proc-waits" />}
      {snap.tasks.map((t) => (
        <Row key={t.id} label={`task ${t.id}`} value={`${t.client} → ${t.server} · ${t.state} (${t.role})`} />
      ))}
      {snap.handles.map((h) => (
        <Row key={h.id} label={`handle ${h.id}`} value={`${h.target} · ${h.kind} ${h.access} · ${h.lease} lease${h.expiresAt === null ? '' : ` until ${h.expiresAt} ms`}${h.live ? '' : ' · ended'}`} />
      ))}
      {snap.goals.map((g) => (
        <Row key={g.id} label={`goal ${g.id}`} value={`${g.met ? 'met' : 'not met'}: ${g.why}`} testId="proc-goal" />
      ))}
    </div>
  );
}

/** "/proc at the cursor" for `agent`: nothing before a run, a note when it has no process yet. */
export function ProcSection({ agent }: { agent: string }) {
  const state = useStudio((s) => s.cursorState);
  const spec = useStudio((s) => s.spec);
  const snap = useMemo(() => (state && spec ? procSnapshot(state, spec, agent) : null), [state, spec, agent]);
  if (!state) return null;
  return (
    <Section title={`/proc at #${state.seq}`}>
      <div className="hs-proc" data-testid="proc-section" data-seq={state.seq}>
        {snap === null ? (
          <p className="hs-muted">{spec ? `${agent} has no process at #${state.seq}: its job has not started.` : 'The document has issues: fix them to read /proc.'}</p>
        ) : (
          <>
            <p className="hs-muted hs-proc__note">What {agent} reads from /proc at the cursor (the built-in call proc; read_proc for a real model with proc: true).</p>
            <Summary snap={snap} />
            <details className="hs-proc__raw">
              <summary>JSON as the agent reads it</summary>
              <pre data-testid="proc-json">{JSON.stringify(JSON.parse(procText(snap)), null, 2)}</pre>
            </details>
          </>
        )}
      </div>
    </Section>
  );
}
