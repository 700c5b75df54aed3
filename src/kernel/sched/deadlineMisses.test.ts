import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';

/** Two deadline agents on one slot with deadlines too tight for both turns: EDF runs one, the other completes late. */
const doc = harness({
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100, slots: 1 }],
  agents: ['alert', 'pager'].map((id) => ({
    id, name: id, model: 'm', sched: { class: 'deadline' as const, runtime: 18, deadline: 200, period: 1000 },
    behaviour: [{ op: 'think' as const, text: 'a', tokens: 15 }, { op: 'think' as const, text: 'b', tokens: 15 }, { op: 'finish' as const }],
  })),
});

/** The count metrics.ts used to derive from sched.picked stats, as the reference the event must agree with. */
function lateTurns(events: readonly KernelEvent[]): { agent: string; deadline: number; t: number }[] {
  const due = new Map<string, number>();
  const out: { agent: string; deadline: number; t: number }[] = [];
  for (const e of events) {
    if (e.type === 'sched.picked' && e.class === 'deadline') due.set(e.agent, e.stats['deadline'] as number);
    else if (e.type === 'infer.completed' && due.has(e.agent)) {
      if (e.t > due.get(e.agent)!) out.push({ agent: e.agent, deadline: due.get(e.agent)!, t: e.t });
      due.delete(e.agent);
    }
  }
  return out;
}

const missed = (events: readonly KernelEvent[]) => events.filter((e): e is EventOf<'sched.missed'> => e.type === 'sched.missed');

describe('sched.missed', () => {
  it('is recorded right after each deadline turn that completed late, with its deadline and lateness', async () => {
    const k = Kernel.create(doc, { runId: 'r', seed: 1 });
    await k.runUntil();
    const late = lateTurns(k.events);
    expect(late.length).toBeGreaterThan(0);
    const events = missed(k.events);
    expect(events.map((e) => ({ agent: e.agent, deadline: e.deadline, t: e.completedAt }))).toEqual(late);
    for (const e of events) {
      const completed = k.events[e.cause!]!;
      expect(completed).toMatchObject({ type: 'infer.completed', agent: e.agent, turn: e.turn });
      expect(e.seq).toBe(completed.seq + 1);
      expect(e).toMatchObject({ class: 'deadline', model: 'm', lateMs: e.completedAt - e.deadline });
      expect(e.lateMs).toBeGreaterThan(0);
    }
  });

  it('is found again by a restored or forked kernel (the watch is rebuilt from the log)', async () => {
    const k = Kernel.create(doc, { runId: 'r', seed: 1 });
    await k.runUntil();
    const first = missed(k.events)[0]!;
    // Restored right after the late infer.completed: the miss is still to be recorded, and is, once.
    const restored = Kernel.restore(k.events.slice(0, first.seq), doc, { runId: 'r', seed: 1 });
    await restored.runUntil();
    expect(restored.traceHash()).toBe(k.traceHash());
    const fork = Kernel.fork(k.events, doc, { runId: 'f', seed: 1, parent: { run: 'r', seq: first.seq - 1 } });
    await fork.runUntil();
    expect(missed(fork.events).map((e) => e.completedAt)).toEqual(missed(k.events).map((e) => e.completedAt));
  });
});
