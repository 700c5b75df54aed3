/** The sequence diagram of a run with a remote agent: the message to it arrives, and its answer is an arrow back, read by the sender. */
import { describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness } from '../../kernel';
import { sequenceAt } from './sequence';

describe('sequenceAt with a remote agent', () => {
  it('draws the message to the remote agent as delivered, and its answer as an arrow back read by the sender', async () => {
    const r = parseHarness({
      version: 1, name: 'r', models: [{ id: 'm', name: 'sim' }],
      remoteAgents: [{ id: 'translator', url: 'http://127.0.0.1:9/' }],
      channels: [{ id: 'c', from: 'writer', to: 'translator', latencyMs: 10 }],
      agents: [{ id: 'writer', name: 'W', model: 'm', behaviour: [{ op: 'send', to: 'translator', text: 'hi' }, { op: 'recv', from: 'translator' }, { op: 'finish', text: 'ok' }] }],
    });
    if (!r.ok) throw new Error(r.issues[0]!.message);
    await loadEncodingsFor(r.spec);
    const k = Kernel.create(r.spec, { runId: 'r', seed: 1, a2a: { send: async () => ({ ok: true, state: 'TASK_STATE_COMPLETED', text: 'salut' }) } });
    await k.runUntil();
    const model = sequenceAt(k.events, k.events.length - 1, ['writer']);
    const replied = k.events.find((e) => e.type === 'remote.replied')!;
    expect(model.messages.map((m) => [m.from, m.to, m.text, m.tDelivered, m.tRead !== null])).toEqual([
      ['writer', 'translator', 'hi', replied.t, true],
      ['translator', 'writer', 'salut', replied.t, true],
    ]);
  });
});
