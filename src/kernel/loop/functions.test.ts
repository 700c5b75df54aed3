import { describe, expect, it } from 'vitest';
import { parseHarness, type ToolSpec } from '../index';
import { actionFromCall, agentFunctions } from './functions';

function toolsOf(json: object): Map<string, ToolSpec> {
  const r = parseHarness(JSON.stringify(json));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return new Map(r.spec.tools.map((t) => [t.id, t]));
}

const declared = toolsOf({
  version: 1, name: 'f', models: [{ id: 'm', name: 'M' }],
  agents: [{ id: 'a', name: 'A', model: 'm' }, { id: 'b', name: 'B', model: 'm' }],
  tools: [{ id: 'web.search', name: 'Search', description: 'search the web', args: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false } }],
});
const channels = [{ id: 'c', from: 'a', to: 'b', latencyMs: 0 }] as never;

describe('the functions a real model is offered', () => {
  const fns = agentFunctions('a', ['web.search', 'archival_search'], declared, channels);

  it('lists the tools with their schemas, then the kernel operations; send only to declared peers', () => {
    expect(fns.map((f) => f.name)).toEqual(['web_search', 'archival_search', 'send_message', 'receive_message', 'write_artifact', 'read_reference', 'finish']);
    expect(fns[0]!.parameters).toMatchObject({ required: ['query'] });
    expect(fns.find((f) => f.name === 'send_message')!.parameters).toMatchObject({ properties: { to: { enum: ['b'] } } });
    expect(agentFunctions('b', [], declared, channels).some((f) => f.name === 'send_message')).toBe(false);
  });

  it('maps a call to the action the syscall gate decides on', () => {
    expect(actionFromCall(fns, 'web_search', { ok: true, args: { query: 'x' } })).toEqual({ ok: true, action: { kind: 'call', tool: 'web.search', args: { query: 'x' } } });
    expect(actionFromCall(fns, 'send_message', { ok: true, args: { to: 'b', text: 'hi' } })).toEqual({ ok: true, action: { kind: 'send', to: 'b', text: 'hi', facts: [] } });
    expect(actionFromCall(fns, 'finish', { ok: true, args: { text: 'done' } })).toEqual({ ok: true, action: { kind: 'finish', text: 'done' } });
  });

  it('turns a malformed call into a typed error naming what is wrong', () => {
    const unknown = actionFromCall(fns, 'rm_rf', { ok: true, args: {} });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-function', name: 'rm_rf' } });
    expect(actionFromCall(fns, 'finish', { ok: false, error: 'Unexpected end of JSON input' })).toMatchObject({ ok: false, error: { code: 'invalid-json' } });
    const bad = actionFromCall(fns, 'send_message', { ok: true, args: { to: 'c', text: 'hi' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    if (!bad.ok) expect(bad.error.message).toContain('send_message');
  });
});
