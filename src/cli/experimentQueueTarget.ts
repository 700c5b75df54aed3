/**
 * Where `harness experiment --queue URL` and `harness worker --queue URL` meet: the Redis URL,
 * read into connection options, shown back without its credentials, and the first connection,
 * made once with a deadline so an unreachable server is an error rather than endless retries.
 * Also the names both sides share: the BullMQ queue, the job id of a run, the key of an experiment.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { createHash } from 'node:crypto';
import type { RunJob } from '../kernel';

/** The BullMQ queue of runs on the offline CPUs (jobs carry their experiment's hash). */
export const QUEUE_NAME = 'harness-experiments';

/** Where a queue's runs go when they run on real models (`--endpoint`, `--base-url`): no key, only where. */
export interface QueueCpu {
  endpoint?: { url: string; model: string; wire: string };
  baseUrls: Record<string, string>;
}

/**
 * The queue of runs on `cpu`: the offline queue without one, else a queue of its own per
 * endpoint and base URLs (`harness-experiments.` and a hash of them). So a worker takes only the
 * runs meant for the CPU it was started with, a run on an endpoint is never served by an offline
 * worker (or another endpoint's), and the same experiment on two CPUs has two sets of results.
 */
export function queueNameFor(cpu: QueueCpu | null): string {
  if (cpu === null) return QUEUE_NAME;
  const where = { endpoint: cpu.endpoint ? { url: cpu.endpoint.url, model: cpu.endpoint.model, wire: cpu.endpoint.wire } : null, baseUrls: Object.entries(cpu.baseUrls).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
  return `${QUEUE_NAME}.${createHash('sha256').update(JSON.stringify(where)).digest('hex').slice(0, 16)}`;
}

/** Redis key of a resolved experiment: workers read it once per experiment, so jobs stay small. */
export const experimentKey = (hash: string): string => `harness:experiment:${hash}`;

/** How long Redis keeps an experiment, its finished jobs and their results after the last enqueue: a week. */
export const KEEP_SECONDS = 7 * 24 * 3600;

/**
 * A run's BullMQ job id: (experiment, variant, seed, input), so enqueuing a run twice (a retried
 * coordinator, a second one) is one job and one result. The parts are URI-encoded and joined by
 * `/`, which encoding removes from them: no two runs share an id, and no id has BullMQ's `:`.
 */
export function runJobId(job: RunJob): string {
  return [job.experiment, job.variant, String(job.seed), job.input ?? ''].map(encodeURIComponent).join('/');
}

/** A parsed `--queue` URL. */
export interface QueueTarget {
  /** The URL as shown to people: no user name or password. */
  shown: string;
  options: RedisOptions;
}

/** Reads `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS); a string is the error. */
export function parseQueueUrl(text: string): QueueTarget | string {
  const expect = 'expected redis://HOST:PORT (or redis://[USER:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--queue: not a URL: ${JSON.stringify(text.replace(/\/\/[^@/]*@/, '//'))}; ${expect}`;
  }
  const shown = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `--queue: ${shown}: the scheme must be redis:// or rediss://, found ${url.protocol}//; ${expect}`;
  if (url.hostname === '') return `--queue: ${shown}: no host; ${expect}`;
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) return `--queue: ${shown}: the path must be a database number (e.g. /0), found /${dbText}`;
  if (url.search !== '' || url.hash !== '') return `--queue: ${shown}: no query or fragment expected, found ${JSON.stringify(url.search + url.hash)}`;
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    ...(dbText !== '' ? { db: Number(dbText) } : {}),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { shown: `${url.protocol}//${url.host}${dbText !== '' ? `/${dbText}` : ''}`, options };
}

/**
 * Opens a connection within `timeoutMs` (one attempt, no retries), or says why not. Once open it
 * reconnects by itself (a worker outlives a Redis restart) and never fails a command for being
 * offline, as BullMQ's blocking calls require.
 */
export async function connectRedis(target: QueueTarget, timeoutMs = 5000): Promise<Redis | string> {
  const client = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: null, retryStrategy: () => null, enableOfflineQueue: true });
  // connect() rejects with "Connection is closed."; the socket's own error says why.
  let cause: string | undefined;
  const onError = (err: Error) => void (cause ??= err.message);
  client.on('error', onError);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    client.disconnect();
    const raw = cause ?? (err instanceof Error ? err.message : String(err));
    // Never echo a password, even if a library put it in a message.
    const message = target.options.password ? raw.split(target.options.password).join('***') : raw;
    return `cannot reach Redis at ${target.shown}: ${message || 'connection failed'}${/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|timeout/i.test(message) ? ' (is redis-server running there? `node scripts/ensure-redis.mjs` finds or installs one)' : ''}`;
  }
  client.off('error', onError);
  client.on('error', () => {}); // later drops: ioredis reconnects, BullMQ reports what fails
  client.options.retryStrategy = (times: number) => Math.min(100 * times, 2000);
  return client;
}
