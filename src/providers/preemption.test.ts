/**
 * Real generations stream through the kernel and are preempted at slice boundaries: two real
 * agents share one slot under rt round-robin with an 8-token slice, on the wire server, whose
 * first answers arrive slowly (frames 30 ms apart), so each is cut short while it streams.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, loadEncodingsFor, parseHarness, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus } from './modelCpu';
import { WireServer, type ScriptedResponse } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';
import { anthropicStream } from './testing/anthropicWire';
import type { ChatResponse, Provider } from './types';

const OPENAI = '/v1/chat/completions';
const ANTHROPIC = '/v1/messages';
type Wire = 'openai' | 'anthropic';
type Ev<T extends KernelEvent['type']> = Extract<KernelEvent, { type: T }>;

function spec(wire: Wire, agents: readonly string[]): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Two real agents on one slot',
    models: [{ id: 'm', name: 'M', provider: wire === 'anthropic' ? 'anthropic' : 'openai-compatible', model: 'test-model', tokensPerSecond: 1000, slots: 1 }],
    agents: agents.map((id) => ({ id, name: id, model: 'm', systemPrompt: `You are ${id}. Answer, then finish.`, sched: { class: 'rt', rtPolicy: 'rr', rrSlice: 8 } })),
    limits: { maxSteps: 20 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

const WORDS = ['Paris ', 'is ', 'the ', 'capital ', 'of ', 'France, ', 'a ', 'city ', 'of ', 'light ', 'and ', 'of ', 'long ', 'answers.'];

/** A long answer whose frames arrive 30 ms apart: the kernel cuts it while it streams. */
function slow(wire: Wire): ScriptedResponse {
  return wire === 'anthropic'
    ? { frames: anthropicStream({ text: WORDS, stopReason: 'end_turn', inputTokens: 30, outputTokens: 20 }), frameDelayMs: 30 }
    : { frames: openAiStream({ text: WORDS, finishReason: 'stop', usage: { prompt: 30, completion: 20 } }), frameDelayMs: 30 };
}

/** A short answer (a finish call, within one slice): the agent finishes. */
function done(wire: Wire, text: string): ScriptedResponse {
  const json = JSON.stringify({ text });
  return wire === 'anthropic'
    ? { frames: anthropicStream({ toolUses: [{ id: `t-${text}`, name: 'finish', jsonChunks: [json] }], inputTokens: 50, outputTokens: 3 }) }
    : { frames: openAiStream({ toolCalls: [{ id: `c-${text}`, name: 'finish', argumentChunks: [json] }], finishReason: 'tool_calls', usage: { prompt: 50, completion: 3 } }) };
}

const path = (wire: Wire): string => (wire === 'anthropic' ? ANTHROPIC : OPENAI);
const baseUrl = (wire: Wire, s: WireServer): string => (wire === 'anthropic' ? s.url : `${s.url}/v1`);
const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T, agent?: string): Ev<T>[] =>
  events.filter((e): e is Ev<T> => e.type === type && (agent === undefined || e.agent === agent));

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

async function live(wire: Wire, s: HarnessSpec): Promise<Kernel> {
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire, baseUrl: baseUrl(wire, server), apiKey: 'sk-test' } }) });
  await k.runUntil({ maxEvents: 10_000 });
  return k;
}

describe.each(['anthropic', 'openai'] as const)('a real generation preempted at a slice boundary (%s wire)', (wire) => {
  it('is aborted with its partial answer recorded, resumes by prefix where the API can (restart otherwise), with the re-prefill charged; replays exactly with the server closed', async () => {
    // Requests arrive in this order: a's first part, b's first part, a's resume, b's resume.
    server.script(path(wire), slow(wire), slow(wire), done(wire, 'a done'), done(wire, 'b done'));
    const s = spec(wire, ['a', 'b']);
    const k = await live(wire, s);
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count(path(wire))).toBe(4);

    // a's stream was cut at its first boundary: the partial text is on the preemption.
    const [pre] = of(k.events, 'sched.preempted', 'a');
    expect(pre).toMatchObject({ reason: 'slice', by: 'b', done: 8, remaining: null, partial: { turn: 0, part: 0, calls: [] } });
    const partial = pre!.partial!;
    expect(partial.text.startsWith('Paris is')).toBe(true);
    expect(partial.text.length).toBeLessThan(WORDS.join('').length);
    expect(partial.tokensOut).toBeGreaterThan(8);
    expect(partial.response).toMatchObject({ finishReason: 'aborted' });

    // Its resume: a new part, by prefix on Anthropic (the request ends with the partial as the assistant's), restarted on the OpenAI wire.
    const aStarts = of(k.events, 'infer.started', 'a');
    const resume = aStarts.find((e) => e.part === 1)!;
    const resumeBody = server.requests[2]!.body as { messages: { role: string; content: unknown }[] };
    if (wire === 'anthropic') {
      expect(resume).toMatchObject({ resumedBy: 'prefix', done: 0 });
      expect(resume.prefixTokens).toBeGreaterThan(0);
      expect(resumeBody.messages[resumeBody.messages.length - 1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: partial.text.trimEnd() }] });
    } else {
      expect(resume).toMatchObject({ resumedBy: 'restart', done: 0 });
      expect(resume.prefixTokens).toBeUndefined();
      expect(resumeBody).toEqual(server.requests[0]!.body);
    }
    // The re-prefill is charged: the window again (and the prefix), corrected to the reported count when the answer completes.
    const first = aStarts[0]!;
    expect(resume.tokensIn).toBe(first.tokensIn + (resume.prefixTokens ?? 0));
    const [completed] = of(k.events, 'infer.completed', 'a');
    expect(completed!.tokensIn).toBe(first.tokensIn + 50);
    expect(completed!.slice.tokensIn + completed!.correction!.tokensIn).toBe(50);
    expect(completed!.slice.tokensOut + completed!.correction!.tokensOut).toBe(3);
    const charged = of(k.events, 'infer.sliced', 'a').reduce((n, e) => n + e.slice.tokensIn + e.slice.tokensOut, 0) + completed!.slice.tokensIn + completed!.slice.tokensOut + completed!.correction!.tokensIn + completed!.correction!.tokensOut;
    expect(k.state.procs.a!.tokensIn + k.state.procs.a!.tokensOut).toBe(charged);
    expect(completed!.action).toEqual({ kind: 'finish', text: 'a done' });
    expect(completed!.text.startsWith(wire === 'anthropic' ? partial.text.trimEnd() : 'call finish')).toBe(true);
    // b was preempted too, by a, and resumed after a finished.
    expect(of(k.events, 'sched.preempted', 'b')[0]).toMatchObject({ by: 'a', partial: { part: 0 } });

    // Replay with the server closed: every part answers from the trace.
    await server.close();
    const replay = Kernel.create(s, { runId: 'r1', seed: 1, cpus: { [s.models[0]!.provider]: RecordedCpu.fromTrace(s.models[0]!.provider, k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
    server = await WireServer.start();
  });

  it('a fork after a preemption asks the server only for the parts after it', async () => {
    server.script(path(wire), slow(wire), slow(wire), done(wire, 'a done'), done(wire, 'b done'));
    const s = spec(wire, ['a', 'b']);
    const k = await live(wire, s);
    expect(k.state.stopped?.reason).toBe('completed');
    // After b's preemption both first parts are recorded; the two resumes go live.
    const at = of(k.events, 'sched.preempted', 'b')[0]!.seq;
    const fresh = await WireServer.start();
    try {
      fresh.script(path(wire), done(wire, 'a again'), done(wire, 'b again'));
      const fork = Kernel.fork(k.events, s, { runId: 'f1', seed: 1, parent: { run: 'r1', seq: at }, cpus: createModelCpus(s, { m: { wire, baseUrl: baseUrl(wire, fresh), apiKey: 'sk-test' } }) });
      await fork.runUntil({ maxEvents: 10_000 });
      expect(fork.state.stopped?.reason).toBe('completed');
      expect(fresh.count()).toBe(2);
      expect(of(fork.events, 'infer.completed').map((e) => e.action)).toEqual([{ kind: 'finish', text: 'a again' }, { kind: 'finish', text: 'b again' }]);
      // A fork just before a's resume started replays a's preemption from the record: still only the later parts go live.
      const before = of(k.events, 'sched.preempted', 'a')[0]!.seq;
      const third = await WireServer.start();
      try {
        third.script(path(wire), slow(wire), done(wire, 'a 3'), done(wire, 'b 3'));
        const f2 = Kernel.fork(k.events, s, { runId: 'f2', seed: 1, parent: { run: 'r1', seq: before }, cpus: createModelCpus(s, { m: { wire, baseUrl: baseUrl(wire, third), apiKey: 'sk-test' } }) });
        await f2.runUntil({ maxEvents: 10_000 });
        expect(f2.state.stopped?.reason).toBe('completed');
        expect(third.count()).toBe(3);
      } finally {
        await third.close();
      }
    } finally {
      await fresh.close();
    }
  });

  it('a real agent alone on its model keeps its stream across every slice boundary: never aborted', async () => {
    server.script(path(wire), { ...slow(wire), frames: wire === 'anthropic'
      ? anthropicStream({ text: WORDS, toolUses: [{ id: 't1', name: 'finish', jsonChunks: ['{"text":"alone"}'] }], inputTokens: 30, outputTokens: 24 })
      : openAiStream({ text: WORDS, toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: ['{"text":"alone"}'] }], finishReason: 'tool_calls', usage: { prompt: 30, completion: 24 } }) });
    const s = spec(wire, ['a']);
    const k = await live(wire, s);
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count()).toBe(1);
    expect(of(k.events, 'sched.preempted')).toEqual([]);
    // Sliced every 8 tokens while it streamed (one request), and completed with the whole answer.
    const starts = of(k.events, 'infer.started');
    const total = starts[starts.length - 1]!.total!;
    expect(total).toBeGreaterThan(16);
    expect(starts.map((e) => e.total)).toEqual([...starts.slice(1).map(() => null), total]);
    expect(starts.map((e) => e.done)).toEqual(starts.map((_, i) => i * 8));
    expect(starts.reduce((n, e) => n + e.slice, 0)).toBe(total);
    expect(of(k.events, 'infer.sliced').length).toBe(starts.length - 1);
    const [completed] = of(k.events, 'infer.completed');
    expect(completed).toMatchObject({ tokensOut: 24, action: { kind: 'finish', text: 'alone' }, record: { response: { finishReason: 'tool-calls' } } });
    expect(completed!.text.startsWith(WORDS.join(''))).toBe(true);
  });
});

describe('a stream that fails after some slices', () => {
  it('fails at the slice its partial answer reaches (infer.failed), retries as a new part, and replays the same offline', async () => {
    // The connection drops after 7 of the 14 words; the retry answers briefly.
    server.script(OPENAI, { ...slow('openai'), dropAfter: 8 }, done('openai', 'after the drop'));
    const s = spec('openai', ['a']);
    const k = await live('openai', s);
    expect(k.state.stopped?.reason).toBe('completed');
    expect(server.count()).toBe(2);
    const [failed] = of(k.events, 'infer.failed');
    expect(failed).toMatchObject({ attempt: 0, failure: { kind: 'dropped' } });
    // It failed mid-generation: slices of the partial answer ran before it.
    expect(of(k.events, 'infer.sliced').filter((e) => e.seq < failed!.seq).length).toBeGreaterThan(0);
    const retried = of(k.events, 'infer.started').find((e) => e.seq > failed!.seq)!;
    expect(retried).toMatchObject({ part: 1, resumedBy: 'restart', done: 0 });
    expect(of(k.events, 'infer.completed')[0]!.action).toEqual({ kind: 'finish', text: 'after the drop' });

    await server.close();
    const replay = Kernel.create(s, { runId: 'r1', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
    server = await WireServer.start();
  });
});

/** A model that streams 100 tokens and then waits for ever, until its request is aborted (then `aborted` is true). */
function endlessModel(): { provider: Provider; aborted: boolean } {
  const out = { aborted: false } as { provider: Provider; aborted: boolean };
  out.provider = {
    wire: 'openai', endpoint: 'test:endless', capabilities: { seed: false, assistantPrefix: false },
    listModels: async () => [],
    chat: (_req, opts) => new Promise<ChatResponse>((resolve) => {
      for (let i = 0; i < 100; i++) opts?.onDelta?.({ kind: 'text', text: 'word ' });
      opts?.signal?.addEventListener('abort', () => {
        out.aborted = true;
        resolve({ wire: 'openai', endpoint: 'test:endless', requested: { model: 'm', temperature: null, seed: null, maxTokens: null }, model: null, responseId: null, requestId: null, systemFingerprint: null, prefix: '', text: 'word '.repeat(100), toolCalls: [], finishReason: 'aborted', rawFinishReason: null, usage: null, timing: { startedAt: 0, headersMs: null, firstTokenMs: null, totalMs: 0 }, events: 0 });
      });
    }),
  };
  return out;
}

describe('a run that stops while a real model streams', () => {
  it('aborts the stream: nothing will read it', async () => {
    const s = spec('openai', ['a']);
    const limited = { ...s, limits: { ...s.limits, maxTimeMs: 20 } };
    await loadEncodingsFor(limited);
    const endless = endlessModel();
    const k = Kernel.create(limited, { runId: 'r1', seed: 1, cpus: createModelCpus(limited, { m: endless.provider }) });
    await k.runUntil({ maxEvents: 1000 });
    expect(k.state.stopped?.reason).toBe('max-time');
    expect(of(k.events, 'infer.sliced').length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(endless.aborted).toBe(true);
  });

  it('a kernel its holder abandons mid-run (run deleted, tab taken over) aborts the stream it still holds, recording nothing', async () => {
    const s = spec('openai', ['a']);
    await loadEncodingsFor(s);
    const endless = endlessModel();
    const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: endless.provider }) });
    // Paused between slices of one generation: the agent keeps its slot, so its stream stays open.
    await k.runUntil({ maxEvents: 1000, until: (e) => e.type === 'infer.sliced' });
    expect(k.stopped).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    expect(endless.aborted).toBe(false);
    const head = k.head;
    k.abandon();
    await new Promise((r) => setTimeout(r, 0));
    expect(endless.aborted).toBe(true);
    expect(k.head).toBe(head);
  });
});
