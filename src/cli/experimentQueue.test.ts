/**
 * The queue's pieces that need no Redis: the --queue URL, job ids, and the errors a person sees
 * when the URL is wrong or nothing answers there. The whole path on a real redis-server (two
 * workers, one killed) is experimentQueue.redis.test.ts (`npm run test:queue`).
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';
import { parseQueueUrl, QUEUE_NAME, queueNameFor, runJobId } from './experimentQueueTarget';

const EXP = 'public/examples/distractors.experiment.json';
const io: CliIo = { readFile: (p) => readFileSync(p, 'utf8'), writeFile: () => {} };

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('--queue URL', () => {
  it('reads host, port, database and credentials, and shows the URL without the credentials', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380')).toEqual({ shown: 'redis://127.0.0.1:6380', options: { host: '127.0.0.1', port: 6380 } });
    expect(parseQueueUrl('redis://queue.lan')).toMatchObject({ options: { host: 'queue.lan', port: 6379 } });
    expect(parseQueueUrl('rediss://bob:p%40ss@queue.lan:7000/3')).toEqual({ shown: 'rediss://queue.lan:7000/3', options: { host: 'queue.lan', port: 7000, db: 3, username: 'bob', password: 'p@ss', tls: {} } });
    expect(parseQueueUrl('redis://[::1]:6379')).toMatchObject({ options: { host: '::1' } });
  });
  it('says what is wrong with a bad URL, never echoing a password', () => {
    expect(parseQueueUrl('localhost:6379')).toMatch(/^--queue: .*the scheme must be redis:\/\/ or rediss:\/\/, found localhost:\/\//);
    expect(parseQueueUrl('127.0.0.1:6379')).toMatch(/^--queue: not a URL: "127.0.0.1:6379"; expected redis:\/\/HOST:PORT/);
    expect(parseQueueUrl('http://u:secret@queue.lan:1')).toBe('--queue: http://queue.lan:1: the scheme must be redis:// or rediss://, found http://; expected redis://HOST:PORT (or redis://[USER:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS)');
    expect(parseQueueUrl('redis://u:secret@queue.lan:1/jobs')).toBe('--queue: redis://queue.lan:1/jobs: the path must be a database number (e.g. /0), found /jobs');
    expect(parseQueueUrl('redis://queue.lan:99999')).toMatch(/^--queue: not a URL/);
    for (const bad of ['http://u:secret@queue.lan:1', 'redis://u:secret@queue.lan:1/jobs', 'redis://u:secret@queue.lan:1?x=1']) expect(parseQueueUrl(bad)).not.toMatch(/secret/);
  });
});

describe('job ids', () => {
  it('name the run (experiment, variant, seed, input), differ for every run, and hold no ":" (BullMQ forbids it)', () => {
    const id = runJobId({ experiment: 'abc', variant: 'with-memo', seed: 12, input: null });
    expect(id).toBe('abc/with-memo/12/');
    const runs = [
      { experiment: 'e', variant: 'a-1', seed: 2, input: 'x' },
      { experiment: 'e', variant: 'a', seed: 1, input: '2-x' },
      { experiment: 'e', variant: 'a/1', seed: 2, input: 'x' },
      { experiment: 'e', variant: 'a', seed: 1, input: '2/x' },
      { experiment: 'e', variant: 'a:b', seed: 1, input: 'c:d' },
    ];
    const ids = runs.map(runJobId);
    expect(new Set(ids).size).toBe(runs.length);
    for (const x of ids) expect(x).not.toContain(':');
  });
});

describe('harness experiment --queue / harness worker: errors', () => {
  it('exit 2 naming the URL (without credentials) when no Redis answers there', async () => {
    const port = await closedPort();
    const coordinator = await runCli(['experiment', EXP, '--queue', `redis://me:hunter2@127.0.0.1:${port}`], io);
    expect(coordinator.code).toBe(2);
    expect(coordinator.stderr).toBe(`harness: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (is redis-server running there? \`node scripts/ensure-redis.mjs\` finds or installs one)\n`);
    const worker = await runCli(['worker', '--queue', `redis://me:hunter2@127.0.0.1:${port}`], io);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toBe(coordinator.stderr);
  });
  it('exit 2 for a bad URL or flags that do not go together', async () => {
    const bad = await runCli(['experiment', EXP, '--queue', 'localhost:6379'], io);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^harness: --queue: .*the scheme must be redis:\/\//);
    expect((await runCli(['experiment', EXP, '--queue', 'redis://h:1', '--workers', '2'], io)).stderr).toMatch(/^harness: --queue and --workers: /);
    expect((await runCli(['experiment', EXP, '--queue', 'redis://h:1', '--shard', '0/2', '--out', 'x'], io)).stderr).toMatch(/^harness: --queue and --shard: /);
    expect((await runCli(['worker', '--queue', 'redis://h:1', '--model', 'm'], io)).stderr).toMatch(/^harness: --model needs --endpoint URL/);
    expect((await runCli(['worker', '--queue', 'redis://h:1', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', '--key-env', 'NOT_SET_HERE'], { ...io, env: {} })).stderr).toMatch(/^harness: --key-env: the environment variable NOT_SET_HERE is not set/);
    expect((await runCli(['worker'], io)).stderr).toMatch(/^harness: worker needs --queue redis:\/\/HOST:PORT/);
    expect((await runCli(['worker', '--queue', 'redis://h:1', '--stalled-ms', '5'], io)).stderr).toMatch(/^harness: --stalled-ms: expected an integer from 200 to 3600000, found "5"/);
    expect((await runCli(['worker', '--help'], io)).stdout).toMatch(/harness worker --queue redis:\/\/HOST:PORT/);
  });
});

describe('the queue of runs on real models', () => {
  it('is the offline queue without endpoint flags, and one of its own per endpoint (the same for the same flags)', () => {
    const at = (url: string, model = 'm', baseUrls: Record<string, string> = {}) => queueNameFor({ endpoint: { url, model, wire: 'openai' }, baseUrls });
    expect(queueNameFor(null)).toBe(QUEUE_NAME);
    expect(at('http://a/v1')).toMatch(new RegExp(`^${QUEUE_NAME}\\.[0-9a-f]{16}$`));
    expect(at('http://a/v1')).toBe(at('http://a/v1'));
    expect(new Set([at('http://a/v1'), at('http://b/v1'), at('http://a/v1', 'n'), at('http://a/v1', 'm', { critic: 'http://c/v1' }), queueNameFor({ baseUrls: { critic: 'http://c/v1' } })]).size).toBe(5);
    // Base URLs in any order are the same queue; no `:` (BullMQ forbids it in names).
    expect(queueNameFor({ baseUrls: { a: 'http://x', b: 'http://y' } })).toBe(queueNameFor({ baseUrls: { b: 'http://y', a: 'http://x' } }));
    expect(at('http://a:8080/v1')).not.toContain(':');
  });
});
