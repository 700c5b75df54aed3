/**
 * The studio's experiment pool: a web job gives the same trace hash as `harness run` (the CLI's
 * golden hashes), and a report made on several workers, results arriving in any order, equals
 * the one made in one thread and carries the CLI's figures for the distractors experiment.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inProcessExecutor, loadExperiment, runExperiment, runKey, type Experiment, type RunJob, type RunRecord } from '../kernel';
import { runWebExperimentJob } from './experimentJob';
import { ExperimentCancelled, webWorkerPool, type PoolWorker } from './experimentPool';
import { unpackJobs } from '../kernel/experiment/batches';
import { serveExperimentPort, type ExperimentWorkerMessage, type ExperimentWorkerReply } from './experimentServe';

function load(name: string, seeds?: number): Experiment {
  const path = `public/examples/${name}`;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const loaded = loadExperiment(seeds ? { ...raw, seeds: { count: seeds }, passAtK: [1] } : raw, (rel) => readFileSync(`public/examples/${rel}`, 'utf8'));
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  return loaded.experiment;
}

/** A worker's clock in tests: a pause lets pending timers (messages crossing) run. */
const testClock = { now: () => performance.now(), pause: () => new Promise<void>((r) => setTimeout(r, 0)) };

type Run = (exp: Experiment, job: RunJob) => Promise<RunRecord>;

/** A worker in this thread: messages cross after a delay of `delay()` ms each way, like postMessage. */
function fakeWorker(delay: () => number, log?: { terminated: number; sent?: ExperimentWorkerMessage[] }, run: Run = runWebExperimentJob): PoolWorker {
  const self = {
    onmessage: null as ((e: { data: ExperimentWorkerMessage }) => void) | null,
    postMessage: (reply: ExperimentWorkerReply) => setTimeout(() => worker.onmessage?.({ data: reply }), delay()),
  };
  serveExperimentPort(self, run, testClock);
  const worker: PoolWorker = {
    onmessage: null,
    onerror: null,
    postMessage: (m) => {
      log?.sent?.push(m);
      setTimeout(() => self.onmessage?.({ data: m }), delay());
    },
    terminate: () => {
      if (log) log.terminated++;
    },
  };
  return worker;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

  it('cancels: stops handing out runs, keeps every record that finished, and ends its workers', async () => {
    const exp = load('distractors.experiment.json', 20);
    const truth = new Map((await runExperiment(exp, { executor: inProcessExecutor((job) => runWebExperimentJob(exp, job)) })).records.map((r) => [runKey(r), JSON.stringify(r)]));
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
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(kept.length).toBeLessThan(40);
    for (const r of kept) expect(JSON.stringify(r)).toBe(truth.get(runKey(r)));
    expect(log.terminated).toBe(2);
  });

  it('a cancel in the middle of a batch keeps the runs of that batch that had finished', async () => {
    const exp = load('distractors.experiment.json', 30);
    const log = { terminated: 0, sent: [] as ExperimentWorkerMessage[] };
    let pool: ReturnType<typeof webWorkerPool> | null = null;
    let cancelledAt: { batch: RunJob[]; index: number } | null = null;
    // Batches grow to several runs; the third run of the first batch of 4 or more cancels while it runs.
    const run: Run = async (e, job) => {
      const batches = log.sent.flatMap((m) => (m.type === 'batch' ? [unpackJobs(e, m.jobs)] : []));
      const batch = batches.find((b) => b.some((j) => runKey(j) === runKey(job)))!;
      const index = batch.findIndex((j) => runKey(j) === runKey(job));
      if (!cancelledAt && batch.length >= 4 && index === 2) {
        cancelledAt = { batch, index };
        pool!.cancel();
        await sleep(20); // the cancel reaches the worker while this run is still going
      }
      return runWebExperimentJob(e, job);
    };
    pool = webWorkerPool(exp.file, () => fakeWorker(() => 0, log, run), 1);
    const kept: RunRecord[] = [];
    await expect(runExperiment(exp, { executor: pool, onProgress: (p) => void (p.record && kept.push(p.record)) })).rejects.toBeInstanceOf(ExperimentCancelled);
    expect(cancelledAt).not.toBeNull();
    const { batch } = cancelledAt!;
    const keys = new Set(kept.map(runKey));
    // The two runs of the batch that finished before the cancel came back; the one running and the rest did not.
    expect(batch.map((j) => keys.has(runKey(j)))).toEqual(batch.map((_, i) => i < 2));
    expect(log.terminated).toBe(1);
  });

  it('names the run that failed in a batch and why, keeping the runs before it', async () => {
    const exp = load('distractors.experiment.json', 30);
    const log = { terminated: 0, sent: [] as ExperimentWorkerMessage[] };
    let failing: { batch: RunJob[]; index: number } | null = null;
    // The third run of the first batch of 4 or more fails.
    const run: Run = async (e, job) => {
      const batch = log.sent.flatMap((m) => (m.type === 'batch' ? [unpackJobs(e, m.jobs)] : [])).find((b) => b.some((j) => runKey(j) === runKey(job)))!;
      const index = batch.findIndex((j) => runKey(j) === runKey(job));
      if (!failing && batch.length >= 4 && index === 2) {
        failing = { batch, index };
        throw new Error('boom');
      }
      return runWebExperimentJob(e, job);
    };
    const pool = webWorkerPool(exp.file, () => fakeWorker(() => 0, log, run), 1);
    const kept: RunRecord[] = [];
    const outcome = runExperiment(exp, { executor: pool, onProgress: (p) => void (p.record && kept.push(p.record)) });
    await expect(outcome).rejects.toThrow(/^the run of variant (with|without)-memo at seed \d+ failed: Error: boom$/);
    pool.close();
    const { batch, index } = failing!;
    await expect(outcome).rejects.toThrow(`the run of variant ${batch[index]!.variant} at seed ${batch[index]!.seed} failed: Error: boom`);
    const keys = new Set(kept.map(runKey));
    expect(batch.map((j) => keys.has(runKey(j)))).toEqual(batch.map((_, i) => i < index));
  });

  it('a worker that cannot prepare the experiment fails the run with the reason', async () => {
    const exp = load('distractors.experiment.json', 2);
    const lying = (): PoolWorker => {
      const w = fakeWorker(() => 0);
      const post = w.postMessage.bind(w);
      w.postMessage = (m) => post(m.type === 'init' ? { ...m, hash: '0000000000000000' } : m);
      return w;
    };
    const pool = webWorkerPool(exp.file, lying, 1);
    await expect(runExperiment(exp, { executor: pool })).rejects.toThrow(`the worker prepared experiment ${exp.hash}, not 0000000000000000`);
    pool.close();
  });
});
