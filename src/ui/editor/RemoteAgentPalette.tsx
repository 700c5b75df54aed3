/**
 * The palette's Remote agents section: paste an A2A Agent Card URL (or the agent's base URL); the
 * worker reads the card with the official SDK client and the agent appears on the canvas as a
 * remote agent node, its skills and input/output modes listed here. Connect a local agent to it
 * (drag from the agent's right handle) to let it send messages there. An auth header is kept in
 * this browser's settings, never in the document.
 */
import { useState } from 'react';
import { useStudio } from '../../store';
import { studio } from '../../bridge/client';
import type { RemoteCardResult } from '../../bridge/api';
import { addRemoteAgent, remoteAgents, remoteSpot } from './remoteAgentDoc';
import { LookupError, UrlAuthForm, UrlLookupForm, useUrlLookup } from './UrlLookup';

export function RemoteAgentPalette() {
  const doc = useStudio((s) => s.doc);
  const hasProject = useStudio((s) => s.projectId !== null);
  const [url, setUrl] = useState('');
  const [authFor, setAuthFor] = useState<string | null>(null);
  const declared = remoteAgents(doc);
  const { busy, results: found, run: read } = useUrlLookup((target) => studio().remoteAgentCard(target), (r: RemoteCardResult) => {
    if (!r.ok) return;
    const { doc: current, change } = useStudio.getState();
    const added = addRemoteAgent(current, r, remoteSpot(current));
    if (added.added) {
      change(`Add remote agent ${added.id}`, added.doc, { select: added.id });
      setUrl('');
    } else if (added.doc !== current) change(`Update skills of ${added.id}`, added.doc);
  });

  const pending = url.trim() !== '' ? found[url.trim()] : undefined;

  return (
    <section className="hs-mcp hs-remote" aria-label="Remote agents" data-testid="remote-palette">
      <div className="hs-section-title">Remote agents</div>
      <UrlLookupForm
        value={url} onChange={setUrl} onSubmit={(target) => void read(target)} placeholder="http://127.0.0.1:4000/.well-known/agent-card.json" label="Agent Card URL"
        testId="remote-url" submitTestId="remote-add" disabled={!hasProject} busy={busy} idleLabel="Add" busyLabel="Reading…"
      />
      {pending && !pending.ok && <LookupError result={pending} testId="remote-error" />}
      {declared.map((r) => {
        const card = found[r.url];
        return (
          <div key={r.id} className="hs-mcp__server" data-testid={`remote-agent-${r.id}`}>
            <div className="hs-mcp__head">
              <b title={r.url}>{r.name || r.id}</b>
              <button type="button" onClick={() => void read(r.url)} disabled={busy !== null || r.url === ''} data-testid={`remote-card-${r.id}`} title="Read its Agent Card again">
                {busy === r.url ? '…' : card?.ok ? '↻' : 'Card'}
              </button>
              <button type="button" onClick={() => setAuthFor(authFor === r.url ? null : r.url)} title="An auth header for this agent, kept in this browser (never in the document or an export)">
                {card?.auth ? 'Auth ✓' : 'Auth'}
              </button>
            </div>
            {authFor === r.url && <UrlAuthForm url={r.url} save={(u, h, v) => studio().setRemoteAuth(u, h, v)} onSaved={() => { setAuthFor(null); void read(r.url); }} />}
            {card && !card.ok && <LookupError result={card} testId="remote-error" />}
            {card?.ok && <CardDetails card={card} />}
          </div>
        );
      })}
    </section>
  );
}

/** What the card says: its description, skills with their input/output modes, and the agent's default modes. */
function CardDetails({ card }: { card: Extract<RemoteCardResult, { ok: true }> }) {
  const modes = (input: readonly string[], output: readonly string[]) => `${input.join(', ') || 'any'} → ${output.join(', ') || 'any'}`;
  return (
    <div className="hs-remote__card" data-testid="remote-card">
      {card.description && <p className="hs-remote__desc">{card.description}</p>}
      <p className="hs-remote__modes" title="default input → output modes">{modes(card.defaultInputModes, card.defaultOutputModes)}</p>
      <ul className="hs-remote__skills" aria-label={`Skills of ${card.name}`}>
        {card.skills.map((s) => (
          <li key={s.id} title={s.description} data-testid={`remote-skill-${s.id}`}>
            <b>{s.name || s.id}</b>
            {(s.inputModes.length > 0 || s.outputModes.length > 0) && <span className="hs-remote__modes"> {modes(s.inputModes, s.outputModes)}</span>}
          </li>
        ))}
      </ul>
      {card.security.length > 0 && !card.auth && <p className="hs-remote__desc">It declares {card.security.join(', ')} auth: add its header with Auth.</p>}
    </div>
  );
}
