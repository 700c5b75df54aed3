import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import { finishStop } from './finish';

/** Two sim agents; `writer` runs on a model whose provider this kernel has no CPU for. */
const doc = (writerProvider: 'sim' | 'openai', goals = true) =>
  harness({
    models: [
      { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
      { id: 'gpt', name: 'GPT', provider: writerProvider, model: 'gpt-4o-mini' },
    ],
    agents: [
      { id: 'reader', name: 'Reader', model: 'm', behaviour: [{ op: 'think', text: 'reading' }, { op: 'finish' }] },
      { id: 'writer', name: 'Writer', model: 'gpt', behaviour: [{ op: 'write', artifact: 'report', text: 'done' }, { op: 'finish' }] },
    ],
    goals: goals ? [{ id: 'report', name: 'the report is written', when: { kind: 'artifact', name: 'report', contains: 'done' } }] : [],
  });

describe('a run whose jobs failed', () => {
  it('stops as jobs-failed, names the failed job and why, and cites its job.failed event', async () => {
    const t = await new TestKernel(doc('openai')).runToEnd();
    const failed = t.events('job.failed');
    expect(failed).toEqual([expect.objectContaining({ agent: 'writer', stage: 'validate' })]);
    const [stop] = t.events('run.stopped');
    expect(stop).toMatchObject({ reason: 'jobs-failed', evidence: [failed[0]!.seq] });
    expect(stop).toMatchObject({ detail: expect.stringMatching(/^1 of 2 jobs failed: writer at validate: model "gpt" uses provider "openai".*; not met: the report is written$/) });
  });

  // Failures that share a reason name their agents once (a thousand refusals stay one line).
  it('says every job failed when none could start, with every failure as evidence', async () => {
    const spec = doc('openai');
    const t = await new TestKernel({ ...spec, agents: spec.agents.map((a) => ({ ...a, model: 'gpt' })) }).runToEnd();
    const failed = t.events('job.failed').map((e) => e.seq);
    expect(failed).toHaveLength(2);
    expect(t.events('run.stopped')[0]).toMatchObject({ reason: 'jobs-failed', detail: expect.stringMatching(/^every job failed \(2 of 2\): reader, writer at validate: model "gpt" uses provider "openai"/), evidence: failed });
  });

  it('without goals, a failed job is still the stop reason, not a quiet completion', async () => {
    const t = await new TestKernel(doc('openai', false)).runToEnd();
    expect(t.events('run.stopped')[0]).toMatchObject({ reason: 'jobs-failed' });
  });

  it('a run without failures stops as before, citing nothing', async () => {
    const t = await new TestKernel(doc('sim')).runToEnd();
    const stop = t.events('run.stopped')[0]!;
    expect(stop).toMatchObject({ reason: 'completed', detail: 'every agent finished and every goal is met' });
    expect(stop).not.toHaveProperty('evidence');
  });
});

describe('finishStop', () => {
  const fail = (seq: number, agent: string) => ({ seq, agent, why: 'at validate: no CPU' });
  it('goals met despite a failed job: completed, the failure still cited', () => {
    expect(finishStop(2, 1, [], [fail(4, 'b')])).toEqual({ reason: 'completed', detail: 'every goal is met, although jobs failed: b at validate: no CPU', evidence: [4] });
  });
  it('no failures: completed or goals-unmet as ever', () => {
    expect(finishStop(0, 0, [], [])).toEqual({ reason: 'completed', detail: 'no agent is running', evidence: [] });
    expect(finishStop(2, 1, ['g'], [])).toEqual({ reason: 'goals-unmet', detail: 'every agent finished; not met: g', evidence: [] });
  });
});
