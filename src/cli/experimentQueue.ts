/**
 * The coordinator of `harness experiment EXP.json --queue redis://HOST:PORT`: a RunExecutor on
 * BullMQ. It stores the resolved experiment in Redis once, enqueues each run as a job whose id
 * is the run's key (so a run enqueued twice is one job), and hands results to the runner as
 * `harness worker` processes finish them, on any machine. The report is built from the records
 * exactly as for a local run, so it is the same bytes. Runs on real models go to the queue of
 * their endpoint (`cpu`, queueNameFor), served by workers started with the same endpoint flags.
 *
 * Results arrive as BullMQ 'completed' events; when none came for a while (a missed event, a
 * job finished before this coordinator started), the outstanding jobs are read from Redis.
 * A job that was left failed by an earlier coordinator is retried; one that fails now (its run
 * threw, or it stalled more often than workers allow) fails the experiment with its reason.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Experiment, RunExecutor, RunJob, RunRecord } from '../kernel';
import { connectRedis, experimentKey, KEEP_SECONDS, parseQueueUrl, queueNameFor, runJobId, type QueueCpu } from './experimentQueueTarget';

/** Jobs per addBulk call: one round trip each, small enough not to stall Redis. */
const ADD_BATCH = 1000;

/** A queue executor also owns connections: close() ends them (jobs stay for later coordinators). */
export interface QueueExecutor extends RunExecutor {
  close(): Promise<void>;
}

export interface QueueExecutorOptions {
  /** With no result for this long, read the outstanding jobs from Redis (default 2,000 ms). */
  reconcileMs?: number;
  /** Where the runs go: real models (their workers' queue, queueNameFor); absent: the offline CPUs. */
  cpu?: QueueCpu | null;
}

const describe = (job: RunJob) => `variant ${job.variant} at seed ${job.seed}${job.input !== null ? ` on input ${job.input}` : ''}`;

/** A RunExecutor that runs `exp`'s jobs through `harness worker` processes reading the same Redis. */
export async function queueExecutor(exp: Experiment, client: Redis, opts: QueueExecutorOptions = {}): Promise<QueueExecutor> {
  const reconcileMs = opts.reconcileMs ?? 2000;
  const name = queueNameFor(opts.cpu ?? null);
  await client.set(experimentKey(exp.hash), JSON.stringify(exp.file), 'EX', KEEP_SECONDS);
  const queue = new Queue(name, { connection: client });
  // Read events from now on (Redis's clock): nothing in between is missed, nothing older replayed.
  const [secs, micros] = (await client.time()) as [number | string, number | string];
  const eventsClient = client.duplicate();
  const events = new QueueEvents(name, { connection: eventsClient, lastEventId: `${Number(secs) * 1000 + Math.floor(Number(micros) / 1000) - 1}-0` });
  events.on('error', () => {}); // reconnects by itself; a lost event is recovered by reconcile
  await events.waitUntilReady();

  return {
    execute(jobs, onResult) {
      return new Promise<void>((resolve, reject) => {
        const outstanding = new Map<string, RunJob>(jobs.map((j) => [runJobId(j), j]));
        let settled = false;
        let lastResult = Date.now();
        let timer: ReturnType<typeof setInterval> | undefined;
        const finish = (err?: Error) => {
          if (settled) return;
          settled = true;
          clearInterval(timer);
          events.off('completed', completed);
          events.off('failed', failed);
          if (err) reject(err);
          else resolve();
        };
        const take = (id: string, value: unknown) => {
          const job = outstanding.get(id);
          if (!job || settled) return;
          let record: RunRecord;
          try {
            record = (typeof value === 'string' ? JSON.parse(value) : value) as RunRecord;
          } catch {
            return finish(new Error(`job ${id} returned a result that is not JSON`));
          }
          if (!record || runJobId(record) !== id) return finish(new Error(`job ${id} returned a result for another run (${record ? runJobId(record) : 'nothing'}): is an old harness worker on this queue?`));
          outstanding.delete(id);
          lastResult = Date.now();
          try {
            onResult(record);
          } catch (err) {
            return finish(err instanceof Error ? err : new Error(String(err)));
          }
          if (outstanding.size === 0) finish();
        };
        const fail = (id: string, reason: string) => {
          const job = outstanding.get(id);
          if (job) finish(new Error(`run of ${describe(job)} failed on a worker: ${reason}`));
        };
        const completed = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => take(jobId, returnvalue);
        const failed = ({ jobId, failedReason }: { jobId: string; failedReason: string }) => fail(jobId, failedReason);
        events.on('completed', completed);
        events.on('failed', failed);

        /** Reads the outstanding jobs' state; `first`: failures left by an earlier coordinator are retried, not believed. */
        const reconcile = async (first: boolean) => {
          const ids = [...outstanding.keys()];
          for (let i = 0; i < ids.length && !settled; i += ADD_BATCH) {
            const batch = ids.slice(i, i + ADD_BATCH);
            const pipe = client.pipeline();
            for (const id of batch) pipe.hmget(queue.toKey(id), 'returnvalue', 'finishedOn', 'failedReason');
            const rows = (await pipe.exec()) ?? [];
            for (let k = 0; k < batch.length; k++) {
              const [err, row] = rows[k] ?? [];
              if (err || !Array.isArray(row)) continue;
              const [returnvalue, finishedOn, failedReason] = row as (string | null)[];
              if (finishedOn === null || finishedOn === undefined) continue;
              if (returnvalue !== null && returnvalue !== undefined && (failedReason === null || failedReason === undefined || failedReason === '')) take(batch[k]!, returnvalue);
              else if (first) await (await Job.fromId(queue, batch[k]!))?.retry('failed');
              else fail(batch[k]!, failedReason ?? 'failed');
            }
          }
        };

        void (async () => {
          if (jobs.length === 0) return finish();
          for (let i = 0; i < jobs.length && !settled; i += ADD_BATCH) {
            await queue.addBulk(
              jobs.slice(i, i + ADD_BATCH).map((j) => ({
                name: 'run',
                data: { experiment: j.experiment, variant: j.variant, seed: j.seed, input: j.input } satisfies RunJob,
                opts: { jobId: runJobId(j), removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
              })),
            );
          }
          // Runs finished before (an earlier coordinator of the same experiment) answer now.
          await reconcile(true);
          if (settled) return;
          timer = setInterval(() => {
            if (Date.now() - lastResult >= reconcileMs) {
              lastResult = Date.now();
              reconcile(false).catch(() => {});
            }
          }, Math.max(50, Math.floor(reconcileMs / 4)));
        })().catch((err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
      });
    },
    async close() {
      await events.close();
      await queue.close();
      eventsClient.disconnect();
    },
  };
}

/** Parses `--queue URL`, connects, and returns the executor (its close() also closes the connection), or the error. */
export async function openQueueExecutor(exp: Experiment, url: string, opts: QueueExecutorOptions = {}): Promise<QueueExecutor | string> {
  const target = parseQueueUrl(url);
  if (typeof target === 'string') return target;
  const client = await connectRedis(target);
  if (typeof client === 'string') return client;
  try {
    const executor = await queueExecutor(exp, client, opts);
    return {
      execute: (jobs, onResult) => executor.execute(jobs, onResult),
      async close() {
        await executor.close();
        await client.quit().catch(() => client.disconnect());
      },
    };
  } catch (err) {
    client.disconnect();
    return `Redis at ${target.shown}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
