import { describe, expect, it } from 'vitest';
import { parseHarness } from './spec';
import { TestKernel } from './test/TestKernel';
import { countTokens, encodingFor, hasEncoding, loadEncoding, loadEncodingsFor } from './tokens';

const PROMPT = 'You are a meticulous reviewer. Résumé: naïve café — 東京 🚀 <|endoftext|> tabs\tand CRLF\r\n.';

function spec(tokenizer?: string) {
  const r = parseHarness({
    version: 1, name: 't',
    models: [{ id: 'm', name: 'M', ...(tokenizer ? { tokenizer } : {}) }],
    agents: [{ id: 'a', name: 'A', model: 'm', systemPrompt: PROMPT, behaviour: [{ op: 'finish', text: 'ok' }] }],
  });
  if (!r.ok) throw new Error(r.issues[0]!.message);
  return r.spec;
}

describe('token counts per model', () => {
  it('chooses the declared tokenizer, else cl100k for GPT-4 and GPT-3.5 endpoints, else o200k', () => {
    expect(encodingFor({ provider: 'sim', model: 'sim-1', tokenizer: 'p50k_base' })).toBe('p50k_base');
    expect(encodingFor({ provider: 'openai', model: 'gpt-4-turbo' })).toBe('cl100k_base');
    expect(encodingFor({ provider: 'openai-compatible', model: 'gpt-3.5-turbo' })).toBe('cl100k_base');
    expect(encodingFor({ provider: 'openai', model: 'gpt-4o-mini' })).toBe('o200k_base');
    expect(encodingFor({ provider: 'openai', model: 'gpt-4.1' })).toBe('o200k_base');
    expect(encodingFor({ provider: 'anthropic', model: 'claude-sonnet-4' })).toBe('o200k_base');
    expect(encodingFor({ provider: 'sim', model: 'gpt-4' })).toBe('o200k_base');
  });

  it('refuses to start a kernel whose tokenizer is not loaded, saying what to do', () => {
    expect(hasEncoding('r50k_base')).toBe(false);
    expect(() => new TestKernel(spec('r50k_base'))).toThrow(/r50k_base.*loadEncodingsFor/);
  });

  it('counts an agent’s window with its model’s tokenizer', async () => {
    await loadEncodingsFor(spec('cl100k_base'));
    await loadEncoding('r50k_base');
    const o200k = countTokens(PROMPT);
    const cl100k = countTokens(PROMPT, 'cl100k_base');
    expect(cl100k).not.toBe(o200k);
    for (const [tokenizer, expected] of [[undefined, o200k], ['cl100k_base', cl100k], ['r50k_base', countTokens(PROMPT, 'r50k_base')]] as const) {
      const t = await new TestKernel(spec(tokenizer)).expectEvents('job.published', [{ agent: 'a', systemTokens: expected, tokenizer: tokenizer ?? 'o200k_base' }]);
      expect(t.state.procs.a!.context[0]!.tokens).toBe(expected);
    }
  });
});
