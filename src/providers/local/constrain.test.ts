import { describe, expect, it } from 'vitest';
import { ConstrainedStream, functionsPrompt, outputSchema } from './constrain';
import type { ToolDefinition } from '../types';

const tools: ToolDefinition[] = [
  { name: 'search', description: 'Search the archive.', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } },
  { name: 'finish', description: 'End the task.', parameters: {} },
];

function feed(raw: string, step: number) {
  const texts: string[] = [];
  const calls: Array<[string, string]> = [];
  const s = new ConstrainedStream({ text: (t) => texts.push(t), call: (n, d) => calls.push([n, d]) });
  for (let i = 0; i < raw.length; i += step) s.push(raw.slice(i, i + step));
  return { s, texts, calls };
}

describe('outputSchema', () => {
  it('is null for free text: no tools, or toolChoice none', () => {
    expect(outputSchema([], 'auto')).toBeNull();
    expect(outputSchema(undefined, undefined)).toBeNull();
    expect(outputSchema(tools, 'none')).toBeNull();
  });
  it('offers one branch per function (its name as a constant, its schema for the arguments) and a text branch unless a call is required', () => {
    const auto = outputSchema(tools, 'auto') as { oneOf: Array<{ properties: Record<string, unknown> }> };
    expect(auto.oneOf).toHaveLength(3);
    expect(auto.oneOf[0]!.properties).toEqual({ call: { const: 'search' }, arguments: tools[0]!.parameters });
    // An empty schema still constrains the arguments to an object.
    expect(auto.oneOf[1]!.properties.arguments).toEqual({ type: 'object' });
    expect(auto.oneOf[2]!.properties).toEqual({ text: { type: 'string' } });
    const required = outputSchema([tools[0]!], 'required') as { properties: Record<string, unknown> };
    expect(required.properties.call).toEqual({ const: 'search' });
  });
  it('describes the functions and the answer shape in the prompt', () => {
    const p = functionsPrompt(tools, 'auto');
    expect(p).toContain('- search: Search the archive.');
    expect(p).toContain('{"text": "<your answer>"}');
    expect(functionsPrompt(tools, 'required')).not.toContain('"text"');
    expect(functionsPrompt(tools, 'none')).toBe('');
  });
});

describe('ConstrainedStream', () => {
  const call = '{ "call": "search", "arguments": {"query": "a } \\" [tricky", "n": {"x": [1, 2]}} }';
  it.each([1, 2, 5, 100])('assembles a call whose arguments are cut every %i characters', (step) => {
    const { s, calls, texts } = feed(call, step);
    expect(texts).toEqual([]);
    expect(calls.every(([n]) => n === 'search')).toBe(true);
    const args = calls.map(([, d]) => d).join('');
    expect(JSON.parse(args)).toEqual({ query: 'a } " [tricky', n: { x: [1, 2] } });
    expect(s.result()).toEqual({ kind: 'call', name: 'search', argumentsJson: args });
  });
  it.each([1, 3, 100])('decodes the text branch as it streams (cut every %i)', (step) => {
    const { s, texts, calls } = feed('{"text": "line\\none \\"quoted\\" \\u00e9\\\\"}', step);
    expect(calls).toEqual([]);
    expect(texts.join('')).toBe('line\none "quoted" é\\');
    expect(s.result()).toEqual({ kind: 'text', text: 'line\none "quoted" é\\' });
  });
  it('leaves whitespace before the arguments out of them, however it is split', () => {
    const { s } = feed('{"call": "finish", "arguments":   \n {} }', 1);
    expect(s.result()).toEqual({ kind: 'call', name: 'finish', argumentsJson: '{}' });
  });
  it('calls a text cut short incomplete, having streamed what arrived once', () => {
    const { s, texts } = feed('{"text": "half a sen', 3);
    expect(s.began).toBe(true);
    expect(texts.join('')).toBe('half a sen');
    expect(s.result().kind).toBe('incomplete');
    expect(feed('{"te', 1).s.began).toBe(false);
  });
  it('calls an output cut short incomplete, keeping what arrived', () => {
    const { s, calls } = feed('{"call": "search", "arguments": {"query": "par', 4);
    expect(calls.map(([, d]) => d).join('')).toBe('{"query": "par');
    expect(s.result()).toEqual({ kind: 'incomplete', raw: '{"call": "search", "arguments": {"query": "par' });
  });
});
