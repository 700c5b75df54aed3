/**
 * Real-model figures, in Node (bundled by scripts/run-ts.mjs, called from scripts/bench.mjs):
 *
 * - handoff: the wall time the kernel adds between a streamed response's last byte and the next
 *   dispatch of that agent. A one-agent harness on an OpenAI-compatible endpoint (the providers'
 *   wire server on 127.0.0.1, streaming each answer token by token) runs turn after turn; the
 *   provider is wrapped so the moment its stream has been read to the end is known, and the
 *   kernel is stepped event by event, so the moment it emits the agent's next `sched.picked` is
 *   known too. Everything between is the kernel's: recording the answer, the syscall gate, the
 *   tool, the context window, the scheduler. Median and p95 over all turns after a warm-up run.
 * - replay: events per second re-running that recorded real run through `RecordedCpu` (no
 *   network), against events per second of the same harness on the sim CPU (the same calls,
 *   scripted), measured in the same process one after the other.
 * - bytes per token: the bytes the trace spends recording the generations (each
 *   `infer.completed.record`, as JSON) divided by the tokens the model reported generating; and,
 *   for scale, the whole `infer.completed` lines (record, text, action and the event's fields).
 */
import { Kernel, RecordedCpu, asRunId, countTokens, loadEncodingsFor, parseHarness, toJsonl, type HarnessSpec, type KernelEvent } from '../src/kernel';
import { createModelCpus, createOpenAiProvider, type Provider } from '../src/providers';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiStream } from '../src/providers/testing/openaiWire';

export interface RealModelBench {
  turns: number;
  handoffMedianUs: number;
  handoffP95Us: number;
  stopReason: string;
  replayEventsPerSec: number;
  simEventsPerSec: number;
  replayVsSim: number;
  replayEvents: number;
  sameHashOnReplay: boolean;
  /** Bytes of the recordings (`infer.completed.record`) per generated token. */
  recordBytesPerToken: number;
  /** Bytes of the whole infer.completed lines (record, text, action, …) per generated token. */
  lineBytesPerToken: number;
  generatedTokens: number;
  recordBytes: number;
  generationBytes: number;
  /** Bytes per part of an infer.completed line, summed over the run (where the bytes go). */
  bytesBy: Record<string, number>;
}

const WORDS = 'the a museum opens at nine and the line is short on weekdays so book online before you go because tickets sell out quickly in spring when the gardens are full of visitors from everywhere'.split(' ');

/** A deterministic paragraph of about `n` words: what a model says before its call. */
function words(n: number, salt: number): string {
  const out: string[] = [];
  let x = salt * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]!);
  }
  return `${out.join(' ')}.`;
}

function benchSpec(turns: number, provider: 'openai-compatible' | 'sim'): HarnessSpec {
  const behaviour = [
    ...Array.from({ length: turns }, (_, i) => ({ op: 'call', tool: 'lookup', args: { q: `question ${i}: ${words(4, i + 100)}` } })),
    { op: 'finish', text: 'Done.' },
  ];
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Real-model bench',
    models: [{ id: 'm', name: 'M', provider, model: 'bench-model', contextWindow: 32768, tokensPerSecond: 60 }],
    agents: [{
      id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Look facts up one at a time, then answer.', capabilities: [{ target: 'lookup', access: 'use' }],
      ...(provider === 'sim' ? { behaviour } : {}),
    }],
    tools: [{ id: 'lookup', name: 'lookup', description: 'Look a fact up', args: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false }, impl: { kind: 'sim', result: 'On {{args.q}}: the Louvre opens at 9:00.', latencyMs: 20 } }],
    limits: { maxSteps: turns * 4 + 20 },
  }));
  if (!r.ok) throw new Error(`bench document is invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.spec;
}

/** The answer of turn i: a streamed paragraph (one frame per word) and a call, or the final finish. */
function answer(i: number, turns: number): string[] {
  const text = words(40, i);
  const textFrames = text.split(/(?<= )/);
  const [name, args] = i < turns ? ['lookup', JSON.stringify({ q: `question ${i}: ${words(4, i + 100)}` })] : ['finish', JSON.stringify({ text: 'Done.' })];
  const argChunks = args.match(/.{1,6}/g) ?? [args];
  const completion = countTokens(text + args, 'o200k_base');
  return openAiStream({ id: `chatcmpl-bench-${i}`, text: textFrames, toolCalls: [{ id: `call-${i}`, name, argumentChunks: argChunks }], usage: { prompt: 200 + 60 * i, completion } });
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const us = (ms: number): number => Math.round(ms * 1000 * 10) / 10;

interface LiveRun {
  events: KernelEvent[];
  samples: number[];
  stopReason: string;
  hash: string;
}

async function liveRun(server: WireServer, spec: HarnessSpec, turns: number, runId: string): Promise<LiveRun> {
  for (let i = 0; i <= turns; i++) server.script('/v1/chat/completions', { frames: answer(i, turns) });
  const inner = createOpenAiProvider({ wire: 'openai', baseUrl: `${server.url}/v1` });
  let lastByteAt: number | null = null;
  // The stream has been read to its end when chat resolves: that is the last byte, as the client sees it.
  const timed: Provider = { ...inner, chat: async (req, opts) => {
    const r = await inner.chat(req, opts);
    lastByteAt = performance.now();
    return r;
  } };
  const k = Kernel.create(spec, { runId: asRunId(runId), seed: 1, cpus: createModelCpus(spec, { m: timed }) });
  const samples: number[] = [];
  for (;;) {
    const e = await k.step();
    const now = performance.now();
    if (e === null) break;
    if (e.type === 'sched.picked' && e.agent === 'solo' && lastByteAt !== null) {
      samples.push(now - lastByteAt);
      lastByteAt = null;
    }
  }
  return { events: [...k.events], samples, stopReason: k.state.stopped?.reason ?? 'not-stopped', hash: k.traceHash() };
}

/**
 * Events per second of two kernels run alternately, one whole run each in turn, so that a busy
 * machine slows both alike: each side's figure is the median of its runs' rates (a burst of
 * other work spoils a few runs, not the median), and the figure that matters is their ratio.
 */
async function eventsPerSecPair(a: () => Kernel, b: () => Kernel, ms: number): Promise<[{ perSec: number; hash: string }, { perSec: number; hash: string }]> {
  const sides = [{ make: a, rates: [] as number[], last: null as Kernel | null }, { make: b, rates: [] as number[], last: null as Kernel | null }];
  const once = async (side: (typeof sides)[number], keep: boolean): Promise<void> => {
    const t0 = performance.now();
    const k = side.make();
    await k.runUntil({ maxEvents: 1_000_000 });
    const dt = performance.now() - t0;
    if (keep) side.rates.push((k.events.length / dt) * 1000);
    side.last = k;
  };
  const warm = performance.now() + Math.min(300, ms / 3);
  while (performance.now() < warm) for (const side of sides) await once(side, false);
  const end = performance.now() + ms;
  while (performance.now() < end || sides[0]!.rates.length < 5) for (const side of sides) await once(side, true);
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
  // The hash is a check, not part of running: taken once, outside the timed runs.
  const out = sides.map((side) => ({ perSec: Math.round(median(side.rates)), hash: side.last?.traceHash() ?? '' }));
  return [out[0]!, out[1]!];
}

/** Where an infer.completed line's bytes go: the record's response text, its tool calls, the rest of the record, the event's own text, the rest. */
function bytesBy(events: readonly KernelEvent[]): Record<string, number> {
  const size = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
  const out: Record<string, number> = { line: 0, eventText: 0, action: 0, recordResponseText: 0, recordToolCalls: 0, recordRest: 0 };
  for (const e of events) {
    if (e.type !== 'infer.completed' || !e.record) continue;
    const resp = (e.record as { response?: { text?: string; toolCalls?: unknown } }).response ?? {};
    out.line! += size(e) + 1;
    out.eventText! += size(e.text);
    out.action! += size(e.action);
    out.recordResponseText! += resp.text === undefined ? 0 : size(resp.text);
    out.recordToolCalls! += size(resp.toolCalls ?? []);
    out.recordRest! += size(e.record) - (resp.text === undefined ? 0 : size(resp.text) + 8) - size(resp.toolCalls ?? []);
  }
  return out;
}

export async function benchRealModel(turns = 60, replayMs = 1500): Promise<RealModelBench> {
  const live = benchSpec(turns, 'openai-compatible');
  const sim = benchSpec(turns, 'sim');
  await loadEncodingsFor(live);
  const server = await WireServer.start();
  let run: LiveRun;
  try {
    await liveRun(server, live, Math.min(turns, 10), 'warm-up'); // JIT, sockets
    run = await liveRun(server, live, turns, 'bench');
  } finally {
    await server.close();
  }
  const sorted = [...run.samples].sort((a, b) => a - b);

  const [replay, simRate] = await eventsPerSecPair(
    () => Kernel.create(live, { runId: asRunId('bench'), seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', run.events) } }),
    () => Kernel.create(sim, { runId: asRunId('bench-sim'), seed: 1 }),
    replayMs,
  );

  const completed = run.events.filter((e): e is Extract<KernelEvent, { type: 'infer.completed' }> => e.type === 'infer.completed');
  const generatedTokens = completed.reduce((n, e) => n + (e.record?.reported?.tokensOut ?? e.tokensOut), 0);
  const lines = toJsonl(completed);
  const generationBytes = Buffer.byteLength(lines, 'utf8');
  const recordBytes = completed.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e.record ?? null), 'utf8'), 0);
  return {
    turns: run.samples.length,
    handoffMedianUs: us(quantile(sorted, 0.5)),
    handoffP95Us: us(quantile(sorted, 0.95)),
    stopReason: run.stopReason,
    replayEventsPerSec: replay.perSec,
    simEventsPerSec: simRate.perSec,
    replayVsSim: Math.round((replay.perSec / simRate.perSec) * 100) / 100,
    replayEvents: run.events.length,
    sameHashOnReplay: replay.hash === run.hash,
    recordBytesPerToken: Math.round((recordBytes / Math.max(1, generatedTokens)) * 10) / 10,
    lineBytesPerToken: Math.round((generationBytes / Math.max(1, generatedTokens)) * 10) / 10,
    generatedTokens,
    recordBytes,
    generationBytes,
    bytesBy: bytesBy(run.events),
  };
}
