import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import type { Cpu, InferRecord, JudgeAnswer, JudgeRequest } from '../cpu/cpu';
import { CpuFault } from '../cpu/fault';
import { RecordedCpu } from '../cpu/recorded';
import type { Predicate } from '../spec';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { traceHash } from '../trace/hash';

const record: InferRecord = { provider: 'openai-compatible', reported: null, estimate: { tokensIn: 10, tokensOut: 3 }, response: { model: 'critic-1' } };

/** A CPU that only judges: answers from `verdicts` in turn (a function may throw), counting the calls. */
function judgingCpu(verdicts: ((req: JudgeRequest) => JudgeAnswer)[]): Cpu & { asked: JudgeRequest[] } {
  const asked: JudgeRequest[] = [];
  return {
    provider: 'openai-compatible',
    asked,
    infer: () => {
      throw new Error('the judge model runs no agent');
    },
    judge: async (req) => {
      asked.push(req);
      return verdicts[Math.min(asked.length, verdicts.length) - 1]!(req);
    },
  };
}

const pass = (reason = 'it is polite'): (() => JudgeAnswer) => () => ({ verdict: 'pass', reason, answer: `PASS ${reason}`, record });
const fail = (reason = 'it is curt'): (() => JudgeAnswer) => () => ({ verdict: 'fail', reason, answer: `FAIL ${reason}`, record });

/** A writer drafts a report twice and finishes; the goal asks the critic model about the report. */
function doc(opts: { provider?: 'sim' | 'openai-compatible'; fallback?: Predicate; stop?: boolean } = {}) {
  return harness({
    models: [
      { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
      { id: 'critic', name: 'Critic', provider: opts.provider ?? 'openai-compatible', model: 'critic-1' },
    ],
    agents: [
      {
        id: 'writer', name: 'Writer', model: 'm',
        behaviour: [{ op: 'write', artifact: 'report', text: 'draft' }, { op: 'think', text: 'polish' }, { op: 'write', artifact: 'report', text: 'Dear reader, here it is.' }, { op: 'think', text: 'more' }, { op: 'finish', text: 'sent' }],
      },
    ],
    goals: [{ id: 'polite', name: 'the report is polite', when: { kind: 'judge', artifact: 'report', rubric: 'Is the report polite?', model: 'critic', ...(opts.fallback ? { fallback: opts.fallback } : {}) }, ...(opts.stop ? { stop: true } : {}) }],
  });
}

const judged = (events: readonly KernelEvent[]): EventOf<'goal.judged'>[] => events.filter((e): e is EventOf<'goal.judged'> => e.type === 'goal.judged');
const stopOf = (events: readonly KernelEvent[]) => events.find((e) => e.type === 'run.stopped') as EventOf<'run.stopped'>;

describe('a judge goal', () => {
  it('asks the model once per version of its subject, records each verdict, and is met on a pass', async () => {
    const cpu = judgingCpu([fail(), pass()]);
    const k = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    expect(cpu.asked.map((r) => [r.subject, r.version, r.rubric])).toEqual([
      ['draft', expect.any(Number), 'Is the report polite?'],
      ['Dear reader, here it is.', expect.any(Number), 'Is the report polite?'],
    ]);
    expect(judged(k.events).map((e) => [e.verdict, e.reason, e.subject, e.path])).toEqual([
      ['fail', 'it is curt', 'artifact "report"', 'when'],
      ['pass', 'it is polite', 'artifact "report"', 'when'],
    ]);
    expect(judged(k.events)[1]).toMatchObject({ answer: 'PASS it is polite', record });
    const met = k.events.find((e) => e.type === 'goal.met')!;
    expect(met.seq).toBe(judged(k.events)[1]!.seq + 1);
    expect(stopOf(k.events)).toMatchObject({ reason: 'completed', goals: { polite: true } });
  });

  it('gives the same verdicts with no call on restore, seek and fork', async () => {
    const cpu = judgingCpu([fail(), pass()]);
    const k = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    const again = judgingCpu([() => {
      throw new Error('asked again');
    }]);
    const first = judged(k.events)[0]!;
    // Seek: the state after the first verdict holds it.
    expect(k.stateAt(first.seq).judged?.['polite\u0000when']).toMatchObject({ verdict: 'fail', reason: 'it is curt' });
    // Restore from the whole trace and fork from after the first verdict: nobody is asked.
    const restored = Kernel.restore(k.events, doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': again } });
    expect(restored.state.goalsMet['polite']).toBe(true);
    const second = judged(k.events)[1]!;
    const fork = Kernel.fork(k.events, doc(), { runId: 'f', seed: 1, cpus: { 'openai-compatible': again }, parent: { run: 'r', seq: second.seq } });
    await fork.runUntil();
    expect(again.asked).toHaveLength(0);
    expect(judged(fork.events).map((e) => e.verdict)).toEqual(['fail', 'pass']);
    expect(stopOf(fork.events)).toMatchObject({ reason: 'completed', goals: { polite: true } });
    // A fork before the second verdict asks the live model for it, as it would a turn after its fork point.
    const live = judgingCpu([fail('asked live')]);
    const early = Kernel.fork(k.events, doc(), { runId: 'e', seed: 1, cpus: { 'openai-compatible': live }, parent: { run: 'r', seq: first.seq } });
    await early.runUntil();
    expect(live.asked).toHaveLength(1);
    expect(judged(early.events).map((e) => e.reason)).toEqual(['it is curt', 'asked live']);
    // A re-run from the start on the recording alone gives the same trace.
    const replay = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil();
    expect(traceHash(replay.events)).toBe(traceHash(k.events));
  });

  it('with `stop`, ends the run as soon as the judge says it is done (semantic termination)', async () => {
    const cpu = judgingCpu([pass('it greets the reader')]);
    const k = Kernel.create(doc({ stop: true }), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    const stop = stopOf(k.events);
    const met = k.events.find((e) => e.type === 'goal.met')!;
    expect(stop).toMatchObject({ reason: 'goal-reached', evidence: [met.seq], goals: { polite: true } });
    expect(stop.detail).toBe('goal "the report is polite" is met and stops the run: model critic judged artifact "report": pass — it greets the reader');
    // The writer never wrote its second draft nor finished.
    expect(k.events.filter((e) => e.type === 'artifact.written')).toHaveLength(1);
    expect(k.events.some((e) => e.type === 'agent.finished')).toBe(false);
  });

  it('records a failed call as an error at the goal with its message and fix, and is not met', async () => {
    const cpu = judgingCpu([() => {
      throw new CpuFault('critic', { kind: 'network', message: 'http://127.0.0.1:9/v1 is unreachable', fix: 'check the URL', retryable: true, retryAfterMs: null, status: null, partial: null });
    }]);
    const k = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    expect(judged(k.events)[0]).toMatchObject({ verdict: 'error', reason: 'model critic: http://127.0.0.1:9/v1 is unreachable (check the URL)', failure: { kind: 'network' } });
    expect(stopOf(k.events)).toMatchObject({ reason: 'goals-unmet', goals: { polite: false } });
  });

  it('says plainly that nobody can judge without an endpoint for its model', async () => {
    const k = Kernel.create(doc(), { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(judged(k.events)[0]).toMatchObject({ verdict: 'error', reason: expect.stringMatching(/^no openai-compatible endpoint is configured for model critic, so nobody can judge/) });
  });

  it('on the sim CPU: an error saying a real CPU is needed, or the declared fallback, labelled as such', async () => {
    const none = Kernel.create(doc({ provider: 'sim' }), { runId: 'r', seed: 1 });
    await none.runUntil();
    expect(judged(none.events).map((e) => e.verdict)).toEqual(['error', 'error']);
    expect(judged(none.events)[0]!.reason).toMatch(/^model critic runs on the sim CPU, which cannot judge: give it a real endpoint/);
    expect(judged(none.events)[0]!.answer).toBeUndefined();
    expect(stopOf(none.events)).toMatchObject({ reason: 'goals-unmet' });

    const fallback: Predicate = { kind: 'similar', artifact: 'report', reference: 'dear reader here it is', threshold: 0.8 };
    const k = Kernel.create(doc({ provider: 'sim', fallback }), { runId: 'r', seed: 1 });
    await k.runUntil();
    expect(judged(k.events).map((e) => e.verdict)).toEqual(['fallback', 'fallback']);
    expect(judged(k.events)[0]!.reason).toContain('not a model\'s verdict');
    expect(stopOf(k.events)).toMatchObject({ reason: 'completed', goals: { polite: true } });
  });
});

describe("a judge's tokens", () => {
  const priced = () => {
    const d = doc();
    return { ...d, models: d.models.map((m) => (m.id === 'critic' ? { ...m, priceIn: 2, priceOut: 10 } : m)) };
  };
  const reported: InferRecord = { ...record, reported: { tokensIn: 120, tokensOut: 7 } };
  const answers = [
    () => ({ verdict: 'fail' as const, reason: 'curt', answer: 'FAIL curt', record: reported }),
    () => ({ verdict: 'pass' as const, reason: 'polite', answer: 'PASS polite', record }), // no usage reported: the estimate (10 in, 3 out) is charged
  ];

  it("are charged to the run's tokens and cost as the provider reported them (else the estimate), at the judge model's prices, recorded on goal.judged", async () => {
    const withJudge = Kernel.create(priced(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': judgingCpu(answers) } });
    await withJudge.runUntil();
    const charges = judged(withJudge.events).map((e) => e.charge);
    expect(charges).toEqual([{ tokensIn: 120, tokensOut: 7, cost: (120 * 2 + 7 * 10) / 1e6 }, { tokensIn: 10, tokensOut: 3, cost: (10 * 2 + 3 * 10) / 1e6 }]);
    // The same run's agents alone: the sim's tokens; the judge adds exactly its charges.
    let tokensIn = 0;
    let tokensOut = 0;
    let cost = 0;
    for (const e of withJudge.events) if (e.type === 'infer.completed') (tokensIn += e.tokensIn), (tokensOut += e.tokensOut), (cost += e.cost);
    expect(withJudge.state.tokensIn).toBe(tokensIn + 130);
    expect(withJudge.state.tokensOut).toBe(tokensOut + 10);
    expect(withJudge.state.cost).toBeCloseTo(cost + (310 + 50) / 1e6, 12);
    // The writer's own figures and its group's are untouched: a judge is no agent's spending.
    expect(withJudge.state.procs['writer']!.tokensIn).toBe(tokensIn);
  });

  it('are charged the same on replay, restore and seek, with no call', async () => {
    const k = Kernel.create(priced(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': judgingCpu(answers) } });
    await k.runUntil();
    const nobody = judgingCpu([() => {
      throw new Error('asked again');
    }]);
    const restored = Kernel.restore(k.events, priced(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': nobody } });
    expect([restored.state.tokensIn, restored.state.tokensOut, restored.state.cost]).toEqual([k.state.tokensIn, k.state.tokensOut, k.state.cost]);
    const replay = Kernel.create(priced(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil();
    expect(traceHash(replay.events)).toBe(traceHash(k.events));
    expect([replay.state.tokensIn, replay.state.tokensOut, replay.state.cost]).toEqual([k.state.tokensIn, k.state.tokensOut, k.state.cost]);
    const first = judged(k.events)[0]!;
    expect(k.stateAt(first.seq).tokensIn - k.stateAt(first.seq - 1).tokensIn).toBe(120);
    expect(nobody.asked).toHaveLength(0);
  });
});
