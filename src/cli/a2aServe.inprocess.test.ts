/**
 * startA2aServer in this process (as another test or a second harness would start it): a
 * permission ask forwarded to the caller as input-required and answered by its reply, the server
 * answering asks itself with `approve: 'none'`, and an A2A 0.3 client's `message/send` served by
 * the SDK's compat layer on the same endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendMessageRequest, Task } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { fromJsonl, parseHarness, type HarnessSpec } from '../kernel';
import { startA2aServer, type A2aServer } from './a2aServe';
import { cliRemoteHub } from './a2aRemoteHost';

function clerkHarness(): HarnessSpec {
  const parsed = parseHarness({
    version: 1,
    name: 'Notes',
    models: [{ id: 'sim', name: 'Sim' }],
    agents: [
      {
        id: 'clerk', name: 'Clerk', model: 'sim', capabilities: [{ target: 'fs_write' }],
        behaviour: [
          { op: 'recv', from: 'human', as: 'note' },
          { op: 'call', tool: 'fs_write', args: { path: 'notes.txt', text: '{{var.note}}' }, as: 'saved' },
          { op: 'send', to: 'human', text: 'Result: {{var.saved}}' },
          { op: 'finish', text: 'Filed.' },
        ],
      },
    ],
    tools: [{ id: 'fs_write', name: 'fs.write', sideEffect: 'write', mainArg: 'path', impl: { kind: 'sim', result: 'wrote {{args.path}}', latencyMs: 50 } }],
    channels: [{ id: 'c', from: 'clerk', to: 'human' }],
    policy: { mode: 'ask' },
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.spec;
}

/** An agent that lets a declared secret slip into its answer and into an artifact. */
function leakyHarness(): HarnessSpec {
  const parsed = parseHarness({
    version: 1,
    name: 'Leaky',
    models: [{ id: 'sim', name: 'Sim' }],
    agents: [
      {
        id: 'leaky', name: 'Leaky', model: 'sim',
        memory: { coreBlocks: [{ label: 'vault', value: 'sk-test-4242-vault', secret: true }] },
        capabilities: [{ target: 'pin' }],
        behaviour: [
          { op: 'recv', from: 'human', as: 'q' },
          { op: 'write', artifact: 'keys.txt', text: 'vault key sk-test-4242-vault' },
          { op: 'send', to: 'human', text: 'The key is sk-test-4242-vault.' },
          { op: 'call', tool: 'pin', args: { account: '98765' }, as: 'pin' },
          { op: 'send', to: 'human', text: 'Your PIN: {{var.pin}}' },
          { op: 'finish', text: 'Told.' },
        ],
      },
    ],
    // A secret tool's result is known only once it returned ('pin-98765-x' is nowhere in the document).
    tools: [{ id: 'pin', name: 'pin', sideEffect: 'read', secret: true, impl: { kind: 'sim', result: 'pin-{{args.account}}-x', latencyMs: 10 } }],
    channels: [{ id: 'c', from: 'leaky', to: 'human' }],
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.spec;
}

const servers: A2aServer[] = [];
let asking: A2aServer;
let denying: A2aServer;

beforeAll(async () => {
  asking = await startA2aServer(clerkHarness(), { port: 0 });
  denying = await startA2aServer(clerkHarness(), { port: 0, approve: 'none' });
  servers.push(asking, denying);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const request = (text: string, ids: { taskId?: string; contextId?: string } = {}): SendMessageRequest =>
  SendMessageRequest.fromJSON({ message: { messageId: `m-${Math.random().toString(36).slice(2)}`, role: 'ROLE_USER', parts: [{ text }], ...ids } });

type TaskJson = { id: string; contextId: string; status: { state: string; message?: { parts: { text?: string }[] } } };
const json = (t: unknown): TaskJson => Task.toJSON(t as Task) as TaskJson;
const said = (t: TaskJson): string => (t.status.message?.parts ?? []).map((p) => p.text ?? '').join('');

describe('startA2aServer', () => {
  it('forwards a permission ask to the caller as input-required; "approve" runs the call and the run goes on', async () => {
    const c = await new ClientFactory().createFromUrl(asking.urls[0]!, '');
    const asked = json(await c.sendMessage(request('buy milk')));
    expect(asked.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
    expect(said(asked)).toMatch(/^clerk asks to call fs_write \{"path":"notes\.txt","text":"buy milk"\}: .*\nReply "approve" or "deny"\.$/);
    // Not an answer: still waiting, asked again.
    const again = json(await c.sendMessage(request('what?', { taskId: asked.id, contextId: asked.contextId })));
    expect(again.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
    expect(said(again)).toMatch(/Reply "approve" or "deny"/);
    const done = json(await c.sendMessage(request('approve', { taskId: asked.id, contextId: asked.contextId })));
    expect(done.status.state).toBe('TASK_STATE_COMPLETED');
    expect(said(done)).toBe('Result: wrote notes.txt');
  });

  it('answers asks itself with approve none: the caller is never asked and the call never runs', async () => {
    const c = await new ClientFactory().createFromUrl(denying.urls[0]!, '');
    const done = json(await c.sendMessage(request('buy milk')));
    expect(done.status.state).toBe('TASK_STATE_COMPLETED');
    // The denied call returned nothing to the agent's variable: no 'wrote notes.txt'.
    expect(said(done)).toBe('Result: ');
  });

  it('never sends a declared secret or what a secret tool returned: answers and artifacts are redacted', async () => {
    const leaky = await startA2aServer(leakyHarness(), { port: 0 });
    servers.push(leaky);
    const c = await new ClientFactory().createFromUrl(leaky.urls[0]!, '');
    const done = Task.toJSON((await c.sendMessage(request('the key?'))) as Task) as TaskJson & { artifacts: { parts: { text?: string }[] }[] };
    expect(said(done)).toBe('The key is [secret redacted].\nYour PIN: [secret redacted]');
    expect(done.artifacts[0]!.parts[0]!.text).toBe('vault key [secret redacted]');
    expect(JSON.stringify(done)).not.toContain('sk-test-4242');
    expect(JSON.stringify(done)).not.toContain('98765-x');
  });

  it('serves an A2A 0.3 client (message/send, no A2A-Version header) on the same endpoint', async () => {
    const endpoint = asking.agents[0]!.url;
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'message/send', params: { message: { kind: 'message', messageId: 'm1', role: 'user', parts: [{ kind: 'text', text: 'buy bread' }] } } }),
    });
    const body = (await res.json()) as { result: { kind: string; status: { state: string; message?: { parts: { text?: string }[] } } } };
    expect(body.result.kind).toBe('task');
    expect(body.result.status.state).toBe('input-required');
    expect(body.result.status.message?.parts[0]?.text).toMatch(/clerk asks to call fs_write/);
  });

  it('a served agent delegates to a remote agent in turn: the caller gets the remote answer (a chain of servers)', async () => {
    const echo = parseHarness({
      version: 1, name: 'Echo', models: [{ id: 'sim', name: 'Sim' }],
      agents: [{ id: 'echo', name: 'Echo', model: 'sim', behaviour: [{ op: 'recv', from: 'human', as: 'q' }, { op: 'send', to: 'human', text: 'echo: {{var.q}}' }, { op: 'finish', text: 'done' }] }],
      channels: [{ id: 'c', from: 'echo', to: 'human' }],
    });
    if (!echo.ok) throw new Error(echo.issues.map((i) => i.message).join('\n'));
    const far = await startA2aServer(echo.spec, { port: 0 });
    servers.push(far);
    const relay = parseHarness({
      version: 1, name: 'Relay', models: [{ id: 'sim', name: 'Sim' }],
      remoteAgents: [{ id: 'far', url: far.urls[0]!, trust: 'trusted' }],
      agents: [{
        id: 'relay', name: 'Relay', model: 'sim',
        behaviour: [{ op: 'recv', from: 'human', as: 'q' }, { op: 'send', to: 'far', text: '{{var.q}}' }, { op: 'recv', from: 'far', as: 'a' }, { op: 'send', to: 'human', text: 'relayed {{var.a}}' }, { op: 'finish', text: 'done' }],
      }],
      channels: [{ id: 'out', from: 'relay', to: 'far' }, { id: 'back', from: 'relay', to: 'human' }],
    });
    if (!relay.ok) throw new Error(relay.issues.map((i) => i.message).join('\n'));
    const near = await startA2aServer(relay.spec, { port: 0, a2a: cliRemoteHub({}) });
    servers.push(near);
    const c = await new ClientFactory().createFromUrl(near.urls[0]!, '');
    const done = json(await c.sendMessage(request('ping')));
    expect(done.status.state).toBe('TASK_STATE_COMPLETED');
    expect(said(done)).toBe('relayed echo: ping');
  });

  it('writes each ended task\'s trace, secrets redacted, when asked (--trace-dir)', async () => {
    const traces = new Map<string, string>();
    const leaky = await startA2aServer(leakyHarness(), { port: 0, writeTrace: (taskId, jsonl) => traces.set(taskId, jsonl) });
    servers.push(leaky);
    const c = await new ClientFactory().createFromUrl(leaky.urls[0]!, '');
    const done = json(await c.sendMessage(request('the key?')));
    expect(done.status.state).toBe('TASK_STATE_COMPLETED');
    const jsonl = traces.get(done.id);
    expect(jsonl).toBeDefined();
    const read = fromJsonl(jsonl!);
    if (!read.ok) throw new Error(read.message);
    const { events } = read;
    expect(events[0]!.type).toBe('run.started');
    expect(events.filter((e) => e.type === 'msg.sent' && e.from === 'human').length).toBe(1);
    expect(events.at(-1)!.type).toBe('run.stopped');
    expect(jsonl).not.toContain('sk-test-4242');
    expect(jsonl).not.toContain('98765-x');
  });

  it('stops a run that keeps working on one message past the wall-clock ceiling: the task fails with max-wall-time', async () => {
    // The agent loops forever on the caller's message; the clock moves a second per reading.
    const loop = parseHarness({
      version: 1, name: 'Loop', models: [{ id: 'sim', name: 'Sim' }],
      agents: [{ id: 'spin', name: 'Spin', model: 'sim', behaviour: [{ op: 'recv', from: 'human', as: 'q' }, { op: 'think', text: 'again' }, { op: 'think', text: 'and again' }, { op: 'branch', var: 'q', path: 'go', to: 1 }] }],
      channels: [{ id: 'c', from: 'spin', to: 'human' }],
    });
    if (!loop.ok) throw new Error(loop.issues.map((i) => i.message).join('\n'));
    let t = 0;
    const spin = await startA2aServer(loop.spec, { port: 0, now: () => (t += 1000), maxWallMs: 5000 });
    servers.push(spin);
    const c = await new ClientFactory().createFromUrl(spin.urls[0]!, '');
    const done = json(await c.sendMessage(request('{"go":1}')));
    expect(done.status.state).toBe('TASK_STATE_FAILED');
    expect(said(done)).toMatch(/max-wall-time: the run took more than 5 s of wall-clock time on one message/);
  });
});
