import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import type { Cpu, InferRecord, JudgeAnswer, JudgeRequest } from '../cpu/cpu';
import { RecordedCpu } from '../cpu/recorded';
import type { HarnessSpecInput, ValidityCheckSpec } from '../spec';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { traceHash } from '../trace/hash';

const MEMO = 'Memo: the launch date was moved to April 9 (unconfirmed, superseded).';
const RIGHT = 'The launch date is March 3, confirmed by the release board.';
const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December) \\d{1,2}';

/** A lead briefs a researcher with a fact; the researcher searches a store whose chunks the checks judge, then thinks and writes. */
function doc(checks: ValidityCheckSpec[] | null, extra: Partial<HarnessSpecInput> & { evictBelow?: number; caps?: string[] } = {}) {
  const { evictBelow, caps = [], ...rest } = extra;
  return harness({
    agents: [
      { id: 'lead', name: 'Lead', model: 'm', behaviour: [{ op: 'send', to: 'researcher', text: 'Find the date.', facts: ['The launch date is March 3 (release board).'] }, { op: 'finish', text: 'ok' }] },
      {
        id: 'researcher', name: 'Researcher', model: 'm',
        behaviour: [
          { op: 'recv', from: 'lead' },
          { op: 'call', tool: 'kb_search', args: { query: 'launch date' } },
          { op: 'think', text: 'Reading the results carefully, one by one, and weighing each source against the brief.' },
          { op: 'think', text: 'Still reading the results, comparing dates and sources with what the lead said.' },
          { op: 'write', artifact: 'date', text: 'March 3' },
          { op: 'finish', text: 'done' },
        ],
        capabilities: [{ target: 'kb_search', access: 'use' }, ...caps.map((target) => ({ target, access: 'use' as const }))],
      },
    ],
    channels: [{ id: 'c', from: 'lead', to: 'researcher' }],
    tools: [
      { id: 'kb_search', name: 'kb.search', sideEffect: 'read', impl: { kind: 'search', store: 'kb', topK: 3 } },
      { id: 'fact_check', name: 'fact.check', sideEffect: 'read', trust: 'trusted', impl: { kind: 'sim', result: 'refuted: {{args.text}}', latencyMs: 10 } },
    ],
    stores: [{
      id: 'kb', name: 'KB', kind: 'knowledge',
      documents: [{ text: RIGHT }, { text: MEMO, valid: false }],
      ...(checks ? { validity: { checks, ...(evictBelow === undefined ? {} : { evictBelow }) } } : {}),
    }],
    ...rest,
  });
}

const verdicts = (events: readonly KernelEvent[]): EventOf<'mem.validity'>[] => events.filter((e): e is EventOf<'mem.validity'> => e.type === 'mem.validity');
const segOf = (k: Kernel, seq: number, agent: string, id: string) => {
  const p = k.stateAt(seq).procs[agent]!;
  return p.context.find((s) => s.id === id) ?? p.recall.find((s) => s.id === id);
};
const memoVerdict = (events: readonly KernelEvent[], k: Kernel) => verdicts(events).find((v) => segOf(k, v.seq, 'researcher', v.segment)?.text === MEMO);

describe('validity judged at run time', () => {
  it('without store checks, a chunk keeps its planted validity and no check runs (the old behaviour)', async () => {
    const k = Kernel.create(doc(null), { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(verdicts(k.events)).toHaveLength(0);
    const returned = k.events.find((e) => e.type === 'tool.returned')!;
    const memo = k.stateAt(returned.seq).procs['researcher']!.context.find((s) => s.text === MEMO)!;
    expect(memo.validity).toBe(0);
    expect(memo.truth).toBeUndefined();
  });

  it('contradiction: the memo names the subject with another value than the fact, so it is judged invalid with both values', async () => {
    const k = Kernel.create(doc([{ kind: 'contradiction', subject: 'launch date', value: MONTH }]), { runId: 'r', seed: 1 });
    await k.runUntil();
    const returned = k.events.find((e) => e.type === 'tool.returned')!;
    const entered = k.stateAt(returned.seq).procs['researcher']!.context.find((s) => s.text === MEMO)!;
    // It enters believed (validity 1), the planted flag kept only as the sim world's truth.
    expect(entered).toMatchObject({ validity: 1, truth: 0 });
    const v = memoVerdict(k.events, k)!;
    const fact = k.stateAt(v.seq).procs['researcher']!.context.find((s) => s.fact)!;
    expect(v).toMatchObject({
      check: 'contradiction', verdict: 'invalid', before: 1, validity: 0, evicted: false, t: returned.t,
      contradiction: { subject: 'launch date', value: 'April 9', fact: fact.id, factValue: 'March 3' },
      reason: `contradicts fact ${fact.id}: launch date is March 3 there, April 9 here`,
    });
    expect(segOf(k, v.seq, 'researcher', v.segment)).toMatchObject({ validity: 0, validityBy: { check: 'contradiction', reason: v.reason } });
    // The agreeing chunk is judged valid and stays at 1.
    const right = verdicts(k.events).find((x) => x !== v)!;
    expect(right).toMatchObject({ verdict: 'valid', validity: 1, contradiction: { value: 'March 3', factValue: 'March 3' } });
  });

  it('contradiction has no verdict when no fact of the window names the subject', async () => {
    const spec = doc([{ kind: 'contradiction', subject: 'launch date', value: MONTH }]);
    spec.agents[0]!.behaviour[0] = { op: 'send', to: 'researcher', text: 'Find the date.', facts: [], paraphrase: 0 } as never;
    const k = Kernel.create(spec, { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(verdicts(k.events)).toHaveLength(0);
  });

  it('evictBelow: the chunk judged invalid leaves the window at once, into recall with its validity and reason', async () => {
    const k = Kernel.create(doc([{ kind: 'contradiction', subject: 'launch date', value: MONTH }], { evictBelow: 0.5 }), { runId: 'r', seed: 1 });
    await k.runUntil();
    const v = memoVerdict(k.events, k)!;
    expect(v.evicted).toBe(true);
    const p = k.stateAt(v.seq).procs['researcher']!;
    expect(p.context.some((s) => s.id === v.segment)).toBe(false);
    expect(p.recall.find((s) => s.id === v.segment)).toMatchObject({ validity: 0, validityBy: { check: 'contradiction' } });
  });

  it('stale: no verdict before the lifetime runs out on the virtual clock, then invalid with its age', async () => {
    const k = Kernel.create(doc([{ kind: 'stale', lifetimeMs: 300 }]), { runId: 'r', seed: 1 });
    await k.runUntil();
    const returned = k.events.find((e) => e.type === 'tool.returned')!;
    const vs = verdicts(k.events);
    expect(vs.length).toBe(2);
    for (const v of vs) {
      expect(v).toMatchObject({ check: 'stale', verdict: 'invalid', validity: 0, stale: { lifetimeMs: 300 } });
      expect(v.stale!.ageMs).toBe(v.t - returned.t);
      expect(v.stale!.ageMs).toBeGreaterThanOrEqual(300);
    }
    // Every event before the verdict came before the lifetime ran out.
    // The clock moves in jumps: the check speaks at the first instant at or past the lifetime, right after the event that moved it there.
    const before = k.events.filter((e) => e.seq < vs[0]!.seq && e.seq > returned.seq);
    expect(before.slice(0, -1).every((e) => e.t - returned.t < 300)).toBe(true);
    expect(before.at(-1)!.t).toBe(vs[0]!.t);
  });

  it('verify: the verifier is decided by the policy stack as the agent\'s call (no capability: denied, validity unchanged); allowed, its result lowers validity', async () => {
    const check: ValidityCheckSpec = { kind: 'verify', tool: 'fact_check', invalidIf: '^refuted' };
    const denied = Kernel.create(doc([check]), { runId: 'r', seed: 1 });
    await denied.runUntil();
    const d = verdicts(denied.events);
    expect(d.length).toBe(2);
    expect(d[0]).toMatchObject({ verdict: 'unknown', validity: 1, verify: { tool: 'fact_check', result: '', decision: { effect: 'deny' } } });
    expect(d[0]!.reason).toMatch(/^verifier fact_check was denied to researcher: /);
    const allowed = Kernel.create(doc([check], { caps: ['fact_check'] }), { runId: 'r', seed: 1 });
    await allowed.runUntil();
    const a = verdicts(allowed.events);
    expect(a[0]).toMatchObject({ verdict: 'invalid', before: 1, validity: 0, verify: { tool: 'fact_check', decision: { effect: 'allow' } } });
    expect(a[0]!.verify!.result).toMatch(/^refuted: /);
  });

  it('verify: a verifier answering a number sets validity to it', async () => {
    const spec = doc([{ kind: 'verify', tool: 'fact_check', invalidIf: 'x' }], { caps: ['fact_check'] });
    (spec.tools[1]!.impl as { result: string }).result = '0.25';
    const k = Kernel.create(spec, { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(verdicts(k.events)[0]).toMatchObject({ verdict: 'invalid', validity: 0.25, reason: 'verifier fact_check scored it 0.25' });
  });
});

const record: InferRecord = { provider: 'openai-compatible', reported: null, estimate: { tokensIn: 12, tokensOut: 2 }, response: { model: 'critic-1' } };

function judgingCpu(answer: (req: JudgeRequest) => JudgeAnswer): Cpu & { asked: JudgeRequest[] } {
  const asked: JudgeRequest[] = [];
  return {
    provider: 'openai-compatible', asked,
    infer: () => {
      throw new Error('the judge model runs no agent');
    },
    judge: async (req) => {
      asked.push(req);
      return answer(req);
    },
  };
}

describe('a validity judge on a real CPU', () => {
  const judged = () => doc([{ kind: 'judge', model: 'critic', rubric: 'Is this chunk confirmed and current?' }], {
    models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 }, { id: 'critic', name: 'Critic', provider: 'openai-compatible', model: 'critic-1' }],
  });
  const critic = (req: JudgeRequest): JudgeAnswer => req.subject === MEMO
    ? { verdict: 'fail', reason: 'it says unconfirmed', answer: 'FAIL it says unconfirmed', record }
    : { verdict: 'pass', reason: 'confirmed', answer: 'PASS confirmed', record };

  it('asks the model about each chunk, records its answer, and replays with no call and the same hash', async () => {
    const cpu = judgingCpu(critic);
    const k = Kernel.create(judged(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    expect(cpu.asked.map((r) => r.subject).sort()).toEqual([MEMO, RIGHT].sort());
    const v = memoVerdict(k.events, k)!;
    expect(v).toMatchObject({ check: 'judge', verdict: 'invalid', validity: 0, judge: { model: 'critic', answer: 'FAIL it says unconfirmed', record }, charge: { tokensIn: 12, tokensOut: 2 } });
    expect(v.reason).toBe('judge critic: fail, it says unconfirmed');
    const replayCpu = RecordedCpu.fromTrace('openai-compatible', k.events);
    const replay = Kernel.create(judged(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': replayCpu } });
    await replay.runUntil();
    expect(replayCpu.liveCalls).toBe(0);
    expect(traceHash(replay.events)).toBe(traceHash(k.events));
  });

  it('on the sim CPU says it cannot judge and leaves validity alone', async () => {
    const spec = judged();
    spec.models[1] = { ...spec.models[0]!, id: 'critic' };
    const k = Kernel.create(spec, { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(verdicts(k.events)[0]).toMatchObject({ verdict: 'unknown', validity: 1, reason: expect.stringMatching(/sim CPU, which cannot judge/) });
  });
});
