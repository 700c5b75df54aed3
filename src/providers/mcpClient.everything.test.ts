/**
 * The MCP client against the reference server (@modelcontextprotocol/server-everything) over
 * Streamable HTTP on 127.0.0.1: its tools with descriptions and schemas, echo and get-sum, a
 * long-running tool reporting progress, a tool error, and a server that cannot be reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpConnectionError, McpHub, McpSession } from './mcpClient';
import { freePort, startEverythingHttp, type EverythingHttp } from './testing/everythingServer';

let server: EverythingHttp;
let session: McpSession;

beforeAll(async () => {
  server = await startEverythingHttp();
  session = await McpSession.http(server.url);
}, 30_000);

afterAll(async () => {
  await session?.close();
  await server?.stop();
});

describe('the MCP client against server-everything (Streamable HTTP)', () => {
  it('lists the tools with their descriptions and input schemas', async () => {
    const tools = await session.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('echo')).toMatchObject({ description: expect.stringMatching(/echo/i), inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } });
    expect(byName.get('get-sum')?.inputSchema).toMatchObject({ properties: { a: { type: 'number' }, b: { type: 'number' } } });
    expect(byName.get('get-sum')?.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.has('trigger-long-running-operation')).toBe(true);
  });

  it('calls echo and get-sum', async () => {
    expect(await session.call('echo', { message: 'hello there' })).toEqual({ ok: true, text: 'Echo: hello there' });
    expect(await session.call('get-sum', { a: 2, b: 40 })).toEqual({ ok: true, text: 'The sum of 2 and 40 is 42.' });
  });

  it('a long-running tool reports progress while it runs; the last report is kept with the result', async () => {
    const seen: Array<{ progress: number; total?: number }> = [];
    const r = await session.call('trigger-long-running-operation', { duration: 0.6, steps: 3 }, (p) => seen.push(p));
    expect(seen).toEqual([{ progress: 1, total: 3 }, { progress: 2, total: 3 }, { progress: 3, total: 3 }]);
    expect(r).toMatchObject({ ok: true, text: expect.stringMatching(/completed/), progress: { progress: 3, total: 3 } });
  });

  it('a tool error is a result with ok false, not a broken connection', async () => {
    const r = await session.call('get-sum', { a: 'two', b: 3 });
    expect(r.ok).toBe(false);
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/a|number|invalid/i);
    const unknown = await session.call('no-such-tool', {});
    expect(unknown).toMatchObject({ ok: false, isError: true });
    expect(unknown.text).toMatch(/no-such-tool/);
    // The session still works.
    expect((await session.call('echo', { message: 'still here' })).text).toBe('Echo: still here');
  });

  it('a server that is not running: the error says it cannot be reached, and through the hub it is the call\'s failure', async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    const err = await McpSession.http(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpConnectionError);
    expect((err as McpConnectionError).kind).toBe('unreachable');
    expect((err as Error).message).toContain(`Cannot reach MCP server ${url}`);
    // In a page, the same failure is explained as CORS too, with what the server must send.
    const inPage = await McpSession.http(url, { origin: 'http://127.0.0.1:4173' }).catch((e: unknown) => e);
    expect((inPage as McpConnectionError).kind).toBe('cors');
    expect((inPage as Error).message).toMatch(/Access-Control-Expose-Headers: Mcp-Session-Id/);
    expect((inPage as Error).message).toMatch(/mcp-protocol-version/);
    const hub = new McpHub((s) => McpSession.http(s.url!));
    const r = await hub.call({ server: { id: 'down', name: '', url, trust: 'untrusted' }, tool: 'echo', args: {}, agent: 'a', callId: 'c1' });
    expect(r).toMatchObject({ ok: false, isError: true, text: expect.stringContaining('MCP server "down": Cannot reach') });
  });

  it('a server that hides Mcp-Session-Id from the page: the error names the header to expose', async () => {
    // A fetch that drops the session header, as a browser does when the server does not expose it.
    const hiding: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete('mcp-session-id');
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    };
    const err = await McpSession.http(server.url, { fetch: hiding, origin: 'http://127.0.0.1:4173' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpConnectionError);
    expect((err as McpConnectionError).kind).toBe('session');
    expect((err as Error).message).toMatch(/could not read its Mcp-Session-Id header, so the server must send Access-Control-Expose-Headers: Mcp-Session-Id/);
  });
});
