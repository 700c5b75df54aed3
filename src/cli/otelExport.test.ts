/**
 * The OTLP export (kernel/otel) decoded with the official OpenTelemetry protobuf classes: span
 * tree shape, GenAI attribute names (from @opentelemetry/semantic-conventions), decision events
 * with their numbers, virtual time on the wall clock, determinism and streaming.
 */
import { describe, expect, it } from 'vitest';
import {
  ATTR_GEN_AI_AGENT_ID, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_FINISH_REASONS, ATTR_GEN_AI_RESPONSE_ID, ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID, ATTR_GEN_AI_TOOL_NAME, ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, ATTR_GEN_AI_WORKFLOW_NAME,
  GEN_AI_OPERATION_NAME_VALUE_CHAT, GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL, GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT, GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
} from '@opentelemetry/semantic-conventions/incubating';
import { OtelSpanStream, otelModels, otlpBatches, traceToOtlp, type KernelEvent } from '../kernel';
import { decodeOtlpJson, protoRoundTrip, runExample, withoutDefaults, type DecodedSpan } from './otel.testing';

const START = 1_767_000_000_000; // ms: where virtual time 0 is put on the wall clock
const START_NS = BigInt(START) * 1_000_000n;

async function exported(name: string, seed = 1, runId?: string) {
  const { spec, events } = await runExample(name, seed, runId);
  const text = JSON.stringify(traceToOtlp(events, { startUnixMs: START, models: otelModels(spec) }));
  return { spec, events, text, ...decodeOtlpJson(text) };
}

const op = (s: DecodedSpan) => s.attributes[ATTR_GEN_AI_OPERATION_NAME];
const of = (spans: DecodedSpan[], operation: string) => spans.filter((s) => op(s) === operation);
const count = (events: KernelEvent[], type: KernelEvent['type']) => events.filter((e) => e.type === type).length;

describe('OTLP export of a run', () => {
  it('is an ExportTraceServiceRequest: every field it writes is in the proto schema, of the right type', async () => {
    const { text, scopes, resource } = await exported('research-team.json');
    expect(protoRoundTrip(text)).toEqual(withoutDefaults(JSON.parse(text)));
    expect(scopes).toEqual([{ name: 'harness-studio', version: '1' }]);
    expect(resource).toMatchObject({ 'service.name': 'harness-studio', 'harness.time.virtual': true });
  });

  it('has the GenAI span tree: invoke_workflow > invoke_agent per turn > chat per inference and execute_tool per call', async () => {
    const { spans, events, spec } = await exported('research-team.json');
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(op(root)).toBe(GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW);
    expect(root.name).toBe(`invoke_workflow ${spec.name}`);
    expect(root.attributes[ATTR_GEN_AI_WORKFLOW_NAME]).toBe(spec.name);
    expect(root.status.code).toBe(1); // completed: OK

    const turns = of(spans, GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
    const chats = of(spans, GEN_AI_OPERATION_NAME_VALUE_CHAT);
    const tools = of(spans, GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL);
    expect(turns.length + chats.length + tools.length + 1).toBe(spans.length);
    expect(chats).toHaveLength(count(events, 'infer.completed'));
    expect(tools).toHaveLength(count(events, 'tool.called'));
    // One turn span per agent turn: every inference's turn has its own span.
    expect(turns).toHaveLength(new Set(events.flatMap((e) => (e.type === 'infer.completed' ? [`${e.agent}#${e.turn}`] : []))).size);
    for (const t of turns) {
      expect(t.parentSpanId).toBe(root.spanId);
      expect(t.name).toBe(`invoke_agent ${String(t.attributes[ATTR_GEN_AI_AGENT_ID])}`);
    }
    for (const s of [...chats, ...tools]) {
      const parent = byId.get(s.parentSpanId)!;
      expect(op(parent)).toBe(GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT);
      expect(parent.attributes[ATTR_GEN_AI_AGENT_ID]).toBe(s.attributes[ATTR_GEN_AI_AGENT_ID]);
    }
    // A child lies within its parent; every span within the run.
    for (const s of spans) {
      expect(s.end >= s.start).toBe(true);
      if (s.parentSpanId === '') continue;
      const parent = byId.get(s.parentSpanId)!;
      expect(s.start >= parent.start && s.end <= parent.end).toBe(true);
    }
    for (const s of spans) expect(s.traceId).toBe(root.traceId);
  });

  it('says model, provider, token usage and finish reason on each chat span, and the tool on each execute_tool span', async () => {
    const { spans, events } = await exported('research-team.json');
    const chats = of(spans, GEN_AI_OPERATION_NAME_VALUE_CHAT);
    const completed = events.filter((e): e is Extract<KernelEvent, { type: 'infer.completed' }> => e.type === 'infer.completed');
    for (const c of chats) {
      expect(c.name).toBe('chat sim-1');
      expect(c.kind).toBe(3); // CLIENT: a call to the model
      expect(c.attributes[ATTR_GEN_AI_REQUEST_MODEL]).toBe('sim-1');
      expect(c.attributes[ATTR_GEN_AI_PROVIDER_NAME]).toBe('sim');
      expect(c.attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS]).toEqual([c.attributes['harness.action.kind'] === 'call' ? 'tool_calls' : 'stop']);
    }
    const sum = (key: string) => chats.reduce((n, c) => n + Number(c.attributes[key]), 0);
    expect(sum(ATTR_GEN_AI_USAGE_INPUT_TOKENS)).toBe(completed.reduce((n, e) => n + e.tokensIn, 0));
    expect(sum(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS)).toBe(completed.reduce((n, e) => n + e.tokensOut, 0));
    const search = of(spans, GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL).find((t) => t.attributes[ATTR_GEN_AI_TOOL_NAME] === 'web_search')!;
    expect(search.name).toBe('execute_tool web_search');
    expect(search.attributes[ATTR_GEN_AI_TOOL_CALL_ID]).toMatch(/^c\d+$/);
    expect(search.attributes['gen_ai.tool.call.arguments']).toBe(JSON.stringify({ query: 'context window paging eviction' }));
    expect(search.status.code).toBe(1);
    // The permission decision is an event of the tool span, naming its authority.
    const allowed = search.events.find((e) => e.name === 'tool.allowed')!;
    expect(allowed.attributes).toMatchObject({ 'harness.decision.effect': 'allow', 'harness.decision.rule': 'mode:auto', 'harness.decision.module': 'mode' });
  });

  it('records scheduling, permission, memory and IPC decisions as span events with their numbers', async () => {
    const research = await exported('research-team.json');
    const events = (spans: DecodedSpan[]) => spans.flatMap((s) => s.events);
    const picked = events(research.spans).find((e) => e.name === 'sched.picked')!;
    expect(picked.attributes).toMatchObject({ 'harness.class': 'fifo', 'harness.model': 'sim-small' });
    expect(typeof picked.attributes['harness.waitedMs']).toBe('number');
    expect(typeof picked.attributes['harness.queue']).toBe('number');
    const sent = events(research.spans).find((e) => e.name === 'msg.sent')!;
    expect(sent.attributes).toMatchObject({ 'harness.from': 'planner', 'harness.channel': expect.any(String) });
    expect(typeof sent.attributes['harness.tokens']).toBe('number');

    const paging = await exported('paging.json');
    const evicted = events(paging.spans).find((e) => e.name === 'mem.evicted')!;
    expect(evicted).toBeDefined();
    expect(evicted.attributes['harness.freed']).toBeGreaterThan(0);
    expect(typeof evicted.attributes['harness.policy']).toBe('string');

    const injection = await exported('injection.json');
    const denied = of(injection.spans, GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL).find((t) => t.status.code === 2)!;
    expect(denied).toBeDefined();
    const decision = denied.events.find((e) => e.name === 'tool.denied')!;
    expect(decision.attributes['harness.decision.effect']).toBe('deny');
    expect(denied.status.message).toBe(decision.attributes['harness.decision.reason']);
    // Every event of the trace is kept once, as a span or a span event (none are dropped in these runs).
    for (const r of [research, paging, injection]) {
      const noted = r.spans.reduce((n, s) => n + s.events.length + s.droppedEventsCount, 0);
      const opened = r.spans.length; // each span opened at one event (run.started, a pick, an inference, a call)
      expect(noted).toBeGreaterThan(r.events.length - opened - count(r.events, 'infer.completed') - count(r.events, 'tool.returned') - 2 * count(r.events, 'infer.started'));
      expect(noted).toBeLessThan(r.events.length);
    }
  });

  it('places virtual time on the wall clock from the run start, and says it is virtual', async () => {
    const { spans, events } = await exported('research-team.json');
    const root = spans.find((s) => s.parentSpanId === '')!;
    const stop = events[events.length - 1]!;
    expect(root.start).toBe(START_NS);
    expect(root.end).toBe(START_NS + BigInt(stop.t) * 1_000_000n);
    for (const s of spans) {
      expect(s.attributes['harness.time.virtual']).toBe(true);
      expect(s.start).toBe(START_NS + BigInt(Math.round(Number(s.attributes['harness.t.start']) * 1e6)));
      for (const e of s.events) expect(e.time).toBe(START_NS + BigInt(Math.round(Number(e.attributes['harness.t']) * 1e6)));
    }
  });

  it('exports the same ids for the same run, and other ids for another seed or run', async () => {
    const a = await exported('research-team.json', 2, 'run-a');
    const b = await exported('research-team.json', 2, 'run-a');
    expect(b.text).toBe(a.text);
    const ids = a.spans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(a.spans[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    for (const id of ids) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    const seed3 = await exported('research-team.json', 3, 'run-a');
    const otherRun = await exported('research-team.json', 2, 'run-b');
    expect(seed3.spans[0]!.traceId).not.toBe(a.spans[0]!.traceId);
    expect(otherRun.spans[0]!.traceId).not.toBe(a.spans[0]!.traceId);
    expect(otherRun.spans.map((s) => s.spanId).filter((id) => ids.includes(id))).toEqual([]);
  });

  it('streams: spans come out as they close, in batches, the same spans as the whole export', async () => {
    const { spec, events } = await runExample('contention.json', 1);
    const options = { startUnixMs: START, models: otelModels(spec) };
    const stream = new OtelSpanStream(options);
    let beforeStop = 0;
    for (const e of events) {
      const closed = stream.push(e);
      if (e.type !== 'run.stopped') beforeStop += closed.length;
    }
    expect(beforeStop).toBeGreaterThan(0);
    const batches = [...otlpBatches(events, options, 7)];
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.resourceSpans[0]!.scopeSpans[0]!.spans.length).toBeLessThanOrEqual(7);
    const whole = traceToOtlp(events, options).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(batches.flatMap((b) => b.resourceSpans[0]!.scopeSpans[0]!.spans)).toEqual(whole);
  });

  it('closes an unfinished run at its last event, and keeps span events within the limit', async () => {
    const { spec, events } = await runExample('contention.json', 1);
    const cut = events.slice(0, Math.floor(events.length / 2));
    const { spans } = decodeOtlpJson(JSON.stringify(traceToOtlp(cut, { startUnixMs: START, models: otelModels(spec), maxEventsPerSpan: 2 })));
    const root = spans.find((s) => s.parentSpanId === '')!;
    expect(root.attributes['harness.unfinished']).toBe(true);
    expect(root.end).toBe(START_NS + BigInt(Math.round(cut[cut.length - 1]!.t * 1e6)));
    expect(root.status.code).toBe(0);
    for (const s of spans) expect(s.events.length).toBeLessThanOrEqual(2);
    expect(spans.some((s) => s.droppedEventsCount > 0)).toBe(true);
  });

  it('leaves texts out with content: false', async () => {
    const { spec, events } = await runExample('research-team.json', 1);
    const text = JSON.stringify(traceToOtlp(events, { startUnixMs: START, models: otelModels(spec), content: false }));
    expect(text).not.toContain('gen_ai.tool.call.arguments');
    expect(text).not.toContain('gen_ai.output.messages');
    expect(text).not.toContain('"harness.text"');
    // web_search's result and the writer's artifact (a decision's reason still quotes a call's main argument, cut short).
    expect(text).not.toContain('pages facts in and out of archival storage');
    const artifact = events.find((e) => e.type === 'artifact.written') as Extract<KernelEvent, { type: 'artifact.written' }>;
    expect(text).not.toContain(JSON.stringify(artifact.text).slice(1, 60));
  });

  it("takes a real model's provider, response model, response id and finish reason from its recorded response", async () => {
    const { spec, events } = await runExample('research-team.json', 1);
    const withRecord = events.map((e) =>
      e.type === 'infer.completed'
        ? { ...e, record: { provider: 'openai', reported: { tokensIn: e.tokensIn, tokensOut: e.tokensOut }, estimate: { tokensIn: e.tokensIn, tokensOut: e.tokensOut }, response: { requested: { model: 'gpt-4o-mini', temperature: 0.2, seed: 7, maxTokens: null }, model: 'gpt-4o-mini-2024-07-18', responseId: `chatcmpl-${e.seq}`, finishReason: 'stop', rawFinishReason: 'stop' } } }
        : e,
    );
    const { spans } = decodeOtlpJson(JSON.stringify(traceToOtlp(withRecord, { startUnixMs: START, models: { 'sim-small': { provider: 'openai', model: 'gpt-4o-mini' } } })));
    const chat = of(spans, GEN_AI_OPERATION_NAME_VALUE_CHAT)[0]!;
    expect(chat.name).toBe('chat gpt-4o-mini');
    expect(chat.attributes).toMatchObject({
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
      [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.seed': 7,
    });
    expect(chat.attributes[ATTR_GEN_AI_RESPONSE_ID]).toMatch(/^chatcmpl-\d+$/);
    void spec;
  });

  it('refuses a trace that does not begin with run.started', async () => {
    const { events } = await runExample('research-team.json', 1);
    expect(() => traceToOtlp(events.slice(1), { startUnixMs: START })).toThrow(/must begin with run\.started, found job\.published at seq 1/);
  });
});
