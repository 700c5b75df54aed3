/**
 * The queue path on a real Redis (`npm run test:queue`, part of `npm test`): the test starts its
 * own redis-server on 127.0.0.1 at a free port without persistence (scripts/ensure-redis.mjs
 * finds it, or installs Debian's package as root), two `harness worker` processes, and a
 * coordinator `harness experiment --queue`; it kills one worker with SIGKILL while that worker
 * holds a run, and checks the coordinator's report is the local run's, to the byte.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { fromJsonl, parseHarness, traceHash, type RunRecord } from '../kernel';
import { harnessStandIn } from '../providers/testing/standInTask';
import { WireServer } from '../providers/testing/wireServer';
import { runCli, type CliIo } from './commands';
import { traceFile, workerCommand } from './worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME, queueNameFor } from './experimentQueueTarget';

const CLI = ['scripts/run-ts.mjs', 'src/cli/main.ts'];
const children: ChildProcess[] = [];
let redisPort = 0;
let url = '';
let redis: Redis;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Starts a child and resolves once its stderr (or stdout) shows `ready`. */
function start(args: string[], ready: RegExp, exe = process.execPath): Promise<ChildProcess & { output: () => string }> {
  const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      text += chunk.toString();
      if (ready.test(text)) resolve(Object.assign(child, { output: () => text }));
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('exit', (code) => reject(new Error(`${path.basename(exe)} ${args.join(' ')} exited (${code}) before it was ready:\n${text}`)));
  });
}

beforeAll(async () => {
  const found = spawnSync(process.execPath, ['scripts/ensure-redis.mjs'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(found.stderr);
  const server = /redis-server: (.+)/.exec(found.stdout)![1]!.trim();
  redisPort = await freePort();
  url = `redis://127.0.0.1:${redisPort}`;
  await start(['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/, server);
  redis = new Redis({ host: '127.0.0.1', port: redisPort });
}, 180_000);

afterAll(async () => {
  redis?.disconnect();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('harness experiment --queue with harness worker processes', () => {
  it('gives the local report byte for byte although a worker is killed holding a run', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'harness-queue-'));
    const file = path.join(dir, 'exp.json');
    const exp = JSON.parse(readFileSync('public/examples/distractors.experiment.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...exp, seeds: { count: 150 }, base: JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) }));
    const run = promisify(execFile);
    const local = await run(process.execPath, [...CLI, 'experiment', file, '--workers', '1', '--json'], { maxBuffer: 1 << 24 });

    const traces = path.join(dir, 'traces');
    const worker = (name: string) => start([...CLI, 'worker', '--queue', url, '--name', name, '--stalled-ms', '1000', ...(name === 'B' ? ['--traces', traces] : [])], /taking runs from/);
    const [a, b] = await Promise.all([worker('A'), worker('B')]);
    expect(a.output()).toMatch(`harness worker A: taking runs from ${url} (queue ${QUEUE_NAME})`);
    const coordinator = spawn(process.execPath, [...CLI, 'experiment', file, '--queue', url, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(coordinator);
    let stdout = '';
    let stderr = '';
    coordinator.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    coordinator.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => coordinator.on('exit', r));

    // Freeze A, look at what it holds; kill it once it holds a run, else let it go on and look again.
    const activeKey = `bull:${QUEUE_NAME}:active`;
    let killedHolding: string | undefined;
    while (!killedHolding && coordinator.exitCode === null) {
      a.kill('SIGSTOP');
      const active = await redis.lrange(activeKey, 0, -1);
      const holders = await Promise.all(active.map((id) => redis.hget(`bull:${QUEUE_NAME}:${id}`, 'pb')));
      killedHolding = active.find((_, i) => holders[i] === 'A');
      if (killedHolding) a.kill('SIGKILL');
      else {
        a.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 15));
      }
    }
    expect(killedHolding).toBeDefined();

    expect(await exited).toBe(0);
    expect(stdout).toBe(local.stdout);
    expect(stderr).toMatch(/300\/300 runs/);
    // The run A held went back to the queue (stalled) and B ran it.
    const job = await redis.hmget(`bull:${QUEUE_NAME}:${killedHolding!}`, 'pb', 'finishedOn', 'returnvalue');
    expect(job[0]).toBe('B');
    expect(job[1]).not.toBeNull();
    // B was asked for traces: the run's whole trace is on B's disk, and it hashes to the record's trace hash.
    const record = JSON.parse(job[2]!) as RunRecord;
    const trace = fromJsonl(readFileSync(traceFile(traces, record), 'utf8'));
    expect(trace.ok && traceHash(trace.events)).toBe(record.traceHash);
    expect(record).not.toHaveProperty('events');

    // A second coordinator of the same experiment finds every result in Redis: nothing runs again.
    const before = await redis.hget(`bull:${QUEUE_NAME}:${killedHolding!}`, 'processedOn');
    const again = await run(process.execPath, [...CLI, 'experiment', file, '--queue', url, '--json'], { maxBuffer: 1 << 24 });
    expect(again.stdout).toBe(local.stdout);
    expect(await redis.hget(`bull:${QUEUE_NAME}:${killedHolding!}`, 'processedOn')).toBe(before);

    // B stops cleanly on SIGTERM and says how many runs it made.
    const bExit = new Promise<number | null>((r) => b.on('exit', r));
    b.kill('SIGTERM');
    expect(await bExit).toBe(0);
    expect(b.output()).toMatch(/harness worker B: stopped after \d+ runs/);
  });
});

/** A writer who writes the report and finishes; variant `strict` wants a word it never writes. */
const writerDoc = {
  version: 1,
  name: 'report writer',
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 }],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', systemPrompt: 'You write the report.', behaviour: [{ op: 'write', artifact: 'report', text: 'status: approved' }, { op: 'finish', text: 'done' }] }],
  goals: [{ id: 'approved', name: 'the report is approved', when: { kind: 'artifact', name: 'report', contains: 'approved' } }],
};
const writerExperiment = {
  version: 1,
  name: 'writer on a wire CPU, on queue workers',
  base: 'writer.json',
  variants: [{ id: 'base', patch: [] }, { id: 'strict', patch: [{ op: 'replace', path: '/goals/0/when/contains', value: 'signed' }] }],
  seeds: { count: 6 },
  metrics: [{ id: 'pass', kind: 'goals' }, { kind: 'steps' }, { kind: 'tokensIn' }, { kind: 'tokensOut' }, { kind: 'stopReason' }],
};
const KEY = 'sk-stand-in-queue-0123456789';

/** Every value Redis holds, as text (strings, hashes, lists, sets, sorted sets, streams). */
async function everything(client: Redis): Promise<string> {
  const out: string[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    const v =
      type === 'string' ? await client.get(key)
      : type === 'hash' ? await client.hgetall(key)
      : type === 'list' ? await client.lrange(key, 0, -1)
      : type === 'set' ? await client.smembers(key)
      : type === 'zset' ? await client.zrange(key, 0, -1)
      : type === 'stream' ? await client.xrange(key, '-', '+')
      : null;
    out.push(key, JSON.stringify(v));
  }
  return out.join('\n');
}

describe('harness worker --endpoint: queue workers on a real CPU (the wire stand-in, NOT A MODEL)', () => {
  it('run the runs on the endpoint with their own key; the coordinator (no key) prints the local endpoint report byte for byte; offline workers take none', { timeout: 300_000 }, async () => {
    const server = await WireServer.start();
    try {
      const spec = parseHarness(writerDoc);
      if (!spec.ok) throw new Error('bad test document');
      server.always('/v1/chat/completions', harnessStandIn(spec.spec).respond);
      const dir = mkdtempSync(path.join(tmpdir(), 'harness-queue-endpoint-'));
      writeFileSync(path.join(dir, 'writer.json'), JSON.stringify(writerDoc));
      const file = path.join(dir, 'exp.json');
      writeFileSync(file, JSON.stringify(writerExperiment));
      const progress: string[] = [];
      const io = (env: Record<string, string>): CliIo => ({ readFile: (p) => readFileSync(p, 'utf8'), writeFile: () => {}, env, sleep: async () => {}, progress: { tty: false, write: (t) => void progress.push(t) } });
      const endpoint = ['--endpoint', `${server.url}/v1`, '--model', 'stand-in'];

      const local = await runCli(['experiment', file, ...endpoint, '--key-env', 'STAND_IN_KEY', '--json'], io({ STAND_IN_KEY: KEY }));
      expect(local.stderr).toBe('');
      expect(local.code).toBe(0);
      const localRequests = server.count('/v1/chat/completions');
      expect(localRequests).toBe(24); // 2 variants × 6 seeds × 2 turns

      // Two endpoint workers with the key in their environment, and an offline worker on the same Redis.
      let stopWorkers!: () => void;
      const stop = new Promise<void>((r) => (stopWorkers = r));
      const workers = ['E1', 'E2'].map((name) => workerCommand(['--queue', url, '--name', name, ...endpoint, '--key-env', 'STAND_IN_KEY'], io({ STAND_IN_KEY: KEY }), stop));
      const offline = workerCommand(['--queue', url, '--name', 'OFF'], io({}), stop);
      await expect.poll(() => progress.filter((t) => t.includes('taking runs from')).length, { timeout: 30_000 }).toBe(3);
      const cpuQueue = queueNameFor({ endpoint: { url: `${server.url}/v1`, model: 'stand-in', wire: 'openai' }, baseUrls: {} });
      expect(cpuQueue).not.toBe(QUEUE_NAME);
      expect(progress.find((t) => t.includes('harness worker E1:'))).toContain(`(queue ${cpuQueue}, runs on every model on stand-in at ${server.url}/v1 (openai wire))`);

      // The coordinator has no key: the workers hold it.
      const queued = await runCli(['experiment', file, '--queue', url, ...endpoint, '--json'], io({}));
      expect(queued.stderr).toBe('');
      expect(queued.code).toBe(0);
      expect(queued.stdout).toBe(local.stdout);
      expect(server.count('/v1/chat/completions') - localRequests).toBe(24);
      expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
      // The key is nowhere in Redis (jobs, results, the stored experiment).
      const stored = await everything(redis);
      expect(stored).toContain(cpuQueue);
      expect(stored).not.toContain(KEY);

      stopWorkers();
      const results = await Promise.all([...workers, offline]);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      const made = results.map((r) => Number(/stopped after (\d+) run/.exec(r.stderr)![1]));
      expect(made[0]! + made[1]!).toBe(12);
      expect(made[2]).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('a run whose endpoint refuses fails the experiment with the endpoint\'s words (exit 2)', { timeout: 120_000 }, async () => {
    const server = await WireServer.start();
    try {
      server.always('/v1/chat/completions', () => ({ status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) }));
      const dir = mkdtempSync(path.join(tmpdir(), 'harness-queue-endpoint-'));
      writeFileSync(path.join(dir, 'writer.json'), JSON.stringify(writerDoc));
      const file = path.join(dir, 'exp.json');
      writeFileSync(file, JSON.stringify({ ...writerExperiment, name: 'refused', seeds: { count: 1 } }));
      const io: CliIo = { readFile: (p) => readFileSync(p, 'utf8'), writeFile: () => {}, env: { STAND_IN_KEY: 'sk-wrong-key-0123456789' }, sleep: async () => {} };
      const endpoint = ['--endpoint', `${server.url}/v1`, '--model', 'stand-in'];
      let stopWorker!: () => void;
      const worker = workerCommand(['--queue', url, '--name', 'R', ...endpoint, '--key-env', 'STAND_IN_KEY'], io, new Promise<void>((r) => (stopWorker = r)));
      const r = await runCli(['experiment', file, '--queue', url, ...endpoint, '--json'], { ...io, env: {} });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/failed on a worker: model m: .*(401|key)/i);
      expect(r.stderr).not.toContain('sk-wrong-key');
      stopWorker();
      expect((await worker).code).toBe(0);
    } finally {
      await server.close();
    }
  });
});
