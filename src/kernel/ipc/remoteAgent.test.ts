/**
 * Remote agents in the kernel with a fake host: a message to one passes the IPC gate (channel,
 * taint) before the host is asked, the answer is recorded and reaches the sender's inbox, a
 * failure is an answer the run goes on with, and replay, fork and restore never ask again.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { loadEncodingsFor } from '../tokens';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { replayTo } from '../state/reduce';
import type { A2aPort, A2aSendRequest, A2aSendResult } from './remoteAgent';
import { A2aNotRecordedError, RecordedA2a } from './remoteAgentRecorded';

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

function doc(edit?: (d: HarnessSpecInput) => void): HarnessSpec {
  const d: HarnessSpecInput = {
    version: 1,
    name: 'remote',
    models: [{ id: 'm', name: 'sim' }],
    remoteAgents: [{ id: 'translator', name: 'Translator', url: 'http://127.0.0.1:9/.well-known/agent-card.json', trust: 'untrusted' }],
    channels: [{ id: 'to-translator', from: 'a', to: 'translator', latencyMs: 30 }],
    agents: [{
      id: 'a', name: 'A', model: 'm',
      behaviour: [
        { op: 'send', to: 'translator', text: 'translate: good morning' },
        { op: 'recv', from: 'translator', as: 'answer' },
        { op: 'finish', text: '{{var.answer}}' },
      ],
    }],
  };
  edit?.(d);
  const r = parseHarness(d);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

class FakeRemote implements A2aPort {
  readonly sent: A2aSendRequest[] = [];
  constructor(private readonly answer: (req: A2aSendRequest) => A2aSendResult | Error = (req) => ({ ok: true, state: 'TASK_STATE_COMPLETED', text: `bonjour (${req.text})`, taskId: 'rt1', contextId: 'rc1' })) {}
  async send(req: A2aSendRequest): Promise<A2aSendResult> {
    this.sent.push(req);
    const a = this.answer(req);
    if (a instanceof Error) throw a;
    return a;
  }
}

async function run(spec: HarnessSpec, a2a?: A2aPort): Promise<Kernel> {
  await loadEncodingsFor(spec);
  const k = Kernel.create(spec, { runId: 'r', seed: 1, ...(a2a ? { a2a } : {}) });
  await k.runUntil();
  return k;
}

describe('remote agents in the kernel', () => {
  it('a message over a declared channel goes to the host at its arrival; the answer is recorded, read by the sender, and its task completes', async () => {
    const host = new FakeRemote();
    const k = await run(doc(), host);
    expect(host.sent).toHaveLength(1);
    expect(host.sent[0]).toMatchObject({ remote: { id: 'translator' }, agent: 'a', text: 'translate: good morning' });
    const sent = of(k.events, 'msg.sent')[0]!;
    const replied = of(k.events, 'remote.replied')[0]!;
    expect(replied).toMatchObject({ agent: 'a', remote: 'translator', msgId: sent.msgId, ok: true, state: 'TASK_STATE_COMPLETED', text: 'bonjour (translate: good morning)', taskId: 'rt1', t: sent.deliverAt });
    expect(sent.deliverAt - sent.t).toBe(30);
    // An untrusted remote's answer is a taint source of its own.
    expect(replied.taint).toEqual([`msg:translator#${replied.replyId}`]);
    expect(of(k.events, 'agent.woke')[0]).toMatchObject({ agent: 'a', from: 'translator', msgId: replied.replyId });
    expect(of(k.events, 'agent.finished')[0]!.text).toBe('bonjour (translate: good morning)');
    expect(of(k.events, 'task.updated').map((u) => u.to)).toEqual(['TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING', 'TASK_STATE_COMPLETED']);
    expect(of(k.events, 'msg.delivered')).toHaveLength(0);
    expect(of(k.events, 'run.stopped')[0]!.reason).toBe('completed');
  });

  it('without a channel the send is denied and the host is never asked', async () => {
    const host = new FakeRemote();
    const k = await run(doc((d) => { d.channels = []; }), host);
    expect(host.sent).toHaveLength(0);
    expect(of(k.events, 'msg.denied')[0]).toMatchObject({ to: 'translator', decision: { effect: 'deny', module: 'channel' } });
  });

  it('a text derived from untrusted data is refused at the remote (it leaves the machine) and the host is never asked', async () => {
    const host = new FakeRemote();
    const k = await run(doc((d) => {
      d.tools = [{ id: 'web', name: 'web', trust: 'untrusted', impl: { kind: 'sim', result: 'page text' } }];
      d.agents![0]!.capabilities = [{ target: 'web' }];
      d.agents![0]!.behaviour = [
        { op: 'call', tool: 'web', args: {}, as: 'page' },
        { op: 'send', to: 'translator', text: 'translate: {{var.page}}' },
        { op: 'finish', text: 'done' },
      ];
    }), host);
    expect(host.sent).toHaveLength(0);
    const denied = of(k.events, 'msg.denied')[0]!;
    expect(denied.decision).toMatchObject({ effect: 'deny', module: 'taint' });
    expect(denied.decision.reason).toMatch(/sending to translator leaves the machine \(remote agent at 127\.0\.0\.1:9\)/);
  });

  it('an unreachable remote is a recorded failure the sender reads; the run goes on', async () => {
    const k = await run(doc(), new FakeRemote(() => new Error('fetch failed: ECONNREFUSED')));
    const replied = of(k.events, 'remote.replied')[0]!;
    expect(replied).toMatchObject({ ok: false, state: 'TASK_STATE_FAILED' });
    expect(replied.text).toBe('remote agent "translator" could not be reached: fetch failed: ECONNREFUSED');
    expect(of(k.events, 'agent.finished')[0]!.text).toMatch(/could not be reached/);
    expect(of(k.events, 'task.updated').at(-1)!.to).toBe('TASK_STATE_FAILED');
  });

  it('without an A2A client the message fails plainly and the failure is recorded', async () => {
    const k = await run(doc());
    expect(of(k.events, 'remote.replied')[0]!.text).toMatch(/no A2A client/);
  });

  it('replay, seek, fork and restore answer from the trace: the host is never asked again', async () => {
    const spec = doc();
    const original = await run(spec, new FakeRemote());
    const events = original.events;
    const sentAt = of(events, 'msg.sent')[0]!.seq;

    const replay = Kernel.create(spec, { runId: 'r', seed: 1, a2a: RecordedA2a.fromTrace(events) });
    await replay.runUntil();
    expect(replay.traceHash()).toBe(original.traceHash());

    // A seek is the reducer over the events: the answer is in the inbox, then in the window.
    const at = of(events, 'remote.replied')[0]!.seq;
    expect(replayTo([], events, at).procs.a!.inbox.map((m) => m.text)).toEqual(['bonjour (translate: good morning)']);

    const forkHost = new FakeRemote();
    const fork = Kernel.fork(events, spec, { runId: 'f', seed: 1, a2a: forkHost, parent: { run: 'r', seq: sentAt } });
    await fork.runUntil();
    expect(forkHost.sent).toHaveLength(0);
    expect(of(fork.events, 'remote.replied')[0]!.text).toBe('bonjour (translate: good morning)');

    const restoreHost = new FakeRemote();
    const restored = Kernel.restore(events, spec, { runId: 'r', seed: 1, a2a: restoreHost });
    await restored.runUntil();
    expect(restoreHost.sent).toHaveLength(0);
  });

  it('a replay that needs an answer the trace does not hold says so instead of sending', async () => {
    const spec = doc();
    await loadEncodingsFor(spec);
    const k = Kernel.create(spec, { runId: 'r', seed: 1, a2a: RecordedA2a.fromTrace([]) });
    await expect(k.runUntil()).rejects.toBeInstanceOf(A2aNotRecordedError);
  });

  it('an answer asking for input keeps the remote task open, and the next message continues it', async () => {
    let n = 0;
    const host = new FakeRemote(() => (++n === 1
      ? { ok: true, state: 'TASK_STATE_INPUT_REQUIRED', text: 'which language?', taskId: 'rt9', contextId: 'rc9' }
      : { ok: true, state: 'TASK_STATE_COMPLETED', text: 'bonjour', taskId: 'rt9', contextId: 'rc9' }));
    const k = await run(doc((d) => {
      d.agents![0]!.behaviour = [
        { op: 'send', to: 'translator', text: 'translate: good morning' },
        { op: 'recv', from: 'translator' },
        { op: 'send', to: 'translator', text: 'French' },
        { op: 'recv', from: 'translator', as: 'answer' },
        { op: 'finish', text: '{{var.answer}}' },
      ];
    }), host);
    expect(host.sent.map((r) => [r.text, r.taskId ?? null])).toEqual([['translate: good morning', null], ['French', 'rt9']]);
    expect(host.sent[1]!.contextId).toBe('rc9');
    expect(of(k.events, 'agent.finished')[0]!.text).toBe('bonjour');
  });
});

describe('remote agents in the document', () => {
  const issues = (d: Record<string, unknown>) => {
    const r = parseHarness(d);
    return r.ok ? [] : r.issues.map((i) => i.message);
  };
  const base = { version: 1, name: 'x', models: [{ id: 'm', name: 'sim' }], agents: [{ id: 'a', name: 'A', model: 'm' }] };

  it('names a bad URL, credentials in the URL, an auth value in the document, a dangling channel end and a channel from a remote agent', () => {
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'ftp://x' }] }).join('\n')).toMatch(/remoteAgents\[0\]\.url: an http:\/\/ or https:\/\/ URL/);
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'https://user:pw@x/card' }] }).join('\n')).toMatch(/remoteAgents\[0\]\.url: .*without user:password@/);
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'http://x/', auth: { env: 'TOKEN', value: 'Bearer x' } }] }).join('\n')).toMatch(/remoteAgents\[0\]\.auth: unknown field value/);
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'http://x/' }], channels: [{ id: 'c', from: 'a', to: 'nope' }] })).toContain('channels[0].to: expected the id of an agent or a remote agent, found "nope", which does not exist');
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'http://x/' }], channels: [{ id: 'c', from: 'r', to: 'a' }] })).toContain('channels[0].from: expected the id of an agent, found the remote agent "r"');
    expect(issues({ ...base, remoteAgents: [{ id: 'r', url: 'http://x/' }], channels: [{ id: 'c', from: 'a', to: 'r' }] })).toEqual([]);
  });
});
