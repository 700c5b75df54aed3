/**
 * Declared requests / tokens per minute as schedulable resources (models[i].limits), on sim
 * models: a turn that would exceed the sliding 60 s window waits with `sched.throttled`, and
 * goes once `sched.replenished` frees enough of it. Also: the fields' validation, and a
 * CPU fault thrown by a sim-like CPU becoming events (no network here; see providers/faults.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { CpuFault } from '../cpu/fault';
import type { Cpu, InferRequest, InferResult } from '../cpu/cpu';
import { parseHarness, type HarnessSpec } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import { RecordedCpu } from '../cpu/recorded';

function doc(limits: Record<string, number> | undefined, turns = 4, agents = 1): HarnessSpec {
  const r = parseHarness({
    version: 1, name: 'limits',
    models: [{ id: 'm', name: 'M', provider: 'sim', slots: agents, tokensPerSecond: 100, ...(limits ? { limits } : {}) }],
    agents: Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, name: `A${i}`, model: 'm', systemPrompt: 'Think.', behaviour: [...Array.from({ length: turns - 1 }, () => ({ op: 'think', text: 'hmm', tokens: 20 })), { op: 'finish', text: 'done' }] })),
  });
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

async function run(spec: HarnessSpec, cpus: Record<string, Cpu> = {}): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: 'r', seed: 1, cpus });
  await k.runUntil({ maxEvents: 10_000 });
  return k;
}

const ofType = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const prefills = (events: readonly KernelEvent[]) => ofType(events, 'infer.started').filter((e) => e.tokensIn > 0);

describe('requests per minute', () => {
  it('the third request of a 2-rpm model waits until the first leaves the window, with the numbers', async () => {
    const k = await run(doc({ rpm: 2 }, 3));
    expect(k.state.stopped?.reason).toBe('completed');
    const starts = prefills(k.events);
    expect(starts).toHaveLength(3);
    const [throttled] = ofType(k.events, 'sched.throttled');
    expect(throttled).toMatchObject({ agent: 'a0', model: 'm', reason: 'rpm', until: starts[0]!.t + 60_000, numbers: { requests: 2, rpm: 2, windowMs: 60_000 } });
    expect(throttled).not.toHaveProperty('class');
    const replenished = ofType(k.events, 'sched.replenished').find((e) => e.class === undefined)!;
    expect(replenished.t).toBe(throttled!.until);
    expect(replenished.numbers).toEqual({ requests: 1, tokens: starts[1]!.tokensIn + starts[1]!.total! });
    expect(starts[2]!.t).toBe(throttled!.until);
    expect(starts[1]!.t).toBeLessThan(60_000);
  });

  it('a document without limits records exactly what it did before (no window, no throttle)', async () => {
    const k = await run(doc(undefined, 3));
    expect(ofType(k.events, 'sched.throttled')).toHaveLength(0);
    expect(k.events[0]).toMatchObject({ type: 'run.started' });
    expect((k.events[0] as EventOf<'run.started'>).models.m).not.toHaveProperty('limits');
    expect(k.state.endpoints).toBeUndefined();
  });
});

describe('tokens per minute', () => {
  it('a turn whose tokens would pass the quota waits until enough of the window expires', async () => {
    const k = await run(doc({ tpm: 150 }, 4));
    expect(k.state.stopped?.reason).toBe('completed');
    const starts = prefills(k.events);
    const throttles = ofType(k.events, 'sched.throttled');
    expect(throttles.length).toBeGreaterThan(0);
    for (const th of throttles) {
      expect(th.reason).toBe('tpm');
      const { tokens, need, tpm } = th.numbers as { tokens: number; need: number; tpm: number };
      expect(tpm).toBe(150);
      expect(tokens + need).toBeGreaterThan(150);
      // What was in the window when it was announced: the requests of the last 60 s.
      const inWindow = starts.filter((s) => s.t <= th.t && s.t > th.t - 60_000);
      expect(tokens).toBe(inWindow.reduce((n, s) => n + s.tokensIn + s.total!, 0));
      // It lifts at the first instant the request fits (or the window is empty), and the request goes then.
      const fitsAt = (t: number): boolean => {
        const left = inWindow.filter((s) => s.t > t - 60_000);
        return left.length === 0 || left.reduce((n, s) => n + s.tokensIn + s.total!, 0) + need <= 150;
      };
      expect(fitsAt(th.until)).toBe(true);
      expect(fitsAt(th.until - 1)).toBe(false);
      expect(starts.find((s) => s.t >= th.t)!.t).toBe(th.until);
    }
    // At no instant did the window hold more than the quota, unless one request alone was larger.
    for (const s of starts) {
      const sum = starts.filter((x) => x.t <= s.t && x.t > s.t - 60_000).reduce((n, x) => n + x.tokensIn + x.total!, 0);
      expect(sum <= 150 || starts.filter((x) => x.t <= s.t && x.t > s.t - 60_000).length === 1).toBe(true);
    }
  });
});

describe('the fields are validated where they are', () => {
  it('names the path of a bad retry or limits value', () => {
    const bad = parseHarness({ version: 1, name: 'x', models: [{ id: 'm', name: 'M', retry: { max: -1 }, limits: { rpm: 0, burst: 3 } }] });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.issues.map((i) => i.path);
    expect(paths).toContain('models[0].retry.max');
    expect(paths.some((p) => p.startsWith('models[0].limits'))).toBe(true);
    expect(bad.issues.find((i) => i.path === 'models[0].retry.max')!.message).toMatch(/models\[0\]\.retry\.max/);
  });
});

/** A CPU whose first `fails` calls of each turn throw the given failure. */
class FlakyCpu implements Cpu {
  readonly provider = 'openai-compatible';
  calls = 0;
  constructor(private readonly fails: number, private readonly kind: 'server' | 'rate-limited' | 'auth') {}
  infer(req: InferRequest): InferResult {
    this.calls += 1;
    if ((req.attempt ?? 0) < this.fails) {
      throw new CpuFault(req.model.id, { kind: this.kind, message: `scripted ${this.kind}`, fix: 'wait', retryable: this.kind !== 'auth', retryAfterMs: this.kind === 'rate-limited' ? 5000 : null, status: this.kind === 'auth' ? 401 : 503, partial: null });
    }
    return { action: { kind: 'finish', text: 'ok' }, text: 'ok', tokensOut: 3, latencyMs: 0, nextPc: req.pc, record: { provider: this.provider, reported: null, estimate: { tokensIn: 1, tokensOut: 3 }, response: { text: 'ok' } } };
  }
}

function realDoc(): HarnessSpec {
  const r = parseHarness({ version: 1, name: 'real', models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'x' }], agents: [{ id: 'a', name: 'A', model: 'm' }] });
  if (!r.ok) throw new Error('bad');
  return r.spec;
}

describe('CPU faults are events', () => {
  it('the attempt is passed to the CPU, jitter is seeded (same seed, same delays), and replay fails the same attempts offline', async () => {
    const a = await run(realDoc(), { 'openai-compatible': new FlakyCpu(2, 'server') });
    const b = await run(realDoc(), { 'openai-compatible': new FlakyCpu(2, 'server') });
    expect(a.state.stopped?.reason).toBe('completed');
    expect(ofType(a.events, 'infer.failed').map((e) => e.attempt)).toEqual([0, 1]);
    expect(a.traceHash()).toBe(b.traceHash());
    const replay = await run(realDoc(), { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', a.events) });
    expect(replay.traceHash()).toBe(a.traceHash());
  });

  it('a seek back over a failure and forward again reproduces the run', async () => {
    const k = Kernel.create(realDoc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': new FlakyCpu(1, 'rate-limited') } });
    await k.runUntil({ maxEvents: 10_000 });
    const failed = ofType(k.events, 'infer.failed')[0]!;
    const live = new FlakyCpu(1, 'rate-limited');
    const restored = Kernel.restore(k.events.slice(0, failed.seq + 1), realDoc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': live } });
    await restored.runUntil({ maxEvents: 10_000 });
    expect(restored.traceHash()).toBe(k.traceHash());
    // Only the retry went to the live CPU: attempt 0 is in the record.
    expect(live.calls).toBe(1);
  });
});

describe('a failed call under every scheduling class', () => {
  for (const sched of [{ class: 'fifo' }, { class: 'fair' }, { class: 'rt' }, { class: 'priority' }, { class: 'idle' }, { class: 'deadline', runtime: 20, deadline: 5000, period: 5000 }]) {
    it(`${sched.class}: retries after its backoff and completes; two agents on one slot both finish`, async () => {
      const r = parseHarness({
        version: 1, name: 'classes', models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'x', slots: 1 }],
        agents: [{ id: 'a', name: 'A', model: 'm', sched }, { id: 'b', name: 'B', model: 'm', sched }],
      });
      if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
      const k = await run(r.spec, { 'openai-compatible': new FlakyCpu(2, 'rate-limited') });
      expect(k.state.stopped?.reason).toBe('completed');
      expect(ofType(k.events, 'infer.failed').map((e) => `${e.agent}${e.attempt}`)).toEqual(expect.arrayContaining(['a0', 'a1', 'b0', 'b1']));
      expect(ofType(k.events, 'agent.finished').map((e) => e.agent).sort()).toEqual(['a', 'b']);
    });
  }
});
