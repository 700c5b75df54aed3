/**
 * The worker's MCP host against the reference server: connecting lists tools; a stored auth header
 * is sent with every request but never comes back to the page; a stdio server is explained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingStore } from '../persist';
import { startEverythingHttp, type EverythingHttp } from '../providers/testing/everythingServer';
import { WorkerMcp } from './mcpHost';

let server: EverythingHttp;
beforeAll(async () => {
  server = await startEverythingHttp();
}, 30_000);
afterAll(() => server?.stop());

function memorySettings(): SettingStore {
  const m = new Map<string, unknown>();
  return { get: async (k: string) => m.get(k), set: async (k: string, v: unknown) => void (v === undefined ? m.delete(k) : m.set(k, v)) } as unknown as SettingStore;
}

describe('the worker MCP host', () => {
  it('lists a server\'s tools; a stored auth header goes with every request and never back to the page', async () => {
    const sent: string[] = [];
    const spy: typeof fetch = (input, init) => {
      sent.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetch(input, init);
    };
    const mcp = new WorkerMcp(memorySettings(), spy);
    const plain = await mcp.connect(server.url);
    expect(plain).toMatchObject({ ok: true, auth: false, server: { name: 'mcp-servers/everything' } });
    expect(plain.ok && plain.tools.some((t) => t.name === 'echo')).toBe(true);
    await mcp.setAuth(server.url, 'Authorization', 'Bearer s3cret');
    sent.length = 0;
    const withAuth = await mcp.connect(server.url);
    expect(withAuth.auth).toBe(true);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((h) => h === 'Bearer s3cret')).toBe(true);
    expect(JSON.stringify(withAuth)).not.toContain('s3cret');
    // Calls from runs carry it too.
    sent.length = 0;
    const hub = mcp.hub();
    const r = await hub.call({ server: { id: 'everything', name: '', url: server.url, trust: 'untrusted' }, tool: 'echo', args: { message: 'hi' }, agent: 'a', callId: 'c1' });
    expect(r).toEqual({ ok: true, text: 'Echo: hi' });
    expect(sent.every((h) => h === 'Bearer s3cret')).toBe(true);
    await hub.close();
    await expect(mcp.setAuth(server.url, 'Bad Header', 'x')).rejects.toThrow(/not an HTTP header name/);
  }, 30_000);

  it('a stdio server in the studio: the call fails saying to run it behind harness mcp-proxy', async () => {
    const hub = new WorkerMcp(memorySettings()).hub();
    const r = await hub.call({ server: { id: 'local', name: '', command: 'node', args: ['server.js'], trust: 'untrusted' }, tool: 'echo', args: {}, agent: 'a', callId: 'c1' });
    expect(r.ok).toBe(false);
    expect(r.text).toContain('harness mcp-proxy -- node server.js');
  });
});
