import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { draw } from '../rng';
import { BatchCoordinator, FLUSH_MS, packJobs, packRecord, serveBatches, unpackJobs, unpackRecords, type FromWorker, type ToWorker } from './batches';
import { loadExperiment, type Experiment } from './load';
import type { MetricValue } from './metrics';
import { allSeeds, planRuns, runKey, type RunJob, type RunRecord } from './plan';
import { inProcessExecutor, runExperiment } from './runner';

const base = JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) as Record<string, unknown>;

function experiment(seeds = 40): Experiment {
  const r = loadExperiment(
    {
      version: 1,
      name: 'batched',
      base,
      variants: [{ id: 'a' }, { id: 'b', patch: [{ op: 'replace', path: '/description', value: 'b' }] }],
      seeds: { count: seeds },
      dataset: { rows: [{ id: 'x', d: 'x' }, { id: 'y', d: 'y' }], id: 'id', bind: [{ op: 'replace', path: '/description', value: '{{d}}' }] },
      metrics: [{ id: 'pass', kind: 'goals' }, { kind: 'cost' }, { kind: 'stopReason' }],
    },
    () => '',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.experiment;
}

/** A stand-in run: a pure function of the job, with every kind of metric value. */
function fakeRun(exp: Experiment, job: RunJob): RunRecord {
  const pass = draw(job.seed, job.variant, job.input === 'x' ? 0 : 1) < (job.variant === 'b' ? 0.9 : 0.5);
  return { experiment: exp.hash, variant: job.variant, seed: job.seed, input: job.input, stopReason: pass ? 'completed' : 'goals-unmet', traceHash: `h${job.seed}${job.variant}${job.input}`, values: { pass, cost: job.seed % 3 === 0 ? null : draw(job.seed, 'cost', 0), stopReason: pass ? 'completed' : 'goals-unmet' }, ...(pass ? {} : { failure: { goal: 'g', seq: job.seed + 7, why: `unmet at ${job.seed}` } }) };
}

const stride = (exp: Experiment) => 5 + exp.metrics.length;

describe('batches of runs between a coordinator and its workers', () => {
  it('packs jobs and results and rebuilds the very records, to the byte', () => {
    const exp = experiment(5);
    const jobs = planRuns(exp, allSeeds(exp));
    expect(unpackJobs(exp, packJobs(exp, jobs))).toEqual(jobs);
    const packed: MetricValue[] = [];
    for (const j of jobs) packRecord(exp, fakeRun(exp, j), packed);
    expect(JSON.stringify(unpackRecords(exp, jobs, packed))).toBe(JSON.stringify(jobs.map((j) => fakeRun(exp, j))));
    expect(() => unpackRecords(exp, jobs, packed.slice(1))).toThrow(`packed results of 20 runs should hold ${20 * stride(exp)} values, not ${20 * stride(exp) - 1}`);
    expect(() => packJobs(exp, [{ ...jobs[0]!, variant: 'c' }])).toThrow(`the job (variant c, input x) is not one of experiment ${exp.hash}`);
  });

  it('gives the report of one thread whatever order batches finish in and however their results are split', async () => {
    const exp = experiment();
    const truth = await runExperiment(exp, { executor: inProcessExecutor(async (j) => fakeRun(exp, j)) });
    const text = JSON.stringify(truth.report);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { minLength: 50, maxLength: 50 }), async (workers, choices) => {
        // Each worker queues the batches it is sent; a step picks a worker (from `choices`) and
        // lets it send the results of 1 to 3 more runs of its oldest batch.
        const queues: { batch: number; jobs: RunJob[]; done: number }[][] = Array.from({ length: workers }, () => []);
        const coordinator = new BatchCoordinator(
          exp,
          queues.map((q) => (m: ToWorker) => void (m.type === 'batch' && q.push({ batch: m.batch, jobs: unpackJobs(exp, m.jobs), done: 0 }))),
        );
        let step = 0;
        const executor = {
          execute: (jobs: readonly RunJob[], onResult: (r: RunRecord) => void) => {
            const running = coordinator.execute(jobs, onResult);
            let over = false;
            void running.finally(() => (over = true));
            return (async () => {
              let idle = 0;
              while (!over) {
                await Promise.resolve();
                const busy = queues.map((q, i) => [q, i] as const).filter(([q]) => q.length > 0);
                if (busy.length === 0) {
                  if (++idle > 100) throw new Error('the coordinator stopped handing out batches before the end');
                  continue;
                }
                idle = 0;
                const c = choices[step++ % choices.length]!;
                const [q, w] = busy[c % busy.length]!;
                const b = q[0]!;
                const n = Math.min(b.jobs.length - b.done, 1 + (c % 3));
                const records: MetricValue[] = [];
                for (const j of b.jobs.slice(b.done, b.done + n)) packRecord(exp, fakeRun(exp, j), records);
                const reply: FromWorker = { type: 'records', batch: b.batch, from: b.done, records, ms: n * (0.5 + (c % 4)) };
                b.done += n;
                if (b.done === b.jobs.length) q.shift();
                coordinator.receive(w, reply);
              }
              await running;
            })();
          },
        };
        const seen: RunRecord[] = [];
        const r = await runExperiment(exp, { executor, onProgress: (p) => void (p.record && seen.push(p.record)) });
        expect(JSON.stringify(r.report)).toBe(text);
        expect(JSON.stringify(r.records)).toBe(JSON.stringify(truth.records));
        expect(new Set(seen.map(runKey)).size).toBe(seen.length);
      }),
      { numRuns: 25 },
    );
  });

  it('sizes batches to about 20 ms of runs, smaller as the end nears, and starts with single runs', () => {
    const exp = experiment(200);
    const sent: number[] = [];
    const coordinator = new BatchCoordinator(exp, [(m) => void (m.type === 'batch' && sent.push(m.jobs.length / 3)), () => undefined]);
    expect(coordinator.batchSize(800)).toBe(1); // nothing known yet about how long a run takes
    const jobs = planRuns(exp, allSeeds(exp));
    void coordinator.execute(jobs, () => undefined);
    expect(sent).toEqual([1, 1]);
    const records: MetricValue[] = [];
    packRecord(exp, fakeRun(exp, jobs[0]!), records);
    coordinator.receive(0, { type: 'records', batch: 0, from: 0, records, ms: 0.5 });
    expect(sent).toEqual([1, 1, 40]); // 20 ms of 0.5 ms runs
    expect(coordinator.batchSize(1000)).toBe(40);
    expect(coordinator.batchSize(100)).toBe(25); // a quarter of what is left: 2 workers, 2 batches each
    expect(coordinator.batchSize(3)).toBe(1);
  });

  it('fails every later run once a worker is lost, and names a failed run of a batch', async () => {
    const exp = experiment(4);
    const jobs = planRuns(exp, allSeeds(exp));
    const c = new BatchCoordinator(exp, [() => undefined]);
    const first = c.execute(jobs, () => undefined);
    c.receive(0, { type: 'failed', batch: 0, index: 0, error: 'Error: boom' });
    await expect(first).rejects.toThrow('the run of variant a at seed 1 on input x failed: Error: boom');
    const second = c.execute(jobs, () => undefined);
    c.lost(new Error('the worker crashed'));
    await expect(second).rejects.toThrow('the worker crashed');
    await expect(c.execute(jobs, () => undefined)).rejects.toThrow('the worker crashed');
  });

  it('a worker sends slow runs every FLUSH_MS within a batch, and on cancel what it finished, then nothing', async () => {
    const exp = experiment(4);
    const jobs = planRuns(exp, allSeeds(exp)).slice(0, 6);
    let now = 0;
    const replies: FromWorker[] = [];
    let take: ((m: ToWorker) => void) | null = null;
    // Each run takes 30 ms of the worker's clock; the fourth one is cancelled while it runs.
    const run = async (e: Experiment, job: RunJob) => {
      now += 30;
      if (runKey(job) === runKey(jobs[3]!)) take!({ type: 'cancel' });
      return fakeRun(e, job);
    };
    take = serveBatches(exp, run, (r) => replies.push(r), { now: () => now, pause: () => Promise.resolve() });
    take({ type: 'batch', batch: 7, jobs: packJobs(exp, jobs) });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    const n = (r: FromWorker) => (r.type === 'records' ? r.records.length / stride(exp) : 0);
    expect(FLUSH_MS).toBeLessThan(60);
    // Flushed after runs 0-1 (60 ms), then run 2 on the cancel; the cancelled run 3 and the rest never.
    expect(replies.map((r) => (r.type === 'records' ? `${r.from}+${n(r)}` : r.type))).toEqual(['0+2', '2+1', 'stopped']);
  });
});
