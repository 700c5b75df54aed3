/**
 * Cooperation and termination end to end in the kernel: A2A envelopes and tasks on every
 * message, fact retention per hop, the person as a participant, livelock and deadlock stops with
 * their evidence.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { harness, TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { parseEnvelope } from './parseEnvelope';
import { canTransition, TERMINAL_STATES } from './taskState';

function example(name: string, edit?: (doc: Record<string, any>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, any>;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe('messages are A2A', () => {
  it('every message travels in a SendMessage envelope that parses, with its facts as parts tagged fact', async () => {
    const t = await new TestKernel(example('delegation')).runToEnd();
    const sent = of(t.events(), 'msg.sent');
    expect(sent.length).toBeGreaterThan(10);
    for (const m of sent) {
      const parsed = parseEnvelope(m.envelope);
      expect(parsed.ok, JSON.stringify(m.envelope)).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.envelope).toMatchObject({ jsonrpc: '2.0', method: 'SendMessage' });
      const parts = (m.envelope as { params: { message: { parts: { text: string; metadata?: { tag?: string } }[]; taskId: string } } }).params.message;
      expect(parts.taskId).toBe(m.task);
      expect(parts.parts.filter((p) => p.metadata?.tag === 'fact').map((p) => p.text)).toEqual(m.facts);
    }
  });

  it('tasks move only by legal transitions, from submitted to a terminal state', async () => {
    const t = await new TestKernel(example('delegation')).runToEnd();
    const updates = of(t.events(), 'task.updated');
    const last = new Map<string, string>();
    for (const u of updates) {
      if (u.from === null) expect(u.to).toBe('TASK_STATE_SUBMITTED');
      else expect(canTransition(u.from, u.to), `${u.task}: ${u.from} → ${u.to}`).toBe(true);
      expect(last.get(u.task) ?? null).toBe(u.from);
      last.set(u.task, u.to);
    }
    expect(last.size).toBeGreaterThan(0);
    for (const [task, state] of last) expect(TERMINAL_STATES.has(state as never), `${task} ends ${state}`).toBe(true);
    // A request read by its server is worked on before it completes.
    expect(updates.some((u) => u.to === 'TASK_STATE_WORKING')).toBe(true);
  });
});

describe('fact retention per hop', () => {
  const forward = (e: EventOf<'msg.retained'>) => {
    const order = ['client', 'planner', 'coordinator', 'vendor'];
    return order.indexOf(e.to.split('_')[0]!) > order.indexOf(e.from.split('_')[0]!);
  };

  it('tagged facts arrive intact at every hop; the same brief in prose loses facts along the chain', async () => {
    let lostUntagged = 0;
    for (const seed of [1, 2, 3, 4]) {
      const t = await new TestKernel(example('delegation'), { seed }).runToEnd();
      const hops = of(t.events(), 'msg.retained').filter(forward);
      const tagged = hops.filter((h) => h.from.endsWith('_t'));
      expect(tagged).toHaveLength(3);
      for (const h of tagged) expect(h).toMatchObject({ tracked: expect.arrayContaining(['Budget: $4,000']), lost: [] });
      expect(tagged.every((h) => h.arrived.length === 4)).toBe(true);
      lostUntagged += hops.filter((h) => h.from.endsWith('_u')).reduce((n, h) => n + h.lost.length, 0);
    }
    expect(lostUntagged).toBeGreaterThan(0);
  });
});

describe('a person in the loop', () => {
  it('an agent asks the person for input; the run waits; the answer resumes the task in place', async () => {
    const spec = harness({
      agents: [{
        id: 'a', name: 'A', model: 'm',
        behaviour: [
          { op: 'send', to: 'human', text: 'Which city should I book?', task: 'input-required' },
          { op: 'recv', from: 'human', as: 'city' },
          { op: 'write', artifact: 'booking', text: 'Booked {{var.city}}' },
          { op: 'finish', text: 'done' },
        ],
      }],
      channels: [{ id: 'ask', from: 'a', to: 'human' }],
    } as never);
    const t = await new TestKernel(spec, { runId: 'r' }).runToEnd().expectWaiting();
    // The agent serves the person's task and requires their input (only a server can).
    const task = t.events('task.updated').at(-1)!;
    expect(task).toMatchObject({ client: 'human', server: 'a', to: 'TASK_STATE_INPUT_REQUIRED' });
    // The answer is the run's next event, on the same task.
    await t
      .tell('a', 'Lisbon').step().expectLastEvent('msg.sent', { from: 'human', to: 'a', text: 'Lisbon', task: task.task })
      .runToStop().expectArtifact('booking', 'Booked Lisbon').expectStop('completed');
    // The answer put the task back to work; the agent's exit completed it.
    expect(t.events('task.updated').filter((u) => u.task === task.task).map((u) => u.to)).toEqual([
      'TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING', 'TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_WORKING', 'TASK_STATE_COMPLETED',
    ]);
  });

  it('a message to an agent that is not running is refused with a reason', async () => {
    await new TestKernel(harness({ agents: [{ id: 'a', name: 'A', model: 'm', behaviour: [] }] }), { runId: 'r' })
      .expectRefused({ kind: 'message', to: 'ghost', text: 'hi' }, /no running agent/);
  });
});

describe('termination', () => {
  it('the editor-writer example stops as a livelock, citing the oscillating turns', async () => {
    const t = await new TestKernel(example('livelock')).runToEnd();
    const stop = of(t.events(), 'run.stopped')[0]!;
    expect(stop).toMatchObject({ reason: 'livelock', goals: { published: false } });
    expect(stop.detail).toMatch(/alternates between two states/);
    expect(stop.evidence!.length).toBeGreaterThanOrEqual(4);
    for (const seq of stop.evidence!) expect(t.events()[seq]!.type).toBe('infer.completed');
    // Well before the step limit: a step counter alone would have let it run on.
    expect(t.state.steps).toBeLessThan(t.kernel.document.limits.maxSteps);
  });

  it('does not stop a run that converges slowly: every draft is new', async () => {
    const drafts = Array.from({ length: 12 }, (_, i) => `Draft ${i + 1}: ${Array.from({ length: i + 3 }, (_, j) => `point${j}`).join(' ')}.`);
    const spec = harness({
      agents: [
        { id: 'editor', name: 'E', model: 'm', behaviour: [...drafts.flatMap(() => [{ op: 'send', to: 'writer', text: 'Tighten it a little more.' }, { op: 'recv', from: 'writer' }]), { op: 'finish', text: 'ok' }] },
        { id: 'writer', name: 'W', model: 'm', behaviour: [...drafts.flatMap((d) => [{ op: 'recv', from: 'editor' }, { op: 'send', to: 'editor', text: d }]), { op: 'finish', text: 'ok' }] },
      ],
      channels: [{ id: 'a', from: 'editor', to: 'writer' }, { id: 'b', from: 'writer', to: 'editor' }],
    } as never);
    await new TestKernel(spec).runToStop().expectStop('completed');
  });

  it('a deadlock names the wait-for cycle and cites the waits', async () => {
    const spec = harness({
      agents: [
        { id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'recv', from: 'b' }] },
        { id: 'b', name: 'B', model: 'm', behaviour: [{ op: 'recv', from: 'a' }] },
      ],
    });
    const t = await new TestKernel(spec).runToStop().expectStop('deadlock', { detail: /a waits for b.*b waits for a/ });
    const stop = t.events('run.stopped')[0]!;
    expect(stop.evidence!.map((s) => t.events()[s]!.type)).toEqual(['agent.blocked', 'agent.blocked']);
  });

  it('a restored kernel rebuilds the livelock watch from its log and stops at the same event', async () => {
    const full = await new TestKernel(example('livelock')).runToEnd();
    await full.restore({ upTo: Math.floor(full.events().length / 2) - 1 }).runToEnd().expectSameTrace(full);
  });
});
