import { describe, expect, it } from 'vitest';
import { parseHarness, type ToolSpec } from '../index';
import { actionFromCall, agentFunctions, memoryOffer } from './functions';

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
    // read_proc only for an agent that asks for it (proc: true).
    expect(agentFunctions('a', [], declared, channels, undefined, true).map((f) => f.name)).toContain('read_proc');
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

describe('memory a real model is offered (the calls the sim may make)', () => {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'mem', models: [{ id: 'm', name: 'M' }],
    agents: [{
      id: 'a', name: 'A', model: 'm',
      memory: { coreBlocks: [{ label: 'persona', value: 'helpful' }, { label: 'human', value: 'Ada' }] },
      capabilities: [{ target: 'web.search' }, { target: 'notes', access: 'readwrite' }, { target: 'corpus', access: 'read' }],
    }],
    tools: [{ id: 'web.search', name: 'Search', args: { type: 'object', properties: { query: { type: 'string' } } } }],
    stores: [{ id: 'notes', name: 'Notes', kind: 'archival' }, { id: 'corpus', name: 'Corpus', kind: 'knowledge' }],
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  const spec = r.spec;
  const agent = spec.agents[0]!;
  const fns = agentFunctions('a', ['web.search', 'notes', 'corpus'], new Map(spec.tools.map((t) => [t.id, t])), [], memoryOffer(agent, spec));

  it('offers archival_search over the stores it may read, archival_insert over those it may write, conversation_search and core memory; a store is not a function of its own', () => {
    const names = fns.map((f) => f.name);
    expect(names.slice(0, 6)).toEqual(['web_search', 'archival_search', 'archival_insert', 'conversation_search', 'core_memory_append', 'core_memory_replace']);
    expect(names).not.toContain('notes');
    expect(names).not.toContain('corpus');
    const param = (name: string, field: string) => (fns.find((f) => f.name === name)!.parameters as { properties: Record<string, { enum?: string[] }> }).properties[field]!.enum;
    expect(param('archival_search', 'store')).toEqual(['notes', 'corpus']);
    expect(param('archival_insert', 'store')).toEqual(['notes']);
    expect(param('core_memory_replace', 'label')).toEqual(['persona', 'human']);
  });

  it('maps a memory call to the built-in tool the gate decides on, and refuses a store it may not name', () => {
    expect(actionFromCall(fns, 'archival_search', { ok: true, args: { store: 'corpus', query: 'x' } })).toEqual({ ok: true, action: { kind: 'call', tool: 'archival_search', args: { store: 'corpus', query: 'x' } } });
    expect(actionFromCall(fns, 'archival_insert', { ok: true, args: { store: 'corpus', text: 'x' } })).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
  });

  it('offers no core memory calls to an agent without core blocks, and nothing for a store it has no capability on', () => {
    const bare = { ...agent, memory: { ...agent.memory, coreBlocks: [] }, capabilities: [] };
    const names = agentFunctions('a', [], new Map(), [], memoryOffer(bare, spec)).map((f) => f.name);
    expect(names).not.toContain('core_memory_append');
    expect(names).not.toContain('archival_search');
    expect(names).toContain('conversation_search');
  });
});
