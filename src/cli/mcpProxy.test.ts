/**
 * `harness mcp-proxy`: the reference server over stdio, served over Streamable HTTP on 127.0.0.1
 * with the CORS headers a page needs; the MCP client lists and calls its tools through it, progress
 * included; a page from another origin is refused.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpSession } from '../providers/mcpClient';
import { EVERYTHING_STDIO } from '../providers/testing/everythingServer';
import { parseMcpProxyArgs, startMcpProxy, type McpProxy } from './mcpProxy';

const PAGE = 'http://127.0.0.1:4173';
let proxy: McpProxy;

beforeAll(async () => {
  proxy = await startMcpProxy({ ...EVERYTHING_STDIO, port: 0 });
}, 30_000);
afterAll(() => proxy?.close());

/** fetch as a page at `origin` would send it. */
const fromPage = (origin: string): typeof fetch => (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set('origin', origin);
  return fetch(input, { ...init, headers });
};

describe('harness mcp-proxy', () => {
  it('answers a CORS preflight allowing the MCP headers and exposing Mcp-Session-Id', async () => {
    const res = await fetch(proxy.url, { method: 'OPTIONS', headers: { origin: PAGE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-protocol-version' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/mcp-protocol-version/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/mcp-session-id/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Mcp-Session-Id/);
  });

  it('serves the stdio server: tools listed, get-sum called, progress of a long-running tool passed on', async () => {
    const session = await McpSession.http(proxy.url, { fetch: fromPage(PAGE), origin: PAGE });
    try {
      const names = (await session.listTools()).map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']));
      expect(await session.call('get-sum', { a: 1, b: 2 })).toEqual({ ok: true, text: 'The sum of 1 and 2 is 3.' });
      const seen: number[] = [];
      const r = await session.call('trigger-long-running-operation', { duration: 0.4, steps: 2 }, (p) => seen.push(p.progress));
      expect(seen).toEqual([1, 2]);
      expect(r.ok).toBe(true);
    } finally {
      await session.close();
    }
  }, 30_000);

  it('refuses a page from another origin, and a request to another host name', async () => {
    const res = await fromPage('https://evil.example')(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/--allow-origin https:\/\/evil\.example/);
    const port = new URL(proxy.url).port;
    // fetch will not set Host: node:http does, as a DNS-rebinding page's request would arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', headers: { host: `attacker.example:${port}`, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('parses its arguments and says what is wrong', () => {
    expect(parseMcpProxyArgs(['--port', '3100', '--', 'node', 'server.js'])).toEqual({ command: 'node', args: ['server.js'], port: 3100, allowOrigins: [] });
    expect(parseMcpProxyArgs(['--port', '3100'])).toMatch(/needs the stdio server to run after --/);
    expect(parseMcpProxyArgs(['--port', 'x', '--', 'node'])).toMatch(/--port needs a port number/);
    expect(parseMcpProxyArgs(['--allow-origin', 'evil', '--', 'node'])).toMatch(/--allow-origin needs an origin/);
  });
});
