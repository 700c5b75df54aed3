import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../../../kernel';
import { agentCardFile } from './agentCardFile';

function researchTeam(): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL('../../../../public/examples/research-team.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  // A model with an endpoint: nothing of it may reach a card.
  const models = (doc.models as Record<string, unknown>[]).map((m) => ({ ...m, baseUrl: 'https://models.internal.example/v1' }));
  const parsed = parseHarness({ ...doc, models });
  if (!parsed.ok) throw new Error('the example does not parse');
  return parsed.spec;
}

describe('agent card file', () => {
  it('names the file after the agent and holds its generated card', () => {
    const file = agentCardFile(researchTeam(), 'researcher')!;
    const card = JSON.parse(file.text) as Record<string, unknown>;

    expect(file.name).toBe('researcher.agent-card.json');
    expect(file.text.endsWith('}\n')).toBe(true);
    expect(card).toMatchObject({
      name: 'Researcher',
      description: 'Searches the corpus and files what it finds.',
      version: '1',
      capabilities: { streaming: false, pushNotifications: false },
      defaultInputModes: ['text/plain', 'application/json'],
      defaultOutputModes: ['text/plain', 'application/json'],
    });
    expect((card.skills as { id: string }[]).map((s) => s.id)).toEqual(['tool.web_search', 'delegate.writer']);
  });

  it('carries nothing but the document: no model endpoint, provider or system prompt', () => {
    const text = agentCardFile(researchTeam(), 'planner')!.text;

    expect(text).not.toContain('models.internal.example');
    expect(text).not.toContain('sim-small');
    expect(text).not.toContain('You are the planner');
    expect(text).not.toMatch(/api.?key|secret|token/i);
  });

  it('is null for an agent the document does not have', () => {
    expect(agentCardFile(researchTeam(), 'ghost')).toBeNull();
  });
});
