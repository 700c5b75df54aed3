import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draw } from '../rng';
import { loadExperiment, type Experiment } from './load';
import { planRuns, allSeeds, type RunJob, type RunRecord } from './plan';
import { buildReport } from './report';
import { inProcessExecutor, runExperiment, type RunExecutor } from './runner';

const base = JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) as Record<string, unknown>;

function experiment(extra: Record<string, unknown> = {}): Experiment {
  const r = loadExperiment(
    {
      version: 1,
      name: 'synthetic',
      base,
      variants: [{ id: 'a' }, { id: 'b', patch: [{ op: 'replace', path: '/description', value: 'b' }] }],
      seeds: { count: 30 },
      metrics: [{ id: 'pass', kind: 'goals' }, { kind: 'cost' }, { kind: 'stopReason' }],
      expect: [{ metric: 'pass', better: 'b', than: 'a' }],
      ...extra,
    },
    () => '',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

/** A stand-in run: b passes 90% of seeds, a 40%, and b costs 1 less; a pure function of the job. */
function fakeRun(exp: Experiment, job: RunJob): RunRecord {
  const u = draw(job.seed, 'fake', 0);
  const pass = job.variant === 'b' ? u < 0.9 : u < 0.4;
  return { experiment: exp.hash, variant: job.variant, seed: job.seed, input: job.input, stopReason: pass ? 'completed' : 'goals-unmet', traceHash: `h${job.seed}`, values: { pass, cost: 10 + 5 * draw(job.seed, 'cost', 0) - (job.variant === 'b' ? 1 : 0), stopReason: pass ? 'completed' : 'goals-unmet' } };
}

/** Finishes the jobs in the order `order` gives (a permutation), like workers that finish at random. */
function shuffledExecutor(exp: Experiment, order: (n: number) => number[]): RunExecutor {
  return {
    async execute(jobs, onResult) {
      for (const i of order(jobs.length)) onResult(fakeRun(exp, jobs[i]!));
    },
  };
}

describe('runExperiment', () => {
  it('reports the same bytes whatever order runs finish in, and with repeated results', async () => {
    const exp = experiment();
    const inOrder = await runExperiment(exp, { executor: inProcessExecutor(async (j) => fakeRun(exp, j), 4) });
    const text = JSON.stringify(inOrder.report);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), async (keys) => {
        const order = (n: number) => Array.from({ length: n }, (_, i) => i).sort((x, y) => (keys[x % keys.length]! - keys[y % keys.length]!) || x - y);
        const r = await runExperiment(exp, { executor: shuffledExecutor(exp, order) });
        expect(JSON.stringify(r.report)).toBe(text);
      }),
      { numRuns: 20 },
    );
    const dup = buildReport(exp, [...inOrder.records, ...inOrder.records.slice(0, 7).reverse()]);
    expect(dup.ok && JSON.stringify(dup.report)).toBe(text);
  });
  it('says which variant is better, with McNemar and a paired bootstrap, and checks the expectation', async () => {
    const exp = experiment();
    const { report } = await runExperiment(exp, { executor: inProcessExecutor(async (j) => fakeRun(exp, j)) });
    const pass = report!.comparisons.find((c) => c.metric === 'pass')!;
    expect(pass).toMatchObject({ a: 'a', b: 'b', test: 'mcnemar', pairs: 30, better: 'b' });
    expect(pass.p!).toBeLessThan(0.05);
    expect(pass.verdict).toMatch(/^b is better than a on pass: \d+(\.\d)?% vs \d+(\.\d)?%/);
    const cost = report!.comparisons.find((c) => c.metric === 'cost')!;
    expect(cost).toMatchObject({ test: 'paired-bootstrap', difference: -1, interval: [-1, -1], better: 'b' });
    expect(report!.holds).toBe(true);
    expect(report!.variants[0]!.metrics['stopReason']).toMatchObject({ shape: 'counts' });
    // The same data cannot tell two identical variants apart.
    const same = inProcessExecutor(async (j) => ({ ...fakeRun(exp, { ...j, variant: 'a' }), variant: j.variant }));
    const flat = await runExperiment(exp, { executor: same });
    expect(flat.report!.comparisons[0]!).toMatchObject({ better: null, onlyA: 0, onlyB: 0 });
    expect(flat.report!.comparisons[0]!.verdict).toMatch(/^The data cannot tell a and b apart on pass/);
    expect(flat.report!.holds).toBe(false);
  });
  it('shards run disjoint runs whose records merge into the local report', async () => {
    const exp = experiment();
    const local = await runExperiment(exp, { executor: inProcessExecutor(async (j) => fakeRun(exp, j)) });
    const shards = await Promise.all([0, 1, 2].map((index) => runExperiment(exp, { executor: inProcessExecutor(async (j) => fakeRun(exp, j)), shard: { index, count: 3 } })));
    expect(shards.every((s) => s.report === null)).toBe(true);
    expect(shards.reduce((n, s) => n + s.records.length, 0)).toBe(60);
    const merged = buildReport(exp, shards.flatMap((s) => s.records).reverse());
    expect(merged.ok && JSON.stringify(merged.report)).toBe(JSON.stringify(local.report));
    const partial = buildReport(exp, shards[0]!.records);
    expect(partial.ok).toBe(false);
  });
  it('adaptive seeds stop at the first batch where every interval is narrow enough, whatever the order', async () => {
    const exp = experiment({ seeds: { until: { metric: 'pass', width: 0.35 }, max: 200, batch: 10 } });
    const ran: RunJob[] = [];
    const { report } = await runExperiment(exp, { executor: inProcessExecutor(async (j) => (ran.push(j), fakeRun(exp, j))) });
    const n = report!.experiment.seeds.count;
    expect(n % 10).toBe(0);
    expect(n).toBeLessThan(200);
    expect(ran).toHaveLength(2 * n);
    for (const v of report!.variants) {
      const s = v.metrics['pass']!;
      expect(s.shape === 'rate' && s.interval[1] - s.interval[0]).toBeLessThan(0.35);
    }
    // A shard runs every seed up to max; merged, the report still stops at the same batch.
    const all = planRuns(exp, allSeeds(exp)).map((j) => fakeRun(exp, j));
    const merged = buildReport(exp, all);
    expect(merged.ok && JSON.stringify(merged.report)).toBe(JSON.stringify(report));
  });
  it('resumes: runs it has are not run again', async () => {
    const exp = experiment();
    const have = planRuns(exp, allSeeds(exp)).slice(0, 25).map((j) => fakeRun(exp, j));
    const ran: RunJob[] = [];
    const r = await runExperiment(exp, { have, executor: inProcessExecutor(async (j) => (ran.push(j), fakeRun(exp, j))) });
    expect(ran).toHaveLength(35);
    expect(r.records).toHaveLength(60);
  });
});
