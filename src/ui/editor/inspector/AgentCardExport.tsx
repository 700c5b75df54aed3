import { useMemo } from 'react';
import { useStudio } from '../../../store';
import { agentCardFile, type AgentCardFile } from './agentCardFile';
import { Section } from './fields';
import './agentCard.css';

/** Saves the card through a temporary object URL, as the document export does (shell/projectActions.ts). */
function download(file: AgentCardFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The agent's A2A Agent Card, generated from the document as it stands (name, description,
 * version, skills, capabilities, input/output modes), read-only, with an export to
 * `<agentId>.agent-card.json`. Only a document that parses has a card.
 */
export function AgentCardSection({ agentId }: { agentId: string }) {
  const spec = useStudio((s) => s.spec);
  const file = useMemo(() => (spec ? agentCardFile(spec, agentId) : null), [spec, agentId]);
  return (
    <Section
      title="Agent Card"
      actions={
        <button type="button" className="hs-btn hs-btn--small" disabled={file === null} onClick={() => file && download(file)} data-testid="agent-card-export" title={file ? `Download ${file.name}` : undefined}>
          Export
        </button>
      }
    >
      {file ? (
        <pre className="hs-card__json" data-testid="agent-card-json" aria-label={`Agent Card of ${agentId}`}>
          {file.text}
        </pre>
      ) : (
        <p className="hs-muted" data-testid="agent-card-unavailable">The card is generated from a document without issues: fix the problems below first.</p>
      )}
      <p className="hs-muted">A2A 1.0, from the document only: skills are the tools this agent holds and the agents its channels reach. No keys or settings.</p>
    </Section>
  );
}
