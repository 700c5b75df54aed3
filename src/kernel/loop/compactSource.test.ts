import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import type { Cpu, InferRecord, SummaryAnswer, SummaryRequest } from '../cpu/cpu';
import { CpuFault } from '../cpu/fault';
import { RecordedCpu } from '../cpu/recorded';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { traceHash } from '../trace/hash';

const FACT = 'Budget: $4,000 (signed off by finance).';
const record: InferRecord = { provider: 'openai-compatible', reported: { tokensIn: 80, tokensOut: 9 }, estimate: { tokensIn: 80, tokensOut: 9 }, response: { model: 'scribe-1' } };
const CITIES = ['Lisbon', 'Porto', 'Madrid', 'Seville', 'Valencia', 'Bilbao'];

const doc = (summarizer = 'scribe') => harness({
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 }, { id: 'scribe', name: 'Scribe', provider: 'openai-compatible', model: 'scribe-1' }],
  agents: [
    { id: 'lead', name: 'Lead', model: 'm', behaviour: [{ op: 'send', to: 'writer', text: 'Plan the offsite.', facts: [FACT] }, ...CITIES.map((c) => ({ op: 'send' as const, to: 'writer', text: `Consider ${c} as the venue: flights, hotels near the centre, a room for forty people, and the weather in spring.` })), { op: 'finish', text: 'ok' }] },
    { id: 'writer', name: 'Writer', model: 'm', memory: { window: 256, warnAt: 0.6, compactAt: 0.8, summarizer }, behaviour: [...CITIES.map(() => ({ op: 'recv' as const, from: 'lead' })), { op: 'recv', from: 'lead' }, { op: 'finish', text: 'planned' }] },
  ],
  channels: [{ id: 'c', from: 'lead', to: 'writer' }],
});

function scribe(answer: (req: SummaryRequest) => SummaryAnswer): Cpu & { asked: SummaryRequest[] } {
  const asked: SummaryRequest[] = [];
  return {
    provider: 'openai-compatible', asked,
    infer: () => {
      throw new Error('the scribe runs no agent');
    },
    summarize: async (req) => {
      asked.push(req);
      return answer(req);
    },
  };
}

const compactions = (events: readonly KernelEvent[]): EventOf<'mem.compacted'>[] => events.filter((e): e is EventOf<'mem.compacted'> => e.type === 'mem.compacted');

describe('compaction summarised by a model', () => {
  it('sends the segments going out (never a fact), uses the answer as the summary, and replays from the record with no call', async () => {
    const cpu = scribe(() => ({ text: 'Six venues were weighed.', record }));
    const k = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    const c = compactions(k.events);
    expect(c.length).toBeGreaterThan(0);
    expect(cpu.asked).toHaveLength(c.length);
    for (const req of cpu.asked) expect(req.segments.every((s) => s.kind !== 'fact' && !s.text.includes('finance'))).toBe(true);
    expect(cpu.asked[0]!.segments.map((s) => s.id)).toEqual(c[0]!.summarized.map((s) => s.id));
    expect(c[0]).toMatchObject({ summary: { text: `Summary of ${c[0]!.summarized.length} earlier segments: Six venues were weighed.` }, by: { model: 'scribe', answer: 'Six venues were weighed.' }, charge: { tokensIn: 80, tokensOut: 9 } });
    for (const e of c) expect(k.stateAt(e.seq).procs['writer']!.context.filter((x) => x.fact).map((x) => x.text)).toEqual([FACT]);
    const replayCpu = RecordedCpu.fromTrace('openai-compatible', k.events);
    const replay = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': replayCpu } });
    await replay.runUntil();
    expect(replayCpu.liveCalls).toBe(0);
    expect(traceHash(replay.events)).toBe(traceHash(k.events));
  });

  it('keeps the gist, with the reason, when the model\'s summary is not shorter or its call fails', async () => {
    const long = scribe((req) => ({ text: req.segments.map((s) => s.text).join(' ') + ' and more', record }));
    const a = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': long } });
    await a.runUntil();
    const first = compactions(a.events)[0]!;
    expect(first.by!.fallback).toMatch(/^model scribe's summary \(\d+ tokens\) is not shorter than what it replaces \(\d+\): the gist was kept$/);
    expect(first.summary.text).not.toContain('and more');
    const down = scribe(() => {
      throw new CpuFault('scribe', { kind: 'network', message: 'unreachable', fix: 'check the URL', retryable: true, retryAfterMs: null, status: null, partial: null });
    });
    const b = Kernel.create(doc(), { runId: 'r', seed: 1, cpus: { 'openai-compatible': down } });
    await b.runUntil();
    expect(compactions(b.events)[0]!.by).toMatchObject({ fallback: 'model scribe: unreachable: the gist was kept', failure: { kind: 'network' } });
  });

  it('with a sim summarizer, nothing is asked and the trace is the gist compaction\'s', async () => {
    const cpu = scribe(() => ({ text: 'x', record }));
    const k = Kernel.create(doc('m'), { runId: 'r', seed: 1, cpus: { 'openai-compatible': cpu } });
    await k.runUntil();
    const plain = doc('m');
    delete (plain.agents[1]!.memory as { summarizer?: string }).summarizer;
    const g = Kernel.create(plain, { runId: 'r', seed: 1 });
    await g.runUntil();
    expect(cpu.asked).toHaveLength(0);
    expect(compactions(k.events).length).toBeGreaterThan(0);
    expect(compactions(k.events).map((e) => e.summary.text)).toEqual(compactions(g.events).map((e) => e.summary.text));
  });
});
