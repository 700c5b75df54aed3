import { describe, expect, it } from 'vitest';
import { harness } from '../test/TestKernel';
import { BUILTIN_PROVIDERS, checkRunnable } from './runnable';

const spec = harness({
  models: [
    { id: 'm', name: 'Sim', provider: 'sim' },
    { id: 'gpt', name: 'GPT', provider: 'openai', model: 'gpt-4o-mini' },
    { id: 'claude', name: 'Claude', provider: 'anthropic', model: 'claude' },
  ],
  agents: [{ id: 'a', name: 'A', model: 'gpt', behaviour: [{ op: 'finish' }] }],
});

describe('checkRunnable', () => {
  it('reports each model whose provider cannot run here, at its provider field, naming the model and what is missing', () => {
    expect(checkRunnable(spec, BUILTIN_PROVIDERS)).toEqual([
      expect.objectContaining({ path: 'models[1].provider', message: 'models[1].provider: model "gpt" uses provider "openai", which cannot run here: no openai endpoint is available (available: sim)' }),
      expect.objectContaining({ path: 'models[2].provider', found: '"anthropic"' }),
    ]);
  });

  it('takes the providers a host has endpoints for (a later issue passes its configured ones)', () => {
    expect(checkRunnable(spec, [...BUILTIN_PROVIDERS, 'openai', 'anthropic'])).toEqual([]);
    expect(checkRunnable(spec, ['sim', 'openai']).map((i) => i.path)).toEqual(['models[2].provider']);
  });

  it('a model with an endpoint of its own runs; another model of the same provider without one does not', () => {
    expect(checkRunnable(spec, BUILTIN_PROVIDERS, ['gpt', 'claude'])).toEqual([]);
    expect(checkRunnable(spec, BUILTIN_PROVIDERS, ['gpt']).map((i) => i.path)).toEqual(['models[2].provider']);
  });

  it('a sim-only document can run with the built-in providers alone', () => {
    expect(checkRunnable(harness(), BUILTIN_PROVIDERS)).toEqual([]);
  });
});
