import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { objectiveScores } from './objective';

const example = ((): HarnessSpec => {
  const r = parseHarness(JSON.parse(readFileSync(new URL('../../../public/examples/cutoff.json', import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
})();

async function run(spec: HarnessSpec): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'r', seed: 1 });
  await k.runUntil();
  return k;
}

const routed = (events: readonly KernelEvent[], agent: string): EventOf<'sched.routed'> =>
  events.find((e): e is EventOf<'sched.routed'> => e.type === 'sched.routed' && e.agent === agent)!;

describe('one objective over urgency and quality per token', () => {
  it('scores the product and the linear form', () => {
    const terms = [{ urgency: 1, qualityPerToken: 0.2 }, { urgency: 0.25, qualityPerToken: 2 }];
    expect(objectiveScores({ urgencyWeight: 1, qualityWeight: 1, form: 'product' }, terms)).toEqual([0.2, 0.5]);
    expect(objectiveScores({ urgencyWeight: 1, qualityWeight: 0, form: 'product' }, terms)).toEqual([1, 0.25]);
    expect(objectiveScores({ urgencyWeight: 1, qualityWeight: 1, form: 'linear' }, terms)).toEqual([1.1, 1.25]);
  });

  it('changes a routing decision against urgency alone, with the score and its inputs in the event', async () => {
    const both = await run(example);
    const reporter = routed(both.events, 'reporter');
    expect(reporter.model).toBe('lean');
    expect(reporter.objective).toMatchObject({ form: 'product', urgencyWeight: 1, qualityWeight: 1, urgency: 0.5 });
    const [fast, lean] = reporter.objective!.scores;
    expect(fast).toMatchObject({ model: 'fast', speed: 1, qualityPerPrice: 0.2 });
    expect(lean!.speed).toBe(0.25);
    expect(lean!.score).toBeCloseTo(Math.pow(0.25, 0.5) * (4 / 1.5), 12);
    // The urgent agent takes the fast model under the same objective.
    expect(routed(both.events, 'pager').model).toBe('fast');

    const urgencyOnly = structuredClone(example);
    urgencyOnly.sched.objective = { urgencyWeight: 1, qualityWeight: 0, form: 'product' };
    const fastOnly = await run(urgencyOnly);
    expect(routed(fastOnly.events, 'reporter').model).toBe('fast');
    expect(routed(fastOnly.events, 'polisher').model).toBe('fast');
  });

  it('without an objective, routing is what it was: no route for a step that declares no precision', async () => {
    const plain = structuredClone(example);
    delete plain.sched.objective;
    const k = await run(plain);
    expect(k.events.filter((e) => e.type === 'sched.routed')).toEqual([]);
  });
});

describe('the objective class picks among queued agents by the same objective', () => {
  function doc(objective: { urgencyWeight: number; qualityWeight: number }): HarnessSpec {
    const agent = (id: string, urgency: number, quality: number) => ({
      id, name: id, model: 'm', sched: { class: 'objective', urgency, quality },
      behaviour: [{ op: 'think' as const, text: `${id} works`, tokens: 40 }, { op: 'finish' as const, text: 'done' }],
    });
    return harness({
      slots: 1,
      agents: [agent('hog', 1, 1), agent('rush', 4, 1), agent('gem', 1, 8)],
      sched: { objective: { ...objective, form: 'product' } },
    });
  }
  const firstPick = async (objective: { urgencyWeight: number; qualityWeight: number }) => {
    const k = await run(doc(objective));
    return k.events.find((e): e is EventOf<'sched.picked'> => e.type === 'sched.picked')!;
  };

  it('urgency alone picks the urgent agent; the quality term picks the valuable one', async () => {
    expect((await firstPick({ urgencyWeight: 1, qualityWeight: 0 })).agent).toBe('rush');
    const q = await firstPick({ urgencyWeight: 1, qualityWeight: 1 });
    expect(q.agent).toBe('gem');
    expect(q.stats).toMatchObject({ urgency: 1, quality: 8, urgencyWeight: 1, qualityWeight: 1 });
    expect(q.stats.score).toBeCloseTo(q.stats.urgency! * q.stats.qualityPerToken!, 12);
  });
});
