import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asRunId, evaluateGoal, Kernel, loadEncodingsFor, parseHarness, type KernelEvent } from '../kernel';
import type { Breakpoint, LogLine } from './api';
import { matchBreakpoint } from './matchBreakpoint';

const run = asRunId('r');
const called: KernelEvent = { seq: 5, t: 0, run, agent: 'a', type: 'tool.called', callId: 'c1', tool: 'lookup', args: {} };
const sent: KernelEvent = { seq: 6, t: 0, run, agent: 'a', type: 'msg.sent', msgId: 'm1', from: 'a', to: 'b', channel: 'ab', text: 'lookup', facts: [], tokens: 1, deliverAt: 1 };
const bp = (kind: Breakpoint['kind'], value: string, extra: Partial<Breakpoint> = {}): Breakpoint => ({ id: `${kind}:${value}${extra.condition ? `?${extra.condition}` : ''}${extra.log ? '!log' : ''}`, kind, value, enabled: true, ...extra });
const paused = (bps: Breakpoint[]) => {
  const m = matchBreakpoint(bps);
  return (e: KernelEvent) => m(e)?.pause?.id;
};

/**
 * Runs an example to its stop under the breakpoints the way the worker's drive loop does (the
 * matcher sees each event after the kernel applied it), approving asks, and never pausing: it
 * collects where each breakpoint would have paused and what logpoints printed.
 */
async function hitsIn(file: string, bps: Breakpoint[], edit: (doc: Record<string, unknown>) => void = () => {}): Promise<{ k: Kernel; pauses: { seq: number; id: string }[]; logs: LogLine[] }> {
  const doc = JSON.parse(readFileSync(`public/examples/${file}`, 'utf8')) as Record<string, unknown>;
  edit(doc);
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(file);
  await loadEncodingsFor(parsed.spec);
  const k = Kernel.create(parsed.spec, { runId: 'bp', seed: 1 });
  const match = matchBreakpoint(bps, { spec: k.document, state: () => k.state });
  const pauses: { seq: number; id: string }[] = [];
  const logs: LogLine[] = [];
  const until = (e: KernelEvent) => {
    const m = match(e);
    if (m?.pause) pauses.push({ seq: e.seq, id: m.pause.id });
    if (m) logs.push(...m.logs);
    return false;
  };
  for (let round = 0; round < 50 && !k.stopped; round++) {
    const r = await k.runUntil({ maxEvents: 20_000, until });
    if (r.reason !== 'waiting') break;
    for (const ask of k.openAsks()) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
  }
  return { k, pauses, logs };
}

describe('matchBreakpoint: event, agent and tool', () => {
  it('matches event types, agents and the tool of tool.* events', () => {
    expect(paused([bp('event', 'tool.called')])(called)).toBe('event:tool.called');
    expect(paused([bp('event', 'tool.called')])(sent)).toBeUndefined();
    expect(paused([bp('agent', 'a')])(sent)).toBe('agent:a');
    expect(paused([bp('agent', 'b')])(sent)).toBeUndefined(); // `to` is not the event's agent
    expect(paused([bp('tool', 'lookup')])(called)).toBe('tool:lookup');
    expect(paused([bp('tool', 'lookup')])(sent)).toBeUndefined(); // "lookup" in a message is not a tool call
  });

  it('pauses on a tool once per call, at the call: not again at its decision or its return', () => {
    const match = paused([bp('tool', 'lookup')]);
    const later: KernelEvent[] = [
      { seq: 6, t: 0, run, agent: 'a', type: 'tool.allowed', callId: 'c1', tool: 'lookup', until: 0, decision: { hook: 'tool.call', module: 'rules', effect: 'allow', rule: 'r', scope: 'project', mode: 'auto', reason: 'r allows it', grant: null, taint: [], code: null, ask: null, answers: null } },
      { seq: 7, t: 0, run, agent: 'a', type: 'tool.returned', callId: 'c1', tool: 'lookup', ok: true, result: 'x', tokens: 1, ms: 1 },
    ];
    expect([called, ...later].map((e) => match(e) ?? null)).toEqual(['tool:lookup', null, null]);
  });

  it('ignores disabled breakpoints and reports the first enabled match', () => {
    const match = paused([{ ...bp('tool', 'lookup'), enabled: false }, bp('agent', 'a'), bp('event', 'tool.called')]);
    expect(match(called)).toBe('agent:a');
    expect(paused([{ ...bp('event', 'tool.called'), enabled: false }])(called)).toBeUndefined();
  });
});

describe('matchBreakpoint: conditions and logpoints', () => {
  it('pauses only where the condition over the event holds', () => {
    const cond = bp('agent', 'a', { condition: 'event.type == "msg.sent" && tokens >= 1' });
    expect(paused([cond])(called)).toBeUndefined();
    expect(paused([cond])(sent)).toBe(cond.id);
    // A condition on its own (`when`) reads any event; a field an event lacks is not an error.
    const when = bp('when', '', { condition: 'to == "b"' });
    expect([called, sent].map((e) => paused([when])(e) ?? null)).toEqual([null, when.id]);
  });

  it('a logpoint prints its line and never pauses; a breakpoint beside it still does', () => {
    const log = bp('agent', 'a', { log: '{agent} → {to}: {text}' });
    const m = matchBreakpoint([log, bp('event', 'msg.sent')]);
    expect(m(sent)).toEqual({ pause: expect.objectContaining({ id: 'event:msg.sent' }), logs: [{ seq: 6, breakpoint: log.id, text: 'a → b: lookup' }] });
    expect(matchBreakpoint([log])(called)).toEqual({ logs: [{ seq: 5, breakpoint: log.id, text: 'a → undefined: undefined' }] });
  });

  it('a condition or line that does not parse never matches (it cannot be saved from the form either)', () => {
    expect(matchBreakpoint([bp('agent', 'a', { condition: 'tokens >' })])(sent)).toBeUndefined();
    expect(matchBreakpoint([bp('agent', 'a', { log: '{tokens' })])(sent)).toBeUndefined();
    expect(matchBreakpoint([bp('when', '')])(sent)).toBeUndefined();
  });

  it('on an example: a conditional breakpoint pauses only at the turns where it holds, a logpoint logs every turn', async () => {
    const cond = bp('event', 'infer.completed', { condition: 'agent == "writer" && tokens > 0' });
    const log = bp('event', 'infer.completed', { log: '{agent} spent {tokens}' });
    const { k, pauses, logs } = await hitsIn('research-team.json', [cond, log]);
    const turns = k.events.filter((e) => e.type === 'infer.completed');
    const writer = turns.filter((e) => e.agent === 'writer');
    expect(writer.length).toBeGreaterThan(0);
    expect(writer.length).toBeLessThan(turns.length);
    expect(pauses).toEqual(writer.map((e) => ({ seq: e.seq, id: cond.id })));
    expect(logs.map((l) => l.text)).toEqual(turns.map((e) => (e.type === 'infer.completed' ? `${e.agent} spent ${e.tokensIn + e.tokensOut}` : '')));
  });
});

describe('matchBreakpoint: decisions, goals, throttles and fact evictions on examples', () => {
  it('decision: deny at the denied call (injection), ask at each asked call (approvals)', async () => {
    const deny = await hitsIn('injection.json', [bp('decision', 'deny')]);
    expect(deny.pauses.map((p) => deny.k.events[p.seq]!.type)).toEqual(['tool.denied']);
    const ask = await hitsIn('approvals.json', [bp('decision', 'ask'), bp('decision', 'deny')]);
    expect(ask.pauses.map((p) => [ask.k.events[p.seq]!.type, p.id])).toEqual([['tool.asked', 'decision:ask'], ['tool.asked', 'decision:ask']]);
  });

  it('goal-true: at the event that made the goal hold, before the kernel records goal.met', async () => {
    const { k, pauses } = await hitsIn('approvals.json', [bp('goal-true', 'report')]);
    const met = k.events.find((e) => e.type === 'goal.met')!;
    expect(pauses).toHaveLength(1);
    expect(pauses[0]!.seq).toBeLessThan(met.seq);
    const goal = k.document.goals.find((g) => g.id === 'report')!;
    expect(evaluateGoal(goal.when, k.stateAt(pauses[0]!.seq), k.document.limits, goal.id)).toBe(true);
    expect(evaluateGoal(goal.when, k.stateAt(pauses[0]!.seq - 1), k.document.limits, goal.id)).toBe(false);
  });

  it('goal-false: where a goal that held stops holding (a budget goal as tokens are spent)', async () => {
    const before = await hitsIn('approvals.json', []);
    const spent = before.k.state.tokensIn + before.k.state.tokensOut;
    const thrifty = (doc: Record<string, unknown>) => {
      doc.limits = { ...(doc.limits as object), maxTokens: spent * 10 };
      doc.goals = [...(doc.goals as unknown[]), { id: 'thrifty', name: 'Most of the budget left', when: { kind: 'budget', tokensLeft: spent * 10 - Math.round(spent / 2) } }];
    };
    const { k, pauses } = await hitsIn('approvals.json', [bp('goal-false', 'thrifty'), bp('goal-true', 'thrifty')], thrifty);
    const goal = k.document.goals.find((g) => g.id === 'thrifty')!;
    const holds = (seq: number) => evaluateGoal(goal.when, k.stateAt(seq), k.document.limits, goal.id);
    // It holds from the start (no pause for that: the baseline), then turns false once, for good.
    expect(pauses.map((p) => p.id)).toEqual(['goal-false:thrifty']);
    expect([holds(pauses[0]!.seq - 1), holds(pauses[0]!.seq)]).toEqual([true, false]);
  });

  it('throttle: each budget throttle of the named group, and every throttle with *', async () => {
    const { k, pauses } = await hitsIn('contention.json', [bp('throttle', 'writers')]);
    const writers = k.events.filter((e) => e.type === 'sched.throttled' && e.group === 'writers');
    expect(writers.length).toBeGreaterThan(0);
    expect(pauses.map((p) => p.seq)).toEqual(writers.map((e) => e.seq));
    const any = await hitsIn('contention.json', [bp('throttle', '*')]);
    expect(any.pauses.length).toBe(any.k.events.filter((e) => e.type === 'sched.throttled').length);
  });

  it('fact-evicted: never on an example (the kernel keeps facts), and at an eviction that takes one', async () => {
    const { k, pauses } = await hitsIn('paging.json', [bp('fact-evicted', '*')]);
    expect(k.events.some((e) => e.type === 'mem.evicted' || e.type === 'mem.compacted')).toBe(true);
    expect(pauses).toEqual([]);
    const evicted = (kind: string): KernelEvent => ({ seq: 9, t: 0, run, agent: 'a', type: 'mem.evicted', policy: 'lru', segments: [{ id: 's1', kind, tokens: 3 }], freed: 3, tokens: 10 });
    expect(paused([bp('fact-evicted', 'a')])(evicted('fact'))).toBe('fact-evicted:a');
    expect(paused([bp('fact-evicted', 'b')])(evicted('fact'))).toBeUndefined();
    expect(paused([bp('fact-evicted', '*')])(evicted('message'))).toBeUndefined();
  });
});
