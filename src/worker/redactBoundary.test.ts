/**
 * The redaction boundary (issue #12, item 4): a run of a document declaring secrets is driven
 * over a MessageChannel exactly as the page drives the worker, and everything the page receives
 * (answers, batches, states, archive hits, errors, Settings' Test) is searched for the values.
 */
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { REDACTED } from '../kernel';
import { EndpointStore, RunStore, type StudioDb } from '../persist';
import { WireServer } from '../providers/testing/wireServer';
import { openAiErrorBody } from '../providers/testing/openaiWire';
import type { EventBatch, StudioApi } from './api';
import { SecretBook, redactingApi, studioSecretSources } from './redactBoundary';
import { createStudioApi } from './studioApi';
import { freshDb } from './testing/testChannel';
import { CORE_SECRET, PLANTED, STORE_SECRET, VAULT_KEY, secretsDoc } from './testing/secretsDoc';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The worker's API behind the boundary, as kernel.worker.ts exposes it, and the page's end of the channel. */
function connectRedacted() {
  const db: StudioDb = freshDb();
  const api = createStudioApi(db);
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(redactingApi(api, new SecretBook(studioSecretSources(api, new EndpointStore(db)))), port1 as unknown as Comlink.Endpoint);
  const remote = Comlink.wrap<StudioApi>(port2 as unknown as Comlink.Endpoint);
  closers.push(() => db.close());
  closers.push(async () => {
    await api.close();
    remote[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
  return { db, api, remote };
}

const planted = (text: string) => PLANTED.filter((s) => text.includes(s));

describe('nothing the page receives holds a declared secret', () => {
  it('batches, loaded events, states, run metadata and archive hits are redacted; the kernel and the stored trace keep the values', async () => {
    const { db, remote } = connectRedacted();
    const project = await remote.createProject('Secrets', secretsDoc());
    const started = await remote.startRun(project.id, secretsDoc(), 1);
    if (!started.ok) throw new Error(JSON.stringify(started.issues));
    const batches: EventBatch[] = [];
    await remote.attach(started.run.id, Comlink.proxy((b: EventBatch) => void batches.push(b)));
    const done = await remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');

    const events = await remote.loadEvents(done.id, 0, done.head);
    const received = JSON.stringify([started, done, batches, events, await remote.listRuns(project.id), await remote.getRun(done.id), await remote.stateAt(done.id, done.head), await remote.searchArchive(done.id, 'kb', 'door code', 5)]);
    expect(planted(received)).toEqual([]);
    // The values flowed (so the search could have found them): each kind of event carrying one shows the marker.
    const byType = (type: string) => JSON.stringify(events.filter((e) => e.type === type));
    for (const type of ['tool.returned', 'mem.faulted', 'job.published', 'artifact.written', 'msg.sent', 'tool.called', 'agent.finished']) expect(byType(type)).toContain(REDACTED);

    // The run used the real values, and the stored trace keeps them (the document holding them is stored too).
    const stored = JSON.stringify(await new RunStore(db).loadEvents(done.id, 0, done.head));
    expect(planted(stored)).toEqual([...PLANTED]);
    // The user's own document comes back as written: the editor shows it.
    expect(JSON.stringify(await remote.getProject(project.id))).toContain(VAULT_KEY);
  });

  it('learns a run’s secrets from its stored document even when this page never sent it', async () => {
    const { api, remote } = connectRedacted();
    const started = await api.startRun('p', secretsDoc(), 2);
    if (!started.ok) throw new Error('start failed');
    const events = await remote.step(started.run.id, 'turn', []);
    await api.play(started.run.id, []);
    const all = JSON.stringify([events, await remote.loadEvents(started.run.id, 0, 1000)]);
    expect(all).toContain(REDACTED);
    expect(planted(all)).toEqual([]);
  });

  it('live text, a window on a stream, is redacted where it cuts a secret', async () => {
    const book = new SecretBook({ runDocument: async () => secretsDoc(), endpointKeys: async () => [] });
    const received: EventBatch[] = [];
    const live = (text: string) => ({ agent: 'assistant', turn: 1, model: 'sim', text, chars: text.length, tokens: 3 });
    const api = redactingApi({
      attach: async (_runId: string, sink: (b: EventBatch) => void) => {
        sink({ runId: 'r', events: [], head: 0, status: 'running', live: [live(`the key: ${VAULT_KEY.slice(0, 9)}`), live(`${VAULT_KEY.slice(5)} sent`)] });
      },
    }, book);
    await api.attach('r', (b) => void received.push(b));
    expect(received[0]!.live!.map((g) => g.text)).toEqual([`the key: ${REDACTED}`, `${REDACTED} sent`]);
  });

  it('what a secret MCP tool returned is a secret: batches, loaded events and states after it are redacted', async () => {
    const TOKEN = 'mcp-token-9Zq-PRIVATE';
    const doc = {
      version: 1, name: 'mcp secret', models: [{ id: 'm', name: 'M', provider: 'sim' }],
      mcpServers: [{ id: 'vault', url: 'http://localhost:1/mcp' }],
      tools: [{ id: 'mcp__vault__token', name: 'token', secret: true, impl: { kind: 'mcp', server: 'vault', tool: 'token' } }],
      agents: [],
    };
    const book = new SecretBook({ runDocument: async () => doc, endpointKeys: async () => [] });
    const returned = { seq: 3, t: 0, run: 'r', type: 'tool.returned', agent: 'a', callId: 'c1', tool: 'mcp__vault__token', ok: true, result: TOKEN, tokens: 5, ms: 1, mcp: { server: 'vault', tool: 'token' } };
    const echoed = { seq: 4, t: 0, run: 'r', type: 'infer.completed', agent: 'a', text: `I got ${TOKEN}` };
    const received: EventBatch[] = [];
    const api = redactingApi({
      attach: async (_runId: string, sink: (b: EventBatch) => void) => {
        sink({ runId: 'r', events: [returned, echoed] as never, head: 4, status: 'running' });
      },
      loadEvents: async (_runId: string) => [returned],
      stateAt: async (_runId: string) => ({ procs: { a: { context: [{ text: `tool: ${TOKEN}` }] } } }),
    }, book);
    await api.attach('r', (b) => void received.push(b));
    const sent = JSON.stringify([received, await api.loadEvents('r'), await api.stateAt('r')]);
    expect(sent).not.toContain(TOKEN);
    expect(sent.split(REDACTED).length - 1).toBe(4);
    // A tool not marked secret keeps its result.
    const plain = new SecretBook({ runDocument: async () => ({ ...doc, tools: [{ ...doc.tools[0], secret: false }] }), endpointKeys: async () => [] });
    const open = redactingApi({ loadEvents: async (_runId: string) => [returned] }, plain);
    expect(JSON.stringify(await open.loadEvents('r'))).toContain(TOKEN);
  });

  it('reads the stored keys before endpoint and run calls and before an error, not on every seek', async () => {
    const KEY = 'sk-other-tab-SAVED-1234';
    let reads = 0;
    let stored: string[] = [];
    const book = new SecretBook({ runDocument: async () => undefined, endpointKeys: async () => { reads++; return stored; } });
    const api = redactingApi({
      loadEvents: async (_runId: string) => [`an event quoting ${KEY}`],
      stateAt: async (_runId: string) => ({ note: 'nothing secret' }),
      play: async (_runId: string) => ({ status: 'running' }),
      fail: async () => { throw new Error(`refused: ${KEY}`); },
    }, book);
    await api.stateAt('r');
    await api.stateAt('r');
    expect(reads).toBe(0);
    stored = [KEY]; // another tab saves a key
    await expect(api.fail()).rejects.toThrow(`refused: ${REDACTED}`);
    expect(reads).toBe(1);
    expect(await api.loadEvents('r')).toEqual([`an event quoting ${REDACTED}`]);
    await api.play('r');
    expect(reads).toBe(2);
  });

  it('an error thrown across the boundary is redacted', async () => {
    const book = new SecretBook({ runDocument: async () => undefined, endpointKeys: async () => [] });
    const api = redactingApi({ fail: async (_doc: unknown) => { throw new Error(`bad value ${CORE_SECRET} in door code ${STORE_SECRET}`); } }, book);
    await expect(api.fail(secretsDoc())).rejects.toThrow(`bad value ${REDACTED} in ${REDACTED}`);
    await expect(api.fail(secretsDoc())).rejects.not.toThrow(CORE_SECRET);
  });

  it('a key stored in Settings is redacted from anything sent, also when a server echoes it in an error', async () => {
    const KEY = 'sk-settings-PLANTED-9f8e7d';
    const server = await WireServer.start();
    closers.push(() => server.close());
    server.script('/v1/models', { status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') });
    const { remote } = connectRedacted();
    const saved = await remote.saveEndpoint({ name: 'Echo', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const test = await remote.testEndpoint(saved.id);
    expect(test).toMatchObject({ ok: false, kind: 'auth' });
    await remote.setSetting('note', `pasted ${KEY} by mistake`);
    const all = JSON.stringify([saved, test, await remote.listEndpoints(), await remote.getSetting('note')]);
    expect(all).not.toContain(KEY);
    expect(all).toContain(REDACTED);
  });
});
