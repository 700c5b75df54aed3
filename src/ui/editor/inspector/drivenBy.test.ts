import { describe, expect, it } from 'vitest';
import { drivenBy } from './drivenBy';

const doc = {
  version: 1,
  name: 'x',
  models: [
    { id: 'fast', name: 'Fast', provider: 'sim' },
    { id: 'local', name: 'Local', provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1' },
    { id: 'claude', name: 'Claude', provider: 'anthropic', model: 'claude-x' },
  ],
  agents: [],
};

describe('drivenBy', () => {
  it('a sim model: the behaviour script drives the agent and the prompt is unused', () => {
    expect(drivenBy(doc, 'fast', {})).toEqual({ by: 'sim', text: expect.stringMatching(/^Driven by its behaviour script \(sim\)/) });
  });
  it('a real model: its prompt on the model at the bound endpoint, else the base URL, else what to do', () => {
    expect(drivenBy(doc, 'local', { local: 'Ollama here' }).text).toMatch(/^Driven by its prompt on llama3\.2 at Ollama here\./);
    expect(drivenBy(doc, 'local', {}).text).toContain('at http://127.0.0.1:11434/v1');
    expect(drivenBy(doc, 'local', { local: 'local:tiny.gguf' }).text).toMatch(/^Driven by its prompt on llama3\.2 at tiny\.gguf, a local GGUF run in this browser\./);
    expect(drivenBy(doc, 'claude', {})).toMatchObject({ by: 'model', text: expect.stringContaining('no endpoint yet') });
  });
});
