/**
 * The generated GGUF through a real llama.cpp engine in Node (node-llama-cpp 3.21.1, its prebuilt
 * CPU binary from npm, one thread): it loads, tokenizes with its own vocabulary, generates, and
 * a JSON-schema grammar yields a function call that parses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getLlama, LlamaChatSession, type Llama, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import { Validator } from '@cfworker/json-schema';
import { outputSchema } from '../src/providers/local/constrain';
import { schemaToGbnf } from '../src/providers/local/grammar';
import type { ToolDefinition } from '../src/providers/types';
// @ts-expect-error: a plain .mjs script without type declarations
import { ensureTinyGguf } from './make-tiny-gguf.mjs';

let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;

beforeAll(async () => {
  const modelPath = (ensureTinyGguf as (o: { seed: number }) => string)({ seed: 1 });
  // build: 'never' — use the prebuilt binary or fail; never compile or download at test time.
  llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' });
  model = await llama.loadModel({ modelPath });
  context = await model.createContext({ contextSize: 512, threads: 1 });
}, 60_000);

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
});

describe('the tiny GGUF in node-llama-cpp', () => {
  it('tokenizes with its own vocabulary: known words are single pieces, other text falls back to bytes', () => {
    expect(model.tokenizer('hello world', false).length).toBe(2);
    // "é" is not a piece: its two UTF-8 bytes become byte tokens (<0xC3> <0xA9>, ids 3 + byte), after the word boundary.
    expect(model.tokenizer('é', false).slice(-2)).toEqual([3 + 0xc3, 3 + 0xa9]);
    expect(model.detokenize(model.tokenizer('Paris and Oslo', false))).toBe('Paris and Oslo');
  });

  it('generates tokens, and the same seed gives the same text', async () => {
    const run = async () => {
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), autoDisposeSequence: true });
      const out = await session.prompt('hello', { maxTokens: 16, seed: 7, temperature: 0.8 });
      session.dispose();
      return out;
    };
    const a = await run();
    expect(a.length).toBeGreaterThan(0);
    expect(await run()).toBe(a);
  }, 30_000);

  it('follows a JSON-schema grammar to a function call that parses', async () => {
    const schema = {
      type: 'object',
      properties: {
        call: { const: 'search' },
        arguments: { type: 'object', properties: { city: { type: 'string', maxLength: 8 }, days: { type: 'integer' } }, required: ['city', 'days'], additionalProperties: false },
      },
      required: ['call', 'arguments'],
      additionalProperties: false,
    } as const;
    const grammar = await llama.createGrammarForJsonSchema(schema);
    const session = new LlamaChatSession({ contextSequence: context.getSequence(), autoDisposeSequence: true });
    const text = await session.prompt('find the weather', { grammar, maxTokens: 120, seed: 3 });
    session.dispose();
    const parsed = JSON.parse(text) as { call: string; arguments: { city: string; days: number } };
    expect(parsed.call).toBe('search');
    expect(typeof parsed.arguments.city).toBe('string');
    expect(parsed.arguments.city.length).toBeLessThanOrEqual(8);
    expect(Number.isInteger(parsed.arguments.days)).toBe(true);
  }, 30_000);

  it("follows the provider's own grammar (schemaToGbnf of the offered functions) to outputs that match the schema", async () => {
    const tools: ToolDefinition[] = [
      { name: 'search', description: 'Search.', parameters: { type: 'object', properties: { query: { type: 'string', maxLength: 10 }, limit: { type: 'integer' } }, required: ['query'] } },
      { name: 'send', description: 'Send.', parameters: { type: 'object', properties: { to: { enum: ['writer', 'editor'] }, urgent: { type: 'boolean' } }, required: ['to', 'urgent'], additionalProperties: false } },
    ];
    const schema = outputSchema(tools, 'required')!;
    const grammar = await llama.createGrammar({ grammar: schemaToGbnf(schema) });
    const validator = new Validator(schema as never, '2020-12', false);
    for (const seed of [1, 2, 3, 4]) {
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), autoDisposeSequence: true });
      const text = await session.prompt('go', { grammar, maxTokens: 120, seed });
      session.dispose();
      const parsed = JSON.parse(text) as { call: string };
      expect(['search', 'send']).toContain(parsed.call);
      expect(validator.validate(parsed).errors).toEqual([]);
    }
  }, 60_000);
});
