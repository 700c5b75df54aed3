import { describe, expect, it } from 'vitest';
import { parseHarness } from '../../kernel';
import { addMcpServer, addMcpTool, mainArgOf, mcpToolId, sideEffectOf } from './mcpDoc';

const echo = { name: 'echo', description: 'Echoes back the input string', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } };
const base = { version: 1, name: 'x', models: [{ id: 'sim', name: 'Sim' }], agents: [{ id: 'a', name: 'A', model: 'sim' }] };

describe('MCP document edits', () => {
  it('declares a server once by URL, with an id from its own name, and adds its tool as a valid mcp tool', () => {
    const s = addMcpServer(base, 'http://127.0.0.1:3001/mcp', 'mcp-servers/everything');
    expect(s).toMatchObject({ id: 'everything', added: true });
    expect(addMcpServer(s.doc, 'http://127.0.0.1:3001/mcp', 'other')).toMatchObject({ id: 'everything', added: false });
    // Another server of the same name gets a free id.
    expect(addMcpServer(s.doc, 'http://127.0.0.1:3002/mcp', 'mcp-servers/everything').id).toBe('everything-2');
    const t = addMcpTool(s.doc, 'everything', echo, { x: 10, y: 20 });
    expect(t.id).toBe('mcp__everything__echo');
    const parsed = parseHarness(t.doc);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.tools[0]).toMatchObject({ mainArg: 'message', sideEffect: 'external', impl: { kind: 'mcp', server: 'everything', tool: 'echo' }, args: echo.inputSchema });
    expect(addMcpTool(t.doc, 'everything', echo, { x: 0, y: 0 }).added).toBe(false);
  });

  it('ids, side effects and main arguments from what the server lists', () => {
    expect(mcpToolId('ev', 'a tool/with:odd chars')).toBe('mcp__ev__a_tool_with_odd_chars');
    expect(mcpToolId('ev', 'x'.repeat(100))).toHaveLength(64);
    expect(sideEffectOf({ ...echo, annotations: { readOnlyHint: true } })).toBe('read');
    expect(sideEffectOf({ ...echo, annotations: { openWorldHint: false } })).toBe('write');
    expect(sideEffectOf(echo)).toBe('external');
    expect(mainArgOf({ ...echo, inputSchema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] } })).toBeUndefined();
  });
});
