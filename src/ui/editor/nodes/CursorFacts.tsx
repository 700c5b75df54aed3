/**
 * What a node shows of the run at the scrubber's cursor (see ../cursorState.ts): an agent's slot
 * or what it waits on, with a badge of its window fill and budget; a tool's open call and the
 * decision on it, the deciding rule on hover. Run text is rendered as text, never markup.
 */
import type { CSSProperties } from 'react';
import type { AgentAtCursor, ToolAtCursor } from '../../../kernel';
import { decisionTitle, fillPercent, groupPercent, shortCost, shortTokens } from '../cursorState';
import { classColor } from './classColors';

/** The class name and inline style that make a running agent glow in its class's colour. */
export function agentGlow(a: AgentAtCursor | null): { className: string; style: CSSProperties | undefined } {
  if (!a) return { className: '', style: undefined };
  if (!a.running) return { className: a.wait !== null ? 'is-waiting' : a.state === 'done' || a.state === 'failed' ? 'is-over' : '', style: undefined };
  return { className: 'is-running', style: { ['--glow' as string]: classColor(a.class) } };
}

function agentLine(a: AgentAtCursor): string {
  if (a.running) return `● running · ${a.class} · slot ${a.slot}`;
  if (a.waitOn !== null) return `⏸ waits on ${a.waitOn}`;
  if (a.state === 'done') return '✓ done';
  if (a.state === 'failed') return '✕ failed';
  return a.state;
}

/** The agent's state line and its badge (window fill, tokens and cost, budget group use). */
export function AgentFacts({ a }: { a: AgentAtCursor }) {
  const fill = fillPercent(a);
  const group = groupPercent(a);
  const badge = `ctx ${fill}% · ${shortTokens(a.tokens)} tok · ${shortCost(a.cost)}${group === null ? '' : ` · ${a.group} ${group}%`}`;
  const badgeTitle =
    `window ${a.windowTokens} / ${a.window} tokens; spent ${a.tokens} tokens, ${shortCost(a.cost)}` +
    (a.group === null ? '' : `; group ${a.group}: ${a.groupTokens ?? 0}${a.groupTokensQuota === null ? '' : ` / ${a.groupTokensQuota}`} tokens, ${shortCost(a.groupCost ?? 0)}${a.groupCostQuota === null ? '' : ` / ${shortCost(a.groupCostQuota)}`}`);
  return (
    <div className="hs-node__run" data-testid={`node-run-${a.agent}`} data-state={a.state} data-wait={a.wait ?? undefined}>
      <div className="hs-node__run-line" title={a.waitOn ?? undefined}>
        {agentLine(a)}
      </div>
      <div className="hs-node__badge" data-testid={`node-badge-${a.agent}`} title={badgeTitle} data-level={fill >= 90 || (group ?? 0) >= 100 ? 'high' : undefined}>
        <span className="hs-node__fill" style={{ width: `${Math.min(100, fill)}%` }} aria-hidden="true" />
        <span className="hs-node__badge-text">{badge}</span>
      </div>
    </div>
  );
}

/** A tool's open call and the decision shown, with the deciding rule on hover. */
export function ToolFacts({ id, t }: { id: string; t: ToolAtCursor }) {
  const call = t.agent === null ? null : `${t.agent}: ${t.phase}${t.calls > 1 ? ` (+${t.calls - 1})` : ''}`;
  return (
    <div className="hs-node__run" data-testid={`node-call-${id}`} data-phase={t.phase ?? undefined}>
      {call !== null && <div className="hs-node__run-line">⚙ {call}</div>}
      {t.decision !== null && (
        <span className="hs-node__decision" data-testid={`node-decision-${id}`} data-decision={t.decision} data-rule={t.rule ?? undefined} title={decisionTitle(t)}>
          {t.decision}
          {t.rule !== null ? ` · ${t.rule}` : ''}
        </span>
      )}
    </div>
  );
}
