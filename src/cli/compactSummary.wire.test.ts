/**
 * Compaction that summarises, end to end over the wire: `harness run` with an agent whose
 * `memory.summarizer` is a model on the local wire server (a TEST STAND-IN answering a fixed
 * summary, NOT A MODEL). Its summary replaces the oldest segments, fact-tagged segments stay in
 * the window verbatim and are never sent, and `harness run --replay` of the trace gives the same
 * hash with zero requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kernel, fromJsonl, parseHarness, type EventOf, type KernelEvent } from '../kernel';
import { runCli, type CliIo } from './commands';
import { openAiStream } from '../providers/testing/openaiWire';
import { EVENT_STREAM_HEADERS, WireServer, type RecordedRequest, type ScriptedResponse } from '../providers/testing/wireServer';
import { SUMMARY_SYSTEM } from '../providers/compactSummary';

const PATH = '/v1/chat/completions';
const FACT = 'Budget: $4,000 (signed off by finance).';
const SUMMARY = 'The writer planned the trip and weighed venues.';

/** A lead sends the writer a brief with a fact, then six long messages; the writer (sim, a 256-token window) receives them all, so its window compacts. */
const CITIES = ['Lisbon', 'Porto', 'Madrid', 'Seville', 'Valencia', 'Bilbao'];
const doc = (summarizer: string) => JSON.stringify({
  version: 1,
  name: 'compacted by a model',
  models: [
    { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
    { id: 'scribe', name: 'Scribe', provider: 'openai-compatible', model: 'scribe-stand-in' },
  ],
  agents: [
    {
      id: 'lead', name: 'Lead', model: 'm',
      behaviour: [
        { op: 'send', to: 'writer', text: 'Plan the offsite.', facts: [FACT] },
        ...CITIES.map((city) => ({ op: 'send', to: 'writer', text: `Consider ${city} as the venue: flights, hotels near the centre, a room for forty people, and the weather in spring.` })),
        { op: 'finish', text: 'ok' },
      ],
    },
    {
      id: 'writer', name: 'Writer', model: 'm', memory: { window: 256, warnAt: 0.6, compactAt: 0.8, summarizer },
      behaviour: [...CITIES.map(() => ({ op: 'recv', from: 'lead' })), { op: 'recv', from: 'lead' }, { op: 'finish', text: 'planned' }],
    },
  ],
  channels: [{ id: 'c', from: 'lead', to: 'writer' }],
});

function scribe(_req: RecordedRequest): ScriptedResponse {
  return { headers: EVENT_STREAM_HEADERS, frames: openAiStream({ text: [SUMMARY], usage: { prompt: 90, completion: 10 } }) };
}

let server: WireServer;
beforeAll(async () => {
  server = await WireServer.start();
});
afterAll(async () => {
  await server.close();
});

function memoryIo(files: Map<string, string>): CliIo {
  return { readFile: (p) => files.get(p) ?? (() => { throw new Error(`no file ${p}`); })(), writeFile: (p, t) => void files.set(p, t), env: {}, sleep: async () => {} };
}

function traceOf(text: string): KernelEvent[] {
  const r = fromJsonl(text);
  if (!r.ok) throw new Error(`line ${r.line}: ${r.message}`);
  return r.events;
}

const compactions = (events: readonly KernelEvent[]): EventOf<'mem.compacted'>[] => events.filter((e): e is EventOf<'mem.compacted'> => e.type === 'mem.compacted');

describe('compaction summarised by a model on a wire CPU (a TEST STAND-IN, not a model)', () => {
  it('writes the summary by the model, keeps the fact verbatim and unsent, and replays with no request and the same hash', async () => {
    server.always(PATH, scribe);
    const files = new Map([['doc.json', doc('scribe')]]);
    const before = server.count(PATH);
    const live = await runCli(['run', 'doc.json', '--base-url', `scribe=${server.url}/v1`, '--trace', 'run.jsonl', '--json'], memoryIo(files));
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const asked = server.count(PATH) - before;
    expect(asked).toBeGreaterThan(0);
    const sent = server.requests.at(-1)!.body as { model: string; temperature: number; messages: { role: string; content: string }[] };
    expect(sent).toMatchObject({ model: 'scribe-stand-in', temperature: 0 });
    expect(sent.messages[0]).toMatchObject({ role: 'system', content: SUMMARY_SYSTEM });
    for (const r of server.requests.slice(-asked)) expect(JSON.stringify(r.body)).not.toContain('finance');

    const events = traceOf(files.get('run.jsonl')!);
    const c = compactions(events);
    expect(c.length).toBe(asked);
    const first = c[0]!;
    expect(first.by).toMatchObject({ model: 'scribe', answer: SUMMARY, record: { provider: 'openai-compatible', reported: { tokensIn: 90, tokensOut: 10 } } });
    expect(first.by!.fallback).toBeUndefined();
    expect(first.summary.text).toBe(`Summary of ${first.summarized.length} earlier segments: ${SUMMARY}`);
    expect(first.by!.after).toBe(first.summary.tokens);
    expect(first.by!.before).toBe(first.freed + first.summary.tokens);
    expect(first.by!.before).toBeGreaterThan(first.by!.after);
    expect(first.charge).toMatchObject({ tokensIn: 90, tokensOut: 10 });
    expect(first.keptFacts).toBe(1);
    // The fact is never summarised: it is in the window verbatim after every compaction.
    for (const e of c) expect(e.summarized.some((s) => s.kind === 'fact')).toBe(false);
    const parsed = parseHarness(JSON.parse(doc('scribe')));
    if (!parsed.ok) throw new Error('invalid test document');
    const k = Kernel.restore(events, parsed.spec, { runId: 'r', seed: 1 });
    for (const e of c) {
      const window = k.stateAt(e.seq).procs['writer']!.context;
      expect(window.filter((x) => x.fact).map((x) => x.text)).toEqual([FACT]);
      expect(window.find((x) => x.id === e.summary.id)?.text).toBe(e.summary.text);
    }

    const replayed = server.count(PATH);
    const replay = await runCli(['run', 'doc.json', '--replay', 'run.jsonl', '--json'], memoryIo(files));
    expect(replay.stderr).toBe('');
    expect(server.count(PATH)).toBe(replayed);
    expect(JSON.parse(replay.stdout).traceHash).toBe(JSON.parse(live.stdout).traceHash);
  });

  it('with a sim summarizer the summary stays the deterministic gist, and no request is sent', async () => {
    const files = new Map([['doc.json', doc('m')]]);
    const before = server.count(PATH);
    const r = await runCli(['run', 'doc.json', '--base-url', `scribe=${server.url}/v1`, '--trace', 'run.jsonl', '--json'], memoryIo(files));
    expect(r.code).toBe(0);
    expect(server.count(PATH)).toBe(before);
    const c = compactions(traceOf(files.get('run.jsonl')!));
    expect(c.length).toBeGreaterThan(0);
    for (const e of c) {
      expect(e.by).toBeUndefined();
      expect(e.summary.text).toMatch(/^Summary of \d+ earlier segments: /);
    }
  });
});
