/**
 * How an experiment's runs cross between a coordinator and its worker threads (the CLI's Node
 * worker threads, the studio's Web Workers): in batches. A sim run takes about a millisecond,
 * as long as a message's round trip, so one message per run would spend as much on messages as
 * on runs, on the coordinator's thread, which shares the cores with the workers. Here a message
 * carries a batch of jobs sized to take about `BATCH_TARGET_MS`, two batches wait at each
 * worker (it never idles for a round trip), and results come back packed (the job is the
 * coordinator's already: a result is its stop reason, trace hash, metric values and where its goal
 * failed) once per
 * batch, or every `FLUSH_MS` within a long one. The records rebuilt are the ones `measureRun`
 * makes, field for field, so the report cannot tell where or how runs were batched.
 *
 * Pure: the worker side gets its clock and its way of yielding from the caller.
 */
import type { Experiment } from './load';
import type { MetricValue } from './metrics';
import type { RunJob, RunRecord } from './plan';

/** What a batch of runs should take on a worker: long next to a message, short next to a person. */
export const BATCH_TARGET_MS = 20;
/** Within a batch, finished records go back at least this often (slow runs: a real model). */
export const FLUSH_MS = 50;
/** Batches each worker holds: it starts the next while the last one's results cross back. */
const IN_FLIGHT = 2;
/** No batch is larger, whatever a run takes. */
const MAX_BATCH = 512;
/** The weight of earlier replies in the estimate of a run's time, per reply: small, as a worker's first runs are slow (cold code). */
const DECAY = 0.25;

/** To a worker: jobs packed three numbers each (variant index, seed, input index or -1), or stop now. */
export type ToWorker = { type: 'batch'; batch: number; jobs: number[] } | { type: 'cancel' };

/**
 * From a worker: records of jobs `from`… of a batch, packed (stop reason, trace hash, each
 * metric's value in the experiment's order, then the failure's goal, seq and why, or three
 * nulls), with the milliseconds they took; the job of a batch
 * that failed and why; or, after a cancel, that it has sent everything it finished.
 */
export type FromWorker =
  | { type: 'records'; batch: number; from: number; records: MetricValue[]; ms: number }
  | { type: 'failed'; batch: number; index: number; error: string }
  | { type: 'stopped' };

/** Jobs as a batch carries them. */
export function packJobs(exp: Experiment, jobs: readonly RunJob[]): number[] {
  const variant = new Map(exp.variants.map((v, i) => [v, i]));
  const input = new Map(exp.inputs.map((x, i) => [x, i]));
  const out: number[] = [];
  for (const j of jobs) {
    const v = variant.get(j.variant);
    const x = j.input === null ? -1 : input.get(j.input);
    if (v === undefined || x === undefined) throw new Error(`the job (variant ${j.variant}, input ${j.input}) is not one of experiment ${exp.hash}`);
    out.push(v, j.seed, x);
  }
  return out;
}

/** The jobs of a packed batch. */
export function unpackJobs(exp: Experiment, packed: readonly number[]): RunJob[] {
  const jobs: RunJob[] = [];
  for (let i = 0; i + 2 < packed.length; i += 3) {
    const variant = exp.variants[packed[i]!];
    const x = packed[i + 2]!;
    if (variant === undefined || (x !== -1 && exp.inputs[x] === undefined)) throw new Error(`a batch names a variant or input experiment ${exp.hash} does not have`);
    jobs.push({ experiment: exp.hash, variant, seed: packed[i + 1]!, input: x === -1 ? null : exp.inputs[x]! });
  }
  return jobs;
}

/** Values per packed record: stop reason, trace hash, the metrics, the failure's goal, seq and why. */
const strideOf = (exp: Experiment): number => 5 + exp.metrics.length;

/** Appends a record's results (not its job) to `into`. */
export function packRecord(exp: Experiment, record: RunRecord, into: MetricValue[]): void {
  into.push(record.stopReason, record.traceHash);
  for (const m of exp.metrics) into.push(record.values[m.id] ?? null);
  // Where a failing run's goal failed: the studio opens the run there.
  const f = record.failure;
  into.push(f?.goal ?? null, f?.seq ?? null, f?.why ?? null);
}

/** Rebuilds the records of `jobs` from packed results, as measureRun makes them. */
export function unpackRecords(exp: Experiment, jobs: readonly RunJob[], packed: readonly MetricValue[]): RunRecord[] {
  const stride = strideOf(exp);
  if (packed.length !== jobs.length * stride) throw new Error(`packed results of ${jobs.length} runs should hold ${jobs.length * stride} values, not ${packed.length}`);
  const records: RunRecord[] = [];
  for (let r = 0; r < jobs.length; r++) {
    const at = r * stride;
    const job = jobs[r]!;
    const values: RunRecord['values'] = {};
    for (let m = 0; m < exp.metrics.length; m++) values[exp.metrics[m]!.id] = packed[at + 2 + m]!;
    const record: RunRecord = { experiment: exp.hash, variant: job.variant, seed: job.seed, input: job.input, stopReason: String(packed[at]), traceHash: String(packed[at + 1]), values };
    const goal = packed[at + stride - 3];
    if (goal !== null && goal !== undefined) record.failure = { goal: String(goal), seq: Number(packed[at + stride - 2]), why: String(packed[at + stride - 1]) };
    records.push(record);
  }
  return records;
}

/** Says which run, for messages. */
export const describeJob = (job: RunJob): string => `variant ${job.variant} at seed ${job.seed}${job.input !== null ? ` on input ${job.input}` : ''}`;

interface Sent {
  jobs: RunJob[];
  worker: number;
  /** Results received so far (they come in order within a batch). */
  received: number;
}

interface Execution {
  jobs: readonly RunJob[];
  next: number;
  finished: number;
  onResult: (record: RunRecord) => void;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * The coordinator's side: hands out batches to `workers` senders and turns their replies into
 * records. The caller wires each worker's replies to `receive` and a worker's crash to `fail`.
 * One execution at a time (as the runner calls executors).
 */
export class BatchCoordinator {
  private readonly sent = new Map<number, Sent>();
  private readonly inFlight: number[];
  private current: Execution | null = null;
  private nextBatch = 0;
  private runs = 0;
  private runMs = 0;
  private stopping = false;
  private broken: Error | null = null;

  constructor(
    private readonly exp: Experiment,
    private readonly workers: readonly ((message: ToWorker) => void)[],
  ) {
    this.inFlight = workers.map(() => 0);
  }

  /** Runs `jobs` on the workers; `onResult` gets each record as its batch reports it. */
  execute(jobs: readonly RunJob[], onResult: (record: RunRecord) => void): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.current) return Promise.reject(new Error('the worker pool is already running jobs'));
    if (jobs.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.current = { jobs, next: 0, finished: 0, onResult, resolve, reject };
      for (let w = 0; w < this.workers.length; w++) this.feed(w);
    });
  }

  /** A worker's reply. Replies to batches of an execution that has ended are ignored. */
  receive(worker: number, reply: FromWorker): void {
    const run = this.current;
    if (reply.type === 'stopped' || !run) return;
    const batch = this.sent.get(reply.batch);
    if (!batch) return;
    if (reply.type === 'failed') {
      const job = batch.jobs[reply.index];
      return this.fail(new Error(`the run of ${job ? describeJob(job) : `job ${reply.index} of a batch`} failed: ${reply.error}`));
    }
    if (reply.from !== batch.received) return this.fail(new Error(`a worker sent results from job ${reply.from} of a batch after ${batch.received} of them`));
    const stride = strideOf(this.exp);
    const n = reply.records.length / stride;
    let records: RunRecord[];
    try {
      records = unpackRecords(this.exp, batch.jobs.slice(reply.from, reply.from + n), reply.records);
    } catch (err) {
      return this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    batch.received += n;
    // A recent average: the first runs of a cold worker are slow, and runs may change pace.
    this.runs = this.runs * DECAY + n;
    this.runMs = this.runMs * DECAY + reply.ms;
    for (const r of records) {
      try {
        run.onResult(r);
      } catch (err) {
        return this.fail(err instanceof Error ? err : new Error(String(err)));
      }
      if (this.current !== run) return; // onResult cancelled or failed the run
    }
    run.finished += n;
    if (batch.received === batch.jobs.length) {
      this.sent.delete(reply.batch);
      this.inFlight[worker]!--;
      if (run.finished === run.jobs.length) return this.end(null);
      this.feed(worker);
    }
  }

  /** Ends the execution in progress with `err` (a run failed, or it was cancelled). */
  fail(err: Error): void {
    this.end(err);
  }

  /** A worker is gone (crashed, exited): the execution in progress fails, and so does every later one. */
  lost(err: Error): void {
    this.broken ??= err;
    this.end(err);
  }

  /**
   * Stops handing out batches and asks every worker to stop after its current run and send what
   * it finished; their records still reach `onResult`. Returns how many workers will answer
   * `stopped`; the caller ends the execution (`fail`) when they have, or when it will wait no longer.
   */
  stop(): number {
    this.stopping = true;
    for (const send of this.workers) send({ type: 'cancel' });
    return this.workers.length;
  }

  /** The size of the next batch: about BATCH_TARGET_MS of runs, smaller towards the end so workers finish together. */
  batchSize(remaining: number): number {
    const share = Math.ceil(remaining / (this.workers.length * IN_FLIGHT));
    const target = this.runs === 0 ? 1 : Math.floor(BATCH_TARGET_MS / Math.max(this.runMs / this.runs, 0.01));
    return Math.max(1, Math.min(share, target, MAX_BATCH));
  }

  private feed(worker: number): void {
    const run = this.current;
    while (run && !this.stopping && this.inFlight[worker]! < IN_FLIGHT && run.next < run.jobs.length) {
      const size = this.batchSize(run.jobs.length - run.next);
      const jobs = run.jobs.slice(run.next, run.next + size);
      run.next += jobs.length;
      const id = this.nextBatch++;
      this.sent.set(id, { jobs, worker, received: 0 });
      this.inFlight[worker]!++;
      this.workers[worker]!({ type: 'batch', batch: id, jobs: packJobs(this.exp, jobs) });
    }
  }

  private end(err: Error | null): void {
    const run = this.current;
    if (!run) return;
    this.current = null;
    this.sent.clear();
    this.inFlight.fill(0);
    if (err) run.reject(err);
    else run.resolve();
  }
}

/** What the worker side needs from its thread: a clock (ms) and a way to let messages in. */
export interface WorkerClock {
  now(): number;
  /** Resolves after pending messages (a cancel, the next batch) have been delivered. */
  pause(): Promise<void>;
}

/**
 * The worker's side: runs the batches it is sent, one run after another, and replies packed
 * results at the end of each batch (and every FLUSH_MS within one). `prepared` is the
 * experiment, or why it could not be prepared (every batch then fails with that). Returns the
 * handler of the coordinator's messages.
 */
export function serveBatches(prepared: Experiment | string, run: (exp: Experiment, job: RunJob) => Promise<RunRecord>, post: (reply: FromWorker) => void, clock: WorkerClock): (message: ToWorker) => void {
  const queue: Extract<ToWorker, { type: 'batch' }>[] = [];
  let working = false;
  let cancelled = false;
  // The results finished and not yet sent: a cancel sends them at once.
  let pending: { batch: number; from: number; records: MetricValue[]; since: number } | null = null;
  const flush = () => {
    if (!pending || pending.records.length === 0) return;
    const now = clock.now();
    const stride = typeof prepared === 'string' ? 5 : strideOf(prepared);
    post({ type: 'records', batch: pending.batch, from: pending.from, records: pending.records, ms: now - pending.since });
    pending = { batch: pending.batch, from: pending.from + pending.records.length / stride, records: [], since: now };
  };
  const work = async () => {
    working = true;
    while (queue.length > 0 && !cancelled) {
      const message = queue.shift()!;
      if (typeof prepared === 'string') {
        post({ type: 'failed', batch: message.batch, index: 0, error: prepared });
        continue;
      }
      let jobs: RunJob[];
      try {
        jobs = unpackJobs(prepared, message.jobs);
      } catch (err) {
        post({ type: 'failed', batch: message.batch, index: 0, error: errorText(err) });
        continue;
      }
      pending = { batch: message.batch, from: 0, records: [], since: clock.now() };
      let lastFlush = pending.since;
      for (let i = 0; i < jobs.length; i++) {
        let record: RunRecord;
        try {
          record = await run(prepared, jobs[i]!);
        } catch (err) {
          if (cancelled) return;
          flush();
          post({ type: 'failed', batch: message.batch, index: i, error: errorText(err) });
          break;
        }
        if (cancelled) return; // what finished before the cancel was sent with `stopped`
        packRecord(prepared, record, pending.records);
        if (i < jobs.length - 1 && clock.now() - lastFlush >= FLUSH_MS) {
          flush();
          lastFlush = clock.now();
          await clock.pause();
          if (cancelled) return;
        }
      }
      flush();
      pending = null;
      // Between batches the coordinator's messages (a cancel, more batches) get in.
      await clock.pause();
    }
    working = false;
  };
  return (message) => {
    if (message.type === 'cancel') {
      if (cancelled) return;
      cancelled = true;
      queue.length = 0;
      flush();
      post({ type: 'stopped' });
      return;
    }
    if (cancelled) return;
    queue.push(message);
    if (!working) void work();
  };
}

const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
