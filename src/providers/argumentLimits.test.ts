/**
 * A model over the wire can send a function call whose arguments nest thousands of levels deep
 * or run to megabytes. The document's own tool arguments stop at MAX_NESTING levels; a model's
 * call is held to the same limit (and to MAX_CALL_ARGUMENT_CHARS of JSON): it becomes a typed
 * malformed-call error the model reads on its next turn, as an invalid-JSON call does, and the
 * run goes on. Before the check, the recorder's JSON copy of the answer overflowed the stack.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, MAX_CALL_ARGUMENT_CHARS, MAX_NESTING, loadEncodingsFor, parseHarness, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus } from './modelCpu';
import { assembleToolCall } from './recorder';
import { WireServer, type ScriptedResponse } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';
import { anthropicStream } from './testing/anthropicWire';

const WIRES = {
  openai: { path: '/v1/chat/completions', base: (url: string) => `${url}/v1`, provider: 'openai-compatible' },
  anthropic: { path: '/v1/messages', base: (url: string) => url, provider: 'anthropic' },
} as const;
type Wire = keyof typeof WIRES;

function spec(wire: Wire): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'One real agent',
    models: [{ id: 'm', name: 'M', provider: WIRES[wire].provider, model: 'test-model', tokensPerSecond: 50 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'You look things up and answer.', capabilities: [{ target: 'lookup', access: 'use' }] }],
    tools: [{ id: 'lookup', name: 'lookup', description: 'Look a fact up', args: { type: 'object', properties: { q: {} }, required: ['q'] }, impl: { kind: 'sim', result: 'Paris', latencyMs: 10 } }],
    limits: { maxSteps: 20 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

/** `{"q":{"q":…1…}}`: an arguments object `depth` levels deep (the arguments object itself is level 0). */
const nested = (depth: number): string => `${'{"q":'.repeat(depth)}1${'}'.repeat(depth)}`;

function answer(wire: Wire, id: string, name: string, json: string): ScriptedResponse {
  // Split in 64 kB fragments, as a stream would carry a long call.
  const chunks = json.match(/[\s\S]{1,65536}/g) ?? [''];
  return wire === 'openai'
    ? { frames: openAiStream({ toolCalls: [{ id, name, argumentChunks: chunks }], usage: { prompt: 40, completion: 9 } }) }
    : { frames: anthropicStream({ toolUses: [{ id, name, jsonChunks: chunks }] }) };
}

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

type Completed = Extract<KernelEvent, { type: 'infer.completed' }>;

async function run(wire: Wire, first: string): Promise<{ k: Kernel; completed: Completed[] }> {
  const s = spec(wire);
  const w = WIRES[wire];
  server.script(w.path, answer(wire, 'c1', 'lookup', first), answer(wire, 'c2', 'lookup', '{"q":"capital"}'), answer(wire, 'c3', 'finish', '{"text":"Paris"}'));
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire, baseUrl: w.base(server.url) } }) });
  await k.runUntil({ maxEvents: 10_000 });
  return { k, completed: k.events.filter((e): e is Completed => e.type === 'infer.completed') };
}

describe('arguments a model sends are held to the document limits (both wires)', () => {
  for (const wire of ['openai', 'anthropic'] as const) {
    it(`${wire}: a call nested 10,000 deep is a too-deep call error the model reads; it corrects itself and the run completes`, async () => {
      const { k, completed } = await run(wire, nested(10_000));
      expect(completed[0]).toMatchObject({ action: { kind: 'think' }, callError: { code: 'too-deep', name: 'lookup' } });
      expect(completed[0]!.callError!.message).toContain(`${MAX_NESTING} levels`);
      expect(completed[1]!.action).toMatchObject({ kind: 'call', tool: 'lookup', args: { q: 'capital' } });
      expect(k.state.stopped?.reason).toBe('completed');
      // The model was told, in its next request.
      expect(JSON.stringify(server.requests[1]!.body)).toContain('too-deep');
    });

    it(`${wire}: a call with megabytes of arguments is a too-large call error; the run completes`, async () => {
      const { k, completed } = await run(wire, JSON.stringify({ q: 'x'.repeat(MAX_CALL_ARGUMENT_CHARS + 10) }));
      expect(completed[0]).toMatchObject({ action: { kind: 'think' }, callError: { code: 'too-large', name: 'lookup' } });
      expect(k.state.stopped?.reason).toBe('completed');
      // The trace keeps a bounded excerpt of what the model sent, not the megabytes.
      expect(JSON.stringify(completed[0]).length).toBeLessThan(MAX_CALL_ARGUMENT_CHARS / 2);
    });
  }

  it('anthropic: a tool_use whose input object arrives whole (no JSON fragments) and 10,000 deep is a too-deep call error too', async () => {
    const s = spec('anthropic');
    const deepInput = { frames: anthropicStream({ toolUses: [{ id: 'c1', name: 'lookup', jsonChunks: [] }] }).map((f) => f.replace('"input":{}', `"input":${nested(10_000)}`)) };
    expect(deepInput.frames.some((f) => f.includes('{"q":{"q":'))).toBe(true);
    server.script('/v1/messages', deepInput, answer('anthropic', 'c2', 'finish', '{"text":"Paris"}'));
    await loadEncodingsFor(s);
    const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire: 'anthropic', baseUrl: server.url } }) });
    await k.runUntil({ maxEvents: 10_000 });
    const first = k.events.find((e): e is Completed => e.type === 'infer.completed');
    expect(first).toMatchObject({ action: { kind: 'think' }, callError: { code: 'too-deep', name: 'lookup' } });
    expect(k.state.stopped?.reason).toBe('completed');
  });

  it('the limit is the document limit: exactly MAX_NESTING levels pass, one more does not', () => {
    expect(assembleToolCall('c', 'f', nested(MAX_NESTING))).toMatchObject({ ok: true });
    expect(assembleToolCall('c', 'f', nested(MAX_NESTING + 1))).toMatchObject({ ok: false, code: 'too-deep' });
    expect(assembleToolCall('c', 'f', `[${nested(5)}]`)).toMatchObject({ ok: false, error: expect.stringMatching(/must be a JSON object/) });
    expect(assembleToolCall('c', 'f', '{"q":')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) });
  });
});
