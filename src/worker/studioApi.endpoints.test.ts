import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDb } from '../persist';
import { WireServer } from '../providers/testing/wireServer';
import { openAiErrorBody, openAiModelList, openAiStream } from '../providers/testing/openaiWire';
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

describe('a run of a real model on the endpoint chosen for it', () => {
  const oneAgent = () => ({
    version: 1, name: 'One real agent',
    models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', tokensPerSecond: 50 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.', capabilities: [] }],
    limits: { maxSteps: 20 },
  });
  const finish = (text: string) => ({ frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: [JSON.stringify({ text })] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 5 } }) });

  it('starts, calls the endpoint with its stored key, completes with the scripted finish; the key is in no stored event or run record', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/chat/completions', finish('Paris'));
    const { remote } = setup();
    await remote.saveEndpoint({ name: 'Local wire', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    await remote.setSetting('modelEndpoints/p1', { m: 'Local wire' });
    const started = await remote.startRun('p1', oneAgent(), 1);
    if (!started.ok) throw new Error(started.issues.map((i) => i.message).join('\n'));
    const done = await remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    const events = await remote.loadEvents(started.run.id, 0, done.head);
    expect(events.find((e) => e.type === 'agent.finished')).toMatchObject({ text: 'Paris' });
    expect(events.find((e) => e.type === 'run.stopped')).toMatchObject({ reason: 'completed' });
    const stored = JSON.stringify([events, await remote.listRuns('p1'), started, done]);
    expect(stored).not.toContain(KEY);
  });

  it('a model bound to an endpoint by id (what the inspector stores) still runs on it after the endpoint is renamed', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/chat/completions', finish('Lyon'));
    const { remote } = setup();
    const saved = await remote.saveEndpoint({ name: 'Local wire', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    await remote.setSetting('modelEndpoints/p3', { m: saved.id });
    await remote.saveEndpoint({ id: saved.id, name: 'Renamed wire', kind: 'openai', baseUrl: `${server.url}/v1` });
    const started = await remote.startRun('p3', oneAgent(), 1);
    if (!started.ok) throw new Error(started.issues.map((i) => i.message).join('\n'));
    const done = await remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('without a chosen endpoint, or with a deleted one, startRun refuses naming the model and starts nothing', async () => {
    const { remote } = setup();
    const none = await remote.startRun('p2', oneAgent(), 1);
    expect(none).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'models[0].provider', message: expect.stringContaining('model "m"') })] });
    await remote.setSetting('modelEndpoints/p2', { m: 'Gone' });
    const gone = await remote.startRun('p2', oneAgent(), 1);
    expect(gone).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'models[0].provider', message: expect.stringContaining('endpoint "Gone", which is not in Settings') })] });
    expect(await remote.listRuns('p2')).toEqual([]);
  });
});
