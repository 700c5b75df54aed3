/**
 * The studio's remote-agent client (the worker's host code, run in Node) against a remote agent
 * built only from @a2a-js/sdk's server classes: the card is read, a local agent's message is
 * delivered and answered, a message the IPC gate denies (no channel, tainted text) sends no
 * request, and a replay sends none either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kernel, RecordedA2a, loadEncodingsFor, parseHarness, type EventOf, type HarnessSpec, type HarnessSpecInput, type KernelEvent } from '../kernel';
import { StudioDb, SettingStore } from '../persist';
import { startTestAgent, type TestAgent } from '../providers/a2aRemote.testing';
import { WorkerRemoteAgents } from './a2aRemoteHost';

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

let agent: TestAgent;
let guarded: TestAgent;
let host: WorkerRemoteAgents;
let settings: SettingStore;

beforeAll(async () => {
  agent = await startTestAgent();
  guarded = await startTestAgent({ name: 'Vault', token: 'sesame' });
  settings = new SettingStore(new StudioDb(`a2a-remote-${Math.random()}`));
  host = new WorkerRemoteAgents(settings);
});
afterAll(async () => {
  await agent.close();
  await guarded.close();
});

function doc(url: string, edit?: (d: HarnessSpecInput) => void): HarnessSpec {
  const d: HarnessSpecInput = {
    version: 1, name: 'remote', models: [{ id: 'm', name: 'sim' }],
    remoteAgents: [{ id: 'translator', url }],
    channels: [{ id: 'c', from: 'writer', to: 'translator', latencyMs: 20 }],
    agents: [{ id: 'writer', name: 'Writer', model: 'm', behaviour: [
      { op: 'send', to: 'translator', text: 'good morning' },
      { op: 'recv', from: 'translator', as: 'answer' },
      { op: 'finish', text: '{{var.answer}}' },
    ] }],
  };
  edit?.(d);
  const r = parseHarness(d);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

async function run(spec: HarnessSpec, a2a: Kernel['run']['a2a']): Promise<Kernel> {
  await loadEncodingsFor(spec);
  const k = Kernel.create(spec, { runId: 'r', seed: 1, ...(a2a ? { a2a } : {}) });
  await k.runUntil();
  return k;
}

describe('the studio reads a remote agent\'s card', () => {
  it('names, skills and input/output modes, from the well-known URL or the base URL', async () => {
    const card = await host.card(agent.cardUrl);
    expect(card).toMatchObject({ ok: true, name: 'Translator', auth: false, defaultInputModes: ['text/plain'], defaultOutputModes: ['text/plain'] });
    if (!card.ok) return;
    expect(card.skills).toEqual([{ id: 'translate', name: 'Translate', description: 'Translates a text', inputModes: ['text/plain'], outputModes: ['text/plain'] }]);
    expect(card.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/a2a\/jsonrpc$/);
    const base = agent.cardUrl.replace('/.well-known/agent-card.json', '');
    expect(await host.card(base)).toMatchObject({ ok: true, name: 'Translator', url: agent.cardUrl });
  });

  it('explains an unreachable agent and a URL that is not a card', async () => {
    const down = await host.card('http://127.0.0.1:9/.well-known/agent-card.json');
    expect(down).toMatchObject({ ok: false, kind: 'unreachable' });
    if (!down.ok) expect(down.error).toMatch(/Cannot reach remote agent http:\/\/127\.0\.0\.1:9\/.*is it running/);
    const notCard = await host.card(agent.cardUrl.replace('agent-card.json', 'nothing.json'));
    expect(notCard).toMatchObject({ ok: false });
  });
});

describe('a local agent messages the remote agent through the worker\'s client', () => {
  it('the message is delivered and answered; the answer is recorded and read by the agent', async () => {
    const before = agent.rpcRequests;
    const k = await run(doc(agent.cardUrl), host.hub());
    expect(agent.rpcRequests - before).toBe(1);
    expect(agent.received.at(-1)).toBe('good morning');
    expect(of(k.events, 'remote.replied')[0]).toMatchObject({ ok: true, state: 'TASK_STATE_COMPLETED', text: 'translated: GOOD MORNING' });
    expect(of(k.events, 'agent.finished')[0]!.text).toBe('translated: GOOD MORNING');
  });

  it('no channel, or a text derived from untrusted data: the gate denies it and the agent gets no request', async () => {
    const before = agent.rpcRequests;
    const noChannel = await run(doc(agent.cardUrl, (d) => { d.channels = []; }), host.hub());
    expect(of(noChannel.events, 'msg.denied')[0]!.decision.module).toBe('channel');
    const tainted = await run(doc(agent.cardUrl, (d) => {
      d.tools = [{ id: 'web', name: 'web', trust: 'untrusted', impl: { kind: 'sim', result: 'a page' } }];
      d.agents![0]!.capabilities = [{ target: 'web' }];
      d.agents![0]!.behaviour = [{ op: 'call', tool: 'web', args: {}, as: 'page' }, { op: 'send', to: 'translator', text: '{{var.page}}' }, { op: 'finish', text: 'done' }];
    }), host.hub());
    expect(of(tainted.events, 'msg.denied')[0]!.decision.module).toBe('taint');
    expect(agent.rpcRequests - before).toBe(0);
  });

  it('a replay answers from the trace: zero requests, the same trace', async () => {
    const spec = doc(agent.cardUrl);
    const original = await run(spec, host.hub());
    const before = { rpc: agent.rpcRequests, card: agent.cardRequests };
    const replay = await run(spec, RecordedA2a.fromTrace(original.events, host.hub()));
    expect(replay.traceHash()).toBe(original.traceHash());
    expect({ rpc: agent.rpcRequests, card: agent.cardRequests }).toEqual(before);
  });

  it('an agent that needs a token: refused without it (a recorded failure the run goes on with), answered with the stored header, which is never recorded', async () => {
    const spec = doc(guarded.cardUrl);
    const refused = await run(spec, host.hub());
    const failure = of(refused.events, 'remote.replied')[0]!;
    expect(failure).toMatchObject({ ok: false, state: 'TASK_STATE_FAILED' });
    expect(failure.text).toMatch(/HTTP 401.*needs an auth header/);
    expect(of(refused.events, 'run.stopped')[0]!.reason).toBe('completed');

    await host.setAuth(guarded.cardUrl, 'Authorization', 'Bearer sesame');
    expect(await host.card(guarded.cardUrl)).toMatchObject({ ok: true, auth: true, security: ['bearer'] });
    const answered = await run(spec, host.hub());
    expect(of(answered.events, 'remote.replied')[0]).toMatchObject({ ok: true, text: 'translated: GOOD MORNING' });
    expect(JSON.stringify(answered.events)).not.toContain('sesame');
  });
});
