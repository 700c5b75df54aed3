/**
 * cursorView on small runs: each example moves to the event that makes the fact true and reads
 * what the canvas would draw there.
 */
import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent, KernelEventType } from '../trace/events';
import { cursorView } from './cursorView';

/** Two agents on one slot; `a` sends to `b` on a channel that takes 500 virtual ms. */
const pair = harness({
  agents: [
    { id: 'a', name: 'A', model: 'm', sched: { class: 'rt', priority: 10 }, behaviour: [{ op: 'think', text: 'plan', tokens: 20 }, { op: 'send', to: 'b', text: 'brief' }, { op: 'finish' }] },
    { id: 'b', name: 'B', model: 'm', behaviour: [{ op: 'recv', from: 'a', as: 'brief' }, { op: 'finish' }] },
  ],
  channels: [{ id: 'a-to-b', from: 'a', to: 'b', latencyMs: 500 }],
} as never);

/** One writer whose fs.write a project rule denies, then a read a rule allows. */
const guarded = harness({
  tools: [
    { id: 'fs', name: 'fs_write', sideEffect: 'write', impl: { kind: 'sim', result: 'wrote' } },
    { id: 'look', name: 'fs_read', sideEffect: 'read', impl: { kind: 'sim', result: 'text', latencyMs: 300 } },
  ],
  agents: [
    {
      id: 'w', name: 'W', model: 'm', capabilities: [{ target: 'fs' }, { target: 'look' }],
      behaviour: [{ op: 'call', tool: 'fs', args: { path: '/etc/passwd' } }, { op: 'call', tool: 'look', args: { path: '/r.md' } }, { op: 'finish' }],
    },
  ],
  policy: {
    mode: 'auto',
    scopes: [{ id: 'project', level: 'project', rules: [{ id: 'no-etc', effect: 'deny', match: 'fs(/etc/*)' }, { id: 'reads-ok', effect: 'allow', match: 'look(*)' }] }],
  },
} as never);

/** `mode: ask`: the write waits for a person. */
const asking = harness({
  tools: [{ id: 'fs', name: 'fs_write', sideEffect: 'write', impl: { kind: 'sim', result: 'wrote' } }],
  agents: [{ id: 'w', name: 'W', model: 'm', capabilities: [{ target: 'fs' }], behaviour: [{ op: 'call', tool: 'fs', args: { path: '/r.md' } }, { op: 'finish' }] }],
  policy: { mode: 'ask' },
} as never);

/** A budget group of 30 tokens a period: the agent's second turn waits for the next period. */
const budget = harness({
  groups: [{ id: 'team', name: 'Team', tokens: 30, periodMs: 60_000 }],
  agents: [{ id: 'a', name: 'A', model: 'm', sched: { class: 'fair', group: 'team' }, behaviour: [{ op: 'think', text: 'one', tokens: 40 }, { op: 'think', text: 'two', tokens: 40 }, { op: 'finish' }] }],
} as never);

function first<T extends KernelEventType>(t: TestKernel, type: T, where: (e: EventOf<T>) => boolean = () => true): EventOf<T> {
  const e = (t.events(type) as EventOf<T>[]).find(where);
  if (!e) throw new Error(`no ${type} in the run`);
  return e;
}

const viewAt = (t: TestKernel, e: KernelEvent) => cursorView(t.stateAt(e.seq), e);

describe('cursorView', () => {
  it('marks the agent holding the slot as running in its class, and the other as waiting for a slot', async () => {
    const t = await new TestKernel(pair).runToStop();
    const picked = first(t, 'sched.picked', (e) => e.agent === 'a');
    const v = viewAt(t, picked);
    expect(v.agents.a).toMatchObject({ running: true, class: 'rt', slot: 0, wait: null, actsNow: true });
    // b has not been picked yet, or blocks in recv: never running while a holds the only slot.
    expect(v.agents.b!.running).toBe(false);
    expect(v.agents.b!.actsNow).toBe(false);
  });

  it('says a blocked receiver waits for a message from its sender', async () => {
    const t = await new TestKernel(pair).runToStop();
    const delivered = first(t, 'msg.delivered');
    const blocked = t.events().filter((e) => e.seq < delivered.seq && t.stateAt(e.seq).procs.b?.state === 'blocked');
    expect(blocked.length).toBeGreaterThan(0);
    for (const e of blocked) expect(viewAt(t, e).agents.b).toMatchObject({ wait: 'message', waitOn: 'a message from a', running: false });
  });

  it('puts the message in flight on its channel, travelling from 0 at the send to 1 at delivery', async () => {
    const t = await new TestKernel(pair).runToStop();
    const sent = first(t, 'msg.sent');
    const delivered = first(t, 'msg.delivered');
    const atSend = viewAt(t, sent).channels['a-to-b'];
    expect(atSend).toMatchObject({ inFlight: 1, from: 'a', to: 'b', msgId: sent.msgId, progress: 0, sentNow: true });
    // Any event while it travels shows it further along, never past its end.
    const between = t.events().filter((e) => e.seq > sent.seq && e.seq < delivered.seq && e.t > sent.t);
    for (const e of between) {
      const c = viewAt(t, e).channels['a-to-b']!;
      expect(c.progress).toBeCloseTo((e.t - sent.t) / 500);
      expect(c.sentNow).toBe(false);
    }
    expect(viewAt(t, delivered).channels['a-to-b']).toMatchObject({ inFlight: 0, msgId: sent.msgId, progress: 1 });
    const after = t.events().find((e) => e.seq > delivered.seq)!;
    expect(viewAt(t, after).channels['a-to-b']).toBeUndefined();
  });

  it('shows a denied call as denied with the deciding rule at its decision', async () => {
    const t = await new TestKernel(guarded).runToStop();
    const denied = first(t, 'tool.denied');
    expect(viewAt(t, denied).tools.fs).toMatchObject({ decision: 'denied', rule: 'no-etc', scope: 'project', decidedFor: 'w', calls: 0 });
    // Without the event the state keeps no trace of the denial: nothing to show on the tool.
    expect(cursorView(t.stateAt(denied.seq)).tools.fs).toBeUndefined();
  });

  it('shows an allowed call in progress with its rule while it runs', async () => {
    const t = await new TestKernel(guarded).runToStop();
    const allowed = first(t, 'tool.allowed', (e) => e.tool === 'look');
    const returned = first(t, 'tool.returned', (e) => e.tool === 'look');
    const running = t.events().filter((e) => e.seq > allowed.seq && e.seq < returned.seq);
    expect(viewAt(t, allowed).tools.look).toMatchObject({ calls: 1, agent: 'w', phase: 'running', decision: 'allowed', rule: 'reads-ok' });
    // Later events keep the decision: the state holds it while the call runs.
    for (const e of running) expect(viewAt(t, e).tools.look).toMatchObject({ phase: 'running', decision: 'allowed', rule: 'reads-ok' });
    expect(viewAt(t, allowed).agents.w).toMatchObject({ wait: 'tool', waitOn: 'look (running)' });
    expect(viewAt(t, returned).tools.look).toBeUndefined();
  });

  it('says an agent asking a person waits on that person, and the tool shows the ask', async () => {
    const t = await new TestKernel(asking).runToEnd();
    const asked = first(t, 'tool.asked');
    const v = viewAt(t, asked);
    expect(v.agents.w).toMatchObject({ wait: 'person', waitOn: 'a person: approve fs' });
    expect(v.tools.fs).toMatchObject({ phase: 'asked', decision: 'asked', module: 'mode' });
  });

  it('says an agent of a spent budget group waits on the throttle, and shows the group use against its quota', async () => {
    const t = await new TestKernel(budget).runToStop();
    const throttled = first(t, 'sched.throttled', (e) => e.group === 'team');
    const v = viewAt(t, throttled).agents.a!;
    expect(v.groupTokensQuota).toBe(30);
    expect(v.groupTokens).toBeGreaterThanOrEqual(30);
    const waiting = t.events().filter((e) => e.seq >= throttled.seq).map((e) => viewAt(t, e).agents.a!).find((a) => a.state === 'ready');
    expect(waiting).toMatchObject({ wait: 'throttle', waitOn: expect.stringMatching(/^group team spent until \d+\.\d s$/) });
  });

  it('reports window fill, tokens and cost from the agent record', async () => {
    const t = await new TestKernel(pair).runToStop();
    const s = t.state;
    const a = cursorView(s).agents.a!;
    expect(a).toMatchObject({ windowTokens: s.procs.a!.contextTokens, window: s.procs.a!.window, tokens: s.procs.a!.tokensIn + s.procs.a!.tokensOut, cost: s.procs.a!.cost });
    expect(a.windowTokens).toBeGreaterThan(0);
  });
});
