/**
 * An agent's A2A Agent Card as the file the inspector exports. Generated from the parsed
 * document alone (kernel ipc/agentCard.ts), so no API key or studio setting can reach it.
 */
import { agentCard, agentCardJson, type HarnessSpec } from '../../../kernel';

export interface AgentCardFile {
  /** `<agentId>.agent-card.json` */
  name: string;
  /** Canonical JSON, newline-terminated. */
  text: string;
}

/** The card of `agentId`, or null when the document has no such agent. */
export function agentCardFile(spec: HarnessSpec, agentId: string): AgentCardFile | null {
  if (!spec.agents.some((a) => a.id === agentId)) return null;
  return { name: `${agentId}.agent-card.json`, text: agentCardJson(agentCard(spec, agentId)) };
}
