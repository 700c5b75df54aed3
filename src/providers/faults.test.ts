/**
 * Model faults as scheduling facts, against the local wire server: a 429 throttles the endpoint
 * and retries; 5xx and dropped connections retry with a bound on the virtual clock, then fail the
 * job; a 401 fails the job at once with the endpoint and the fix; a replay repeats it all offline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, loadEncodingsFor, parseHarness, toJsonl, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus, ModelCpu } from './modelCpu';
import type { PaceClock } from './pacing';
import { WireServer } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';

const KEY = 'sk-planted-key-faults-0123456789';
const PATH = '/v1/chat/completions';

/** A real agent on model m (and, with `sim`, a sim agent on its own model that just finishes). */
function spec(model: Record<string, unknown> = {}, sim = false): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Faults',
    models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', tokensPerSecond: 50, slots: 2, ...model }, ...(sim ? [{ id: 's', name: 'S' }] : [])],
    agents: [
      { id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.' },
      ...(sim ? [{ id: 'other', name: 'Other', model: 's', behaviour: [{ op: 'finish', text: 'done' }] }] : []),
    ],
    limits: { maxSteps: 20 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

const finish = (text: string) => ({ frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: [JSON.stringify({ text })] }], finishReason: 'tool_calls', usage: { prompt: 30, completion: 8 } }) });
const status = (code: number, headers: Record<string, string> = {}) => ({ status: code, headers, body: JSON.stringify({ error: { message: `scripted ${code} for ${KEY}` } }) });

/** Records the waits ModelCpu asks for instead of sleeping. */
function fakeClock(): PaceClock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } };
}

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

async function run(s: HarnessSpec, clock = fakeClock()): Promise<{ k: Kernel; clock: ReturnType<typeof fakeClock> }> {
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY } }, {}, { clock }) });
  await k.runUntil({ maxEvents: 10_000 });
  return { k, clock };
}

const ofType = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is Extract<KernelEvent, { type: T }> => e.type === type);

describe('a 429 throttles the endpoint, then the turn retries', () => {
  it('records infer.failed and sched.throttled (rate-limit, until = max(retry-after, backoff)), replenishes, and completes; replay gives the same hash offline', async () => {
    server.script(PATH, status(429, { 'retry-after': '3' }), finish('Paris'));
    const { k, clock } = await run(spec());
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count(PATH)).toBe(2);
    const [failed] = ofType(k.events, 'infer.failed');
    expect(failed).toMatchObject({ agent: 'solo', model: 'm', turn: 0, attempt: 0, failure: { kind: 'rate-limited', status: 429, retryAfterMs: 3000, retryable: true } });
    // The server asked for 3 s; the first backoff is at most 0.5 s: the wait is the server's.
    expect(failed!.retry).toEqual({ delayMs: 3000, until: failed!.t + 3000 });
    const throttled = k.events[failed!.seq + 1]!;
    expect(throttled).toMatchObject({ type: 'sched.throttled', model: 'm', reason: 'rate-limit', until: failed!.t + 3000, numbers: { status: 429, retryAfterMs: 3000, attempt: 1 } });
    expect(throttled).not.toHaveProperty('class');
    const replenished = k.events.find((e) => e.type === 'sched.replenished' && e.model === 'm' && !('class' in e));
    expect(replenished?.t).toBe(failed!.t + 3000);
    // The retry is not sent before the throttle lifts (virtual time) …
    const retried = ofType(k.events, 'infer.started')[0]!;
    expect(retried.t).toBeGreaterThanOrEqual(failed!.t + 3000);
    // … nor before the server's retry-after in wall time.
    expect(clock.slept).toEqual([3000]);
    expect(toJsonl(k.events)).not.toContain(KEY);

    // Replay: the recorded failure, then the recorded answer, with the server stopped.
    await server.close();
    const s = spec();
    const replay = Kernel.create(s, { runId: 'r1', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
    server = await WireServer.start();
  });

  it('other agents on the throttled model wait too: nobody is picked on it until it replenishes', async () => {
    const s = parseHarness(JSON.stringify({
      version: 1, name: 'Two',
      models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', slots: 1 }],
      agents: [{ id: 'a', name: 'A', model: 'm' }, { id: 'b', name: 'B', model: 'm' }],
      limits: { maxSteps: 20 },
    }));
    if (!s.ok) throw new Error('bad spec');
    server.script(PATH, status(429, { 'retry-after': '2' }), finish('one'), finish('two'));
    const { k } = await run(s.spec);
    expect(k.state.stopped?.reason).toBe('completed');
    const throttled = k.events.find((e) => e.type === 'sched.throttled')!;
    const picks = ofType(k.events, 'sched.picked').filter((e) => e.seq > throttled.seq);
    expect(picks.length).toBeGreaterThan(0);
    for (const p of picks) expect(p.t).toBeGreaterThanOrEqual(throttled.t + 2000);
  });
});

describe('server errors and dropped connections retry with a bound, then fail the job', () => {
  it('500 three times with retry.max 2: growing backoffs on the virtual clock, then job.failed naming the model and the kind, no endpoint; the other agent finishes', async () => {
    server.script(PATH, status(500), status(500), status(500));
    const { k, clock } = await run(spec({ retry: { max: 2 } }, true));
    const failed = ofType(k.events, 'infer.failed');
    expect(failed.map((e) => [e.attempt, e.failure.kind, e.retry === null])).toEqual([[0, 'server', false], [1, 'server', false], [2, 'server', true]]);
    const [a, b] = failed;
    // Equal jitter: the n-th backoff lies in [base·2ⁿ/2, base·2ⁿ].
    expect(a!.retry!.delayMs).toBeGreaterThanOrEqual(250);
    expect(a!.retry!.delayMs).toBeLessThanOrEqual(500);
    expect(b!.retry!.delayMs).toBeGreaterThanOrEqual(500);
    expect(b!.retry!.delayMs).toBeLessThanOrEqual(1000);
    expect(b!.t).toBeGreaterThanOrEqual(a!.retry!.until);
    expect(failed[2]!.reason).toBe('gave up after 2 retries (the policy allows 2)');
    const job = ofType(k.events, 'job.failed')[0]!;
    expect(job).toMatchObject({ agent: 'solo', stage: 'infer' });
    expect(job.reason).toBe('model m: server (HTTP 500) after 3 attempts; gave up after 2 retries (the policy allows 2)');
    expect(job.reason).not.toContain('127.0.0.1');
    expect(k.events.find((e) => e.type === 'agent.finished')).toMatchObject({ agent: 'other' });
    expect(k.state.stopped).toMatchObject({ reason: 'jobs-failed' });
    expect(k.state.procs.solo!.state).toBe('failed');
    expect(server.count(PATH)).toBe(3);
    // Wall-clock pacing: each retry waited the backoff after the last failure.
    expect(clock.slept).toHaveLength(2);
  });

  it('a connection dropped mid-answer keeps what streamed as the partial, and the retry completes', async () => {
    server.script(PATH, { frames: openAiStream({ text: ['Hel', 'lo ', 'there'], finishReason: 'stop' }), dropAfter: 2 }, finish('Paris'));
    const { k } = await run(spec());
    expect(k.state.stopped?.reason).toBe('completed');
    const [failed] = ofType(k.events, 'infer.failed');
    expect(failed).toMatchObject({ failure: { kind: 'dropped', retryable: true }, attempt: 0 });
    expect(JSON.stringify(failed!.failure.partial)).toContain('Hel');
    expect(ofType(k.events, 'infer.completed')[0]).toMatchObject({ action: { kind: 'finish', text: 'Paris' } });
  });
});

describe('a refused key fails the job at once', () => {
  it('401: one infer.failed with no retry, job.failed with the endpoint and the fix, no second request, no key anywhere', async () => {
    server.script(PATH, status(401));
    const { k } = await run(spec({}, true));
    expect(server.count(PATH)).toBe(1);
    const failed = ofType(k.events, 'infer.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ failure: { kind: 'auth', status: 401, retryable: false }, retry: null, reason: 'auth is not retryable' });
    const job = ofType(k.events, 'job.failed')[0]!;
    expect(job.reason).toContain('model m: auth (HTTP 401)');
    expect(job.reason).toContain(server.url);
    expect(job.reason).toContain(failed[0]!.failure.fix);
    expect(k.events[k.events.length - 1]).toMatchObject({ type: 'run.stopped', reason: 'jobs-failed', evidence: [job.seq] });
    expect(toJsonl(k.events)).not.toContain(KEY);
  });
});

describe('ModelCpu paces its wall-clock requests', () => {
  it('waits for the last retry-after before any request to the endpoint', async () => {
    server.script(PATH, status(429, { 'retry-after-ms': '1500' }), finish('x'));
    const clock = fakeClock();
    const s = spec();
    await loadEncodingsFor(s);
    const cpu = createModelCpus(s, { m: { wire: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY } }, {}, { clock })['openai-compatible'] as ModelCpu;
    const k = Kernel.create(s, { runId: 'r', seed: 2, cpus: { 'openai-compatible': cpu } });
    await k.runUntil({ maxEvents: 1000 });
    expect(clock.slept).toEqual([1500]);
    expect(cpu.calls).toBe(2);
  });
});
