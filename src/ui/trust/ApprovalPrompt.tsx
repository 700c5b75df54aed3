import { useState } from 'react';
import type { HumanInput, OpenAsk } from '../../kernel';
import { useStudio } from '../../store';
import { input } from '../run/runController';
import { authorityText } from './decisions';
import { argsText } from './pendingAsks';
import { TaintBadges } from './Taint';
import './trust.css';

/** One open ask: who waits, for which call, why; approve (once or remembered), or deny. */
function AskCard({ ask }: { ask: OpenAsk }) {
  const [busy, setBusy] = useState(false);
  const answer = (human: HumanInput) => {
    setBusy(true);
    // input() reports its own errors in the run banner; the card stays until the answer is in the trace.
    void input(human).finally(() => setBusy(false));
  };
  const d = ask.decision;
  const declassify = d.ask === 'declassify';
  const title = declassify ? `${ask.agent} wants to pass untrusted data to ${ask.tool}` : `${ask.agent} asks to call ${ask.tool}`;
  return (
    <div
      className="tv-ask"
      role="dialog"
      aria-modal="false"
      aria-label={title}
      data-testid="approval-prompt"
      data-call-id={ask.callId}
      data-agent={ask.agent}
      data-kind={d.ask ?? 'approve'}
    >
      <div className="tv-ask-title">
        <strong>{title}</strong>
        <span className="rp-dim"> · call {ask.callId} · event {ask.seq}</span>
      </div>
      <div className="tv-ask-note">
        Only {ask.agent} is paused until you answer; the other agents continue.
      </div>
      <div className="tv-ask-why">
        {d.reason} <span className="rp-dim">({authorityText({ rule: d.rule ?? '', scope: d.scope ?? '', module: d.module })})</span>
      </div>
      {d.taint.length > 0 && (
        <div className="tv-ask-taint">
          <TaintBadges taint={d.taint} />
        </div>
      )}
      <pre className="rp-pre tv-ask-args" aria-label="Arguments" data-testid="approval-args">{argsText(ask.args)}</pre>
      <div className="tv-ask-actions">
        <button type="button" className="rp-primary" data-testid="approval-approve" disabled={busy} onClick={() => answer({ kind: 'approve', callId: ask.callId, remember: false })}>
          {declassify ? 'Declassify and allow' : 'Approve'}
        </button>
        {!declassify && (
          <button
            type="button"
            data-testid="approval-remember"
            disabled={busy}
            title="Approve, and add a session rule so later calls like this one are allowed without asking"
            onClick={() => answer({ kind: 'approve', callId: ask.callId, remember: true })}
          >
            Approve and remember
          </button>
        )}
        <button type="button" className="tv-deny" data-testid="approval-deny" disabled={busy} onClick={() => answer({ kind: 'deny', callId: ask.callId })}>
          Deny
        </button>
      </div>
    </div>
  );
}

/**
 * The approval prompt: one card per ask still open at the head of the run (whatever the scrubber
 * shows and whatever view is open). Answering records a human input; the run resumes in place.
 */
export function ApprovalPrompt() {
  // The kernel state's own open asks at the head (the run projection tracks them with the kernel's reducer).
  const asks = useStudio((s) => s.openAsks);
  const status = useStudio((s) => s.status);
  const loading = useStudio((s) => s.loading);
  // While a stored trace loads, its head is not the run's yet: an ask seen there may be answered later on.
  if (asks.length === 0 || status === 'stopped' || loading) return null;
  return (
    <div className="tv-asks" data-testid="approval-prompts" aria-label="Approvals">
      {asks.map((ask) => (
        <AskCard key={ask.callId} ask={ask} />
      ))}
    </div>
  );
}
