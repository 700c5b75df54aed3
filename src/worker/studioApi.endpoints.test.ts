import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDb } from '../persist';
import { WireServer } from '../providers/testing/wireServer';
import { openAiErrorBody, openAiModelList } from '../providers/testing/openaiWire';
import { connect, freshDb, type Connection } from './testing/testChannel';

const KEY = 'sk-planted-settings-7f3a9c21d0';
const open: Array<Connection | StudioDb | WireServer> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close();
    else await x.close();
  }
});
function setup(): Connection {
  const db = freshDb();
  open.push(db);
  const c = connect(db);
  open.push(c);
  return c;
}

describe('endpoints over the worker protocol', () => {
  it('Test lists the models with the stored key; nothing the UI receives holds the key', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/models', { body: openAiModelList(['tiny-1', 'tiny-2']) });
    const { remote } = setup();
    const saved = await remote.saveEndpoint({ name: 'Test server', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const listed = await remote.listEndpoints();
    const test = await remote.testEndpoint(saved.id);
    expect(test).toEqual({ ok: true, models: ['tiny-1', 'tiny-2'] });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(listed).toEqual([expect.objectContaining({ name: 'Test server', hasKey: true })]);
    expect(JSON.stringify([saved, listed, test])).not.toContain(KEY);
  });

  it('a refused key names the endpoint and the fix, and the echoed key is redacted', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/models', { status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') });
    server.script('/v1/models', { status: 403, body: '' , headers: { 'content-type': 'text/plain' } });
    const { remote } = setup();
    const saved = await remote.saveEndpoint({ name: 'Test server', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const auth = await remote.testEndpoint(saved.id);
    expect(auth).toMatchObject({ ok: false, kind: 'auth' });
    if (auth.ok) throw new Error('unreachable');
    expect(`${auth.message} ${auth.fix}`).toContain(server.url);
    expect(auth.fix.toLowerCase()).toContain('key');
    expect(JSON.stringify(auth)).not.toContain(KEY);
    const origin = await remote.testEndpoint(saved.id);
    expect(JSON.stringify(origin)).not.toContain(KEY);
  });

  it('an unreachable endpoint is a network failure naming where, and the key is not in it', async () => {
    const server = await WireServer.start();
    const url = server.url;
    await server.close();
    const { remote } = setup();
    const saved = await remote.saveEndpoint({ name: 'Gone', kind: 'anthropic', baseUrl: url, apiKey: KEY });
    const test = await remote.testEndpoint(saved.id);
    expect(test).toMatchObject({ ok: false });
    if (test.ok) throw new Error('unreachable');
    expect(test.message).toContain('127.0.0.1');
    expect(JSON.stringify(test)).not.toContain(KEY);
  });
});
