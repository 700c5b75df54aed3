/** Scheduling as the kernel runs it: budgets, routing and admission, seen through events. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness } from '../spec';
import { harness, TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';

const chatty = (id: string, group?: string, turns = 8) => ({
  id, name: id, model: 'm',
  sched: group ? { group } : {},
  behaviour: Array.from({ length: turns }, (_, i) => ({ op: 'think' as const, text: `Thought ${i} of ${id}: ${'lorem ipsum dolor sit amet '.repeat(6)}` })),
});

describe('budget groups', () => {
  it('stop the run when the harness root budget is spent, overspending by at most one slice', async () => {
    const spec = harness({
      sched: { sliceTokens: 16 },
      groups: [{ id: 'root', name: 'Harness', tokens: 600 }, { id: 'team', name: 'Team', parent: 'root' }],
      agents: [chatty('a', 'team'), chatty('b', 'team')],
    });
    const t = await new TestKernel(spec).runToEnd();
    const stop = t.events('run.stopped')[0] as EventOf<'run.stopped'>;
    expect(stop.reason).toBe('budget');
    expect(t.events('sched.throttled')[0]).toMatchObject({ group: 'root', until: -1 });
    const charges = t.kernel.events.flatMap((e) => ('slice' in e && typeof e.slice === 'object' ? [e.slice.tokensIn + e.slice.tokensOut] : []));
    const biggest = Math.max(...charges);
    expect(t.state.groups.root!.usedTokens).toBeGreaterThanOrEqual(600);
    expect(t.state.groups.root!.usedTokens - 600).toBeLessThanOrEqual(biggest * 2); // two slots may each end one slice
  });

  it('throttle a team whose periodic quota is spent and replenish it next period', async () => {
    const spec = harness({
      slots: 2,
      sched: { sliceTokens: 16 },
      groups: [{ id: 'team', name: 'Team', tokens: 300, periodMs: 5000 }],
      agents: [chatty('a', 'team', 6), chatty('free', undefined, 6)],
    });
    const t = await new TestKernel(spec).runToEnd();
    const throttled = t.events('sched.throttled').find((e) => (e as EventOf<'sched.throttled'>).group === 'team') as EventOf<'sched.throttled'>;
    expect(throttled).toBeDefined();
    expect(throttled.until % 5000).toBe(0);
    const replenished = t.events('sched.replenished').find((e) => (e as EventOf<'sched.replenished'>).group === 'team')!;
    expect(replenished.t).toBe(throttled.until);
    // While throttled, the team's agent neither runs nor is picked.
    const between = t.kernel.events.filter((e) => e.seq > throttled.seq && e.seq < replenished.seq);
    expect(between.some((e) => e.type === 'sched.picked' && e.agent === 'a')).toBe(false);
    expect(t.events('run.stopped')[0]).toMatchObject({ reason: 'completed' });
  });
});

describe('routing', () => {
  const spec = harness({
    models: [
      { id: 'cheap', name: 'Cheap', provider: 'sim', quality: 2, priceIn: 0.1, priceOut: 0.4 },
      { id: 'mid', name: 'Mid', provider: 'sim', quality: 3, priceIn: 1, priceOut: 4 },
      { id: 'big', name: 'Big', provider: 'sim', quality: 5, priceIn: 5, priceOut: 15 },
    ],
    agents: [{
      id: 'a', name: 'A', model: 'cheap', behaviour: [
        { op: 'think', text: 'easy part' },
        { op: 'think', text: 'hard part', precision: 3 },
        { op: 'think', text: 'hardest part', precision: 5 },
        { op: 'finish', text: 'done' },
      ],
    }],
  });

  it('picks the cheapest model whose quality meets the step, records why, and goes back after', async () => {
    const t = await new TestKernel(spec).runToEnd();
    const routed = t.events('sched.routed') as EventOf<'sched.routed'>[];
    expect(routed.map((r) => [r.need, r.model])).toEqual([[3, 'mid'], [5, 'big'], [0, 'cheap']]);
    expect(routed[0]!.reason).toMatch(/cheapest of 2 models with quality ≥ 3: mid/);
    expect(routed[0]!.candidates.find((c) => c.model === 'cheap')).toMatchObject({ ok: false });
    const completed = t.events('infer.completed') as EventOf<'infer.completed'>[];
    expect(completed.map((c) => c.model)).toEqual(['cheap', 'mid', 'big', 'cheap']);
  });
});

describe('deadline admission', () => {
  const dl = (id: string) => ({ id, name: id, model: 'm', sched: { class: 'deadline' as const, runtime: 40, deadline: 1000, period: 1000 }, behaviour: [{ op: 'finish' as const, text: 'ok' }] });

  it('admits agents while the bandwidth stays under the bound, and refuses the one past it with the numbers', () => {
    // capacity of one slot: 100 tokens/s → 100 tokens per 1000 ms; each agent asks 40 → 0.4 slots
    const t = new TestKernel(harness({ agents: [dl('d1'), dl('d2'), dl('d3')] }));
    const admitted = t.events('sched.admitted') as EventOf<'sched.admitted'>[];
    expect(admitted.map((a) => a.agent)).toEqual(['d1', 'd2']);
    expect(admitted[1]!.utilization).toBeCloseTo(0.8);
    const refused = t.events('sched.refused')[0] as EventOf<'sched.refused'>;
    expect(refused).toMatchObject({ agent: 'd3', bound: 0.95 });
    expect(refused.utilization).toBeCloseTo(1.2);
    expect(t.events('job.failed')[0]).toMatchObject({ agent: 'd3', stage: 'allocate' });
    expect(Object.keys(t.state.procs)).toEqual(['d1', 'd2']);
  });

  it('rejects parameters that break runtime ≤ deadline ≤ period: the parser at the field, the job pipeline for a spec that skipped it', () => {
    // 500 tokens at 100 tokens/s take 5000 ms, past the 1000 ms deadline.
    const bad = { class: 'deadline' as const, runtime: 500, deadline: 1000, period: 2000 };
    expect(() => harness({ agents: [{ ...dl('x'), sched: bad }] })).toThrow('agents[0].sched.runtime: expected at most what the deadline allows (100 tokens in 1000 ms');
    const spec = harness({ agents: [dl('x')] });
    spec.agents[0]!.sched = { ...spec.agents[0]!.sched, ...bad };
    const failed = new TestKernel(spec).events('job.failed')[0] as EventOf<'job.failed'>;
    expect(failed).toMatchObject({ stage: 'validate' });
    expect(failed.reason).toContain('sched.runtime: expected at most what the deadline allows');
  });
});

describe('the contention example', () => {
  const raw = JSON.parse(readFileSync(new URL('../../../public/examples/contention.json', import.meta.url), 'utf8')) as {
    sched: { agingStepMs: number };
    agents: { id: string; sched: Record<string, unknown> }[];
  };
  const spec = (doc: unknown) => {
    const r = parseHarness(doc);
    if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
    return r.spec;
  };
  const maxWait = (events: readonly KernelEvent[]) => {
    const w: Record<string, number> = {};
    for (const e of events) if (e.type === 'sched.picked') w[e.agent] = Math.max(w[e.agent] ?? 0, e.waitedMs);
    return w;
  };

  it('gives the same trace hash for the same seed, using every class it declares', async () => {
    const a = await new TestKernel(spec(raw), { seed: 4, runId: 'a' }).runToEnd();
    const b = await new TestKernel(spec(raw), { seed: 4, runId: 'b' }).runToEnd();
    expect(a.kernel.traceHash()).toBe(b.kernel.traceHash());
    expect(a.events('run.stopped')[0]).toMatchObject({ reason: 'completed' });
    const classes = new Set((a.events('sched.picked') as EventOf<'sched.picked'>[]).map((e) => e.class));
    expect(classes).toEqual(new Set(['deadline', 'rt', 'fair']));
    const reasons = new Set((a.events('sched.preempted') as EventOf<'sched.preempted'>[]).map((e) => e.reason));
    expect(reasons).toEqual(new Set(['slice', 'class', 'throttled', 'budget']));
    expect((a.events('sched.throttled') as EventOf<'sched.throttled'>[]).some((e) => e.group === 'writers')).toBe(true);
  });

  it('shows starvation when the fair agents become priority agents without aging', async () => {
    const prios: Record<string, number> = { 'researcher-a': 5, 'researcher-b': 4, analyst: 3, 'writer-1': 2, 'writer-2': 1 };
    const variant = (aging: number) => {
      const doc = JSON.parse(JSON.stringify(raw)) as typeof raw;
      doc.sched.agingStepMs = aging;
      for (const a of doc.agents) if (a.sched.class === 'fair') a.sched = { class: 'priority', priority: prios[a.id], group: a.sched.group };
      return spec(doc);
    };
    const aged = maxWait((await new TestKernel(variant(500)).runToEnd()).events());
    const starved = maxWait((await new TestKernel(variant(0)).runToEnd()).events());
    expect(starved['writer-2']!).toBeGreaterThan(3 * aged['writer-2']!);
    expect(starved.analyst!).toBeGreaterThan(3 * aged.analyst!);
  });
});

describe('group weights (cpu.weight)', () => {
  it('share a team\'s weight among its members: two members of a weight-100 team together get one agent\'s share', async () => {
    const long = (id: string, group?: string) => ({
      id, name: id, model: 'm', sched: { class: 'fair' as const, weight: 100, ...(group ? { group } : {}) },
      behaviour: Array.from({ length: 40 }, () => ({ op: 'think' as const, text: 'steady work '.repeat(20) })),
    });
    const spec = harness({
      sched: { sliceTokens: 16 },
      limits: { maxSteps: 60 },
      groups: [{ id: 'team', name: 'Team', weight: 100 }],
      agents: [long('solo'), long('t1', 'team'), long('t2', 'team')],
    });
    const t = await new TestKernel(spec).runToEnd();
    const published = t.events('job.published') as EventOf<'job.published'>[];
    expect(published.map((p) => p.sched.weight)).toEqual([100, 50, 50]);
    const out: Record<string, number> = {};
    for (const e of t.kernel.events) if (e.type === 'infer.sliced' || e.type === 'infer.completed') out[e.agent] = (out[e.agent] ?? 0) + e.slice.tokensOut;
    const team = out.t1! + out.t2!;
    expect(Math.abs(team - out.solo!) / out.solo!).toBeLessThan(0.1);
  });
});
