import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { harness } from '../test/TestKernel';
import { measure, resolveMetric, type RunFacts } from './metrics';

/** Two deadline agents on one slot whose deadlines cannot both be met (see sched/deadlineMisses.test.ts). */
const doc = harness({
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100, slots: 1 }],
  agents: ['alert', 'pager'].map((id) => ({
    id, name: id, model: 'm', sched: { class: 'deadline' as const, runtime: 18, deadline: 200, period: 1000 },
    behaviour: [{ op: 'think' as const, text: 'a', tokens: 15 }, { op: 'think' as const, text: 'b', tokens: 15 }, { op: 'finish' as const }],
  })),
});

describe('the deadlineMisses metric', () => {
  it('counts the kernel\'s sched.missed events, per agent or in all', async () => {
    const k = Kernel.create(doc, { runId: 'r', seed: 1 });
    await k.runUntil();
    const facts: RunFacts = { events: k.events, goals: {}, stopReason: 'completed', steps: k.state.steps, tokensIn: 0, tokensOut: 0, cost: 0 };
    const missed = k.events.filter((e) => e.type === 'sched.missed');
    expect(missed.length).toBeGreaterThan(0);
    expect(measure(resolveMetric({ kind: 'deadlineMisses' }), doc, facts)).toBe(missed.length);
    const perAgent = ['alert', 'pager'].map((agent) => measure(resolveMetric({ kind: 'deadlineMisses', agent }), doc, facts));
    expect(perAgent.reduce((a, b) => (a as number) + (b as number), 0)).toBe(missed.length);
    // Without the events, nothing is counted: the metric no longer re-derives misses from picks.
    expect(measure(resolveMetric({ kind: 'deadlineMisses' }), doc, { ...facts, events: k.events.filter((e) => e.type !== 'sched.missed') })).toBe(0);
  });
});
