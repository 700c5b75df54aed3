/**
 * `harness run` with a remote agent built only from @a2a-js/sdk's server classes: the message is
 * sent and answered, a replay sends no request, a missing auth variable is refused before the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJsonl, type EventOf, type KernelEvent } from '../kernel';
import { runCli, type CliIo } from './commands';
import { startTestAgent, type TestAgent } from '../providers/a2aRemote.testing';

function trace(text: string): KernelEvent[] {
  const r = fromJsonl(text);
  if (!r.ok) throw new Error(r.message);
  return r.events;
}
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

function memoryIo(files: Record<string, string>, env: Record<string, string> = {}): CliIo & { files: Record<string, string> } {
  return {
    files, env,
    readFile: (p) => {
      if (!(p in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return files[p]!;
    },
    writeFile: (p, text) => { files[p] = text; },
  };
}

const doc = (url: string, auth?: { env: string }) => JSON.stringify({
  version: 1, name: 'remote', models: [{ id: 'm', name: 'sim' }],
  remoteAgents: [{ id: 'vault', url, trust: 'trusted', ...(auth ? { auth } : {}) }],
  channels: [{ id: 'c', from: 'writer', to: 'vault' }],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', behaviour: [
    { op: 'send', to: 'vault', text: 'open please' }, { op: 'recv', from: 'vault', as: 'answer' }, { op: 'finish', text: '{{var.answer}}' },
  ] }],
  goals: [{ id: 'g', name: 'answered', when: { kind: 'finished', agent: 'writer' } }],
});

let agent: TestAgent;
beforeAll(async () => { agent = await startTestAgent({ name: 'Vault', token: 's3cret' }); });
afterAll(() => agent?.close());

describe('harness run with a remote agent', () => {
  it('sends with the token from the environment, records the answer, and a replay sends nothing', async () => {
    const io = memoryIo({ 'h.json': doc(agent.cardUrl, { env: 'VAULT_TOKEN' }) }, { VAULT_TOKEN: 'Bearer s3cret' });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = trace(io.files['t.jsonl']!);
    expect(of(events, 'remote.replied')[0]).toMatchObject({ remote: 'vault', ok: true, text: 'translated: OPEN PLEASE' });
    expect(io.files['t.jsonl']).not.toContain('s3cret');
    const before = { rpc: agent.rpcRequests, card: agent.cardRequests };
    expect(before.rpc).toBe(1);

    const replay = await runCli(['run', 'h.json', '--replay', 't.jsonl', '--json'], memoryIo({ ...io.files }));
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout).traceHash).toBe(/trace hash (\w+)/.exec(r.stdout)![1]);
    expect({ rpc: agent.rpcRequests, card: agent.cardRequests }).toEqual(before);
  }, 60_000);

  it('refuses a document whose auth variable is unset, before anything is sent', async () => {
    const before = agent.cardRequests + agent.rpcRequests;
    const r = await runCli(['run', 'h.json'], memoryIo({ 'h.json': doc(agent.cardUrl, { env: 'VAULT_TOKEN' }) }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('remoteAgents "vault": its auth header comes from the environment variable VAULT_TOKEN, which is not set');
    expect(agent.cardRequests + agent.rpcRequests).toBe(before);
  });

  it('an unreachable remote agent is a recorded failure; the run goes on to its end', async () => {
    const io = memoryIo({ 'h.json': doc('http://127.0.0.1:9/.well-known/agent-card.json') });
    const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    const replied = of(trace(io.files['t.jsonl']!), 'remote.replied')[0]!;
    expect(replied).toMatchObject({ ok: false, state: 'TASK_STATE_FAILED' });
    expect(replied.text).toMatch(/Cannot reach remote agent http:\/\/127\.0\.0\.1:9\//);
  }, 60_000);
});
