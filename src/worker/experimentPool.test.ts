/**
 * The studio's experiment pool: a web job gives the same trace hash as `harness run` (the CLI's
 * golden hashes), and a report made on several workers, results arriving in any order, equals
 * the one made in one thread and carries the CLI's figures for the distractors experiment.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inProcessExecutor, loadExperiment, runExperiment, type Experiment, type RunRecord } from '../kernel';
import { runWebExperimentJob } from './experimentJob';
import { ExperimentCancelled, webWorkerPool, type PoolWorker } from './experimentPool';
import { serveExperimentPort, type ExperimentWorkerMessage, type ExperimentWorkerReply } from './experimentServe';

function load(name: string, seeds?: number): Experiment {
  const path = `public/examples/${name}`;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const loaded = loadExperiment(seeds ? { ...raw, seeds: { count: seeds }, passAtK: [1] } : raw, (rel) => readFileSync(`public/examples/${rel}`, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  return loaded.experiment;
}

/** A worker in this thread: messages cross after a delay of `delay()` ms each way, like postMessage. */
function fakeWorker(delay: () => number, log?: { terminated: number }): PoolWorker {
  const self = {
    onmessage: null as ((e: { data: ExperimentWorkerMessage }) => void) | null,
    postMessage: (reply: ExperimentWorkerReply) => setTimeout(() => worker.onmessage?.({ data: reply }), delay()),
  };
  serveExperimentPort(self);
  const worker: PoolWorker = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => setTimeout(() => self.onmessage?.({ data: m }), delay()),
    terminate: () => {
      if (log) log.terminated++;
    },
  };
  return worker;
}

/** Deterministic jitter, so results arrive out of plan order. */
function jitter(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648), x % 4);
}

describe('experiment pool (Web Workers)', () => {
  it('runs a job as `harness run` does: the trace hashes of the base document are the CLI golden ones', async () => {
    const exp = load('distractors.experiment.json', 3);
    const hashes: string[] = [];
    for (const seed of [1, 2, 3]) hashes.push((await runWebExperimentJob(exp, { experiment: exp.hash, variant: 'with-memo', seed, input: null })).traceHash);
    expect(hashes).toEqual(['a26a6921d0282000', '247b8bcd4c0ffe6c', '55b4191e9f42cdc3']); // examples.golden.test.ts, distractors.json
  });

  it('gives the report of one thread on four workers whose results arrive in any order, with the CLI figures', async () => {
    const exp = load('distractors.experiment.json');
    const one = await runExperiment(exp, { executor: inProcessExecutor((job) => runWebExperimentJob(exp, job)) });
    const next = jitter(7);
    const pool = webWorkerPool(exp.file, () => fakeWorker(next), 4);
    let seen = 0;
    const many = await runExperiment(exp, { executor: pool, onProgress: (p) => (seen = p.done) });
    pool.close();
    expect(seen).toBe(80);
    expect(JSON.stringify(many.report)).toBe(JSON.stringify(one.report));
    // The figures `harness experiment public/examples/distractors.experiment.json --json` prints (docs, progress notes).
    const pass = (v: string) => many.report!.variants.find((x) => x.id === v)!.metrics.pass!;
    expect(pass('with-memo')).toMatchObject({ n: 40, passed: 26 });
    expect(pass('without-memo')).toMatchObject({ n: 40, passed: 40 });
    const withMemo = pass('with-memo');
    if (withMemo.shape !== 'rate') throw new Error('pass is a rate');
    expect(withMemo.interval.map((x) => x.toFixed(3))).toEqual(['0.495', '0.779']);
    expect(many.report!.comparisons.find((c) => c.metric === 'pass')!.p!.toFixed(5)).toBe('0.00012');
  });

  it('resumes with only the runs it lacks', async () => {
    const exp = load('distractors.experiment.json', 5);
    const first = await runExperiment(exp, { executor: inProcessExecutor((job) => runWebExperimentJob(exp, job)) });
    const have = first.records.slice(0, 6);
    const asked: string[] = [];
    const pool = webWorkerPool(exp.file, () => fakeWorker(() => 0), 2);
    const counting = { execute: (jobs: Parameters<typeof pool.execute>[0], on: Parameters<typeof pool.execute>[1]) => (asked.push(...jobs.map((j) => `${j.variant}${j.seed}`)), pool.execute(jobs, on)) };
    const resumed = await runExperiment(exp, { executor: counting, have });
    pool.close();
    expect(asked).toHaveLength(4);
    expect(JSON.stringify(resumed.report)).toBe(JSON.stringify(first.report));
  });

  it('cancels at once, keeping the records that came back, and ends its workers', async () => {
    const exp = load('distractors.experiment.json', 20);
    const log = { terminated: 0 };
    const pool = webWorkerPool(exp.file, () => fakeWorker(() => 1, log), 2);
    const kept: RunRecord[] = [];
    const running = runExperiment(exp, {
      executor: pool,
      onProgress: (p) => {
        if (p.record) kept.push(p.record);
        if (p.done === 5) pool.cancel();
      },
    });
    await expect(running).rejects.toBeInstanceOf(ExperimentCancelled);
    expect(kept).toHaveLength(5);
    expect(log.terminated).toBe(2);
  });

  it('names the run that failed and why', async () => {
    const exp = load('distractors.experiment.json', 2);
    const failing = (): PoolWorker => {
      const w: PoolWorker = {
        onmessage: null,
        onerror: null,
        postMessage: (m) => {
          if (m.type === 'job') setTimeout(() => w.onmessage?.({ data: { ok: false, job: m.job, error: 'Error: boom' } }), 0);
        },
        terminate: () => undefined,
      };
      return w;
    };
    const pool = webWorkerPool(exp.file, failing, 1);
    await expect(runExperiment(exp, { executor: pool })).rejects.toThrow('the run of variant with-memo at seed 1 failed: Error: boom');
    pool.close();
  });
});
