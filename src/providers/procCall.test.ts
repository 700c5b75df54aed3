/**
 * /proc offered to a real model: a stand-in OpenAI-compatible server's model calls `read_proc`,
 * the kernel records `proc.read`, and the model's next request carries the JSON it read; another
 * agent's /proc without an allow rule comes back as the gate's denial. A replay asks no server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kernel, RecordedCpu, loadEncodingsFor, parseHarness, type HarnessSpec, type KernelEvent } from '../kernel';
import { createModelCpus } from './modelCpu';
import { WireServer } from './testing/wireServer';
import { openAiStream } from './testing/openaiWire';

const OPENAI = '/v1/chat/completions';

function spec(): HarnessSpec {
  const r = parseHarness(JSON.stringify({
    version: 1, name: 'Reads its /proc',
    models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', tokensPerSecond: 50 }, { id: 's', name: 'S' }],
    groups: [{ id: 'team', name: 'Team', tokens: 5000 }],
    agents: [
      { id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Check your budget, then answer.', proc: true, sched: { class: 'fair', group: 'team' } },
      { id: 'other', name: 'Other', model: 's', behaviour: [{ op: 'think', text: 'idle' }, { op: 'finish', text: 'done' }] },
    ],
    limits: { maxSteps: 20 },
  }));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
}

const call = (id: string, name: string, args: string) => ({ frames: openAiStream({ toolCalls: [{ id, name, argumentChunks: [args] }], finishReason: 'tool_calls', usage: { prompt: 40, completion: 9 } }) });

let server: WireServer;
beforeEach(async () => {
  server = await WireServer.start();
});
afterEach(async () => {
  await server.close();
});

async function run(s: HarnessSpec): Promise<Kernel> {
  await loadEncodingsFor(s);
  const k = Kernel.create(s, { runId: 'r1', seed: 1, cpus: createModelCpus(s, { m: { wire: 'openai', baseUrl: `${server.url}/v1` } }) });
  await k.runUntil({ maxEvents: 10_000 });
  return k;
}

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is Extract<KernelEvent, { type: T }> => e.type === type);

describe('a real model reads /proc', () => {
  it('calls read_proc: the kernel records what it saw and the next request carries it; another agent\'s is denied with the reason', async () => {
    server.script(OPENAI, call('c1', 'read_proc', '{}'), call('c2', 'read_proc', '{"agent":"other"}'), call('c3', 'finish', '{"text":"ok"}'));
    const k = await run(spec());
    expect(k.state.stopped?.reason).toBe('completed');
    const offered = (server.requests[0]!.body as { tools: { function: { name: string; parameters: unknown } }[] }).tools.find((t) => t.function.name === 'read_proc');
    expect(offered?.function.parameters).toMatchObject({ properties: { agent: { type: 'string' } } });
    const completed = of(k.events, 'infer.completed').filter((e) => e.agent === 'solo');
    expect(completed[0]!.action).toEqual({ kind: 'call', tool: 'proc', args: {} });
    expect(completed[1]!.action).toEqual({ kind: 'call', tool: 'proc', args: { agent: 'other' } });
    const [read] = of(k.events, 'proc.read');
    expect(read).toMatchObject({ agent: 'solo', of: 'solo', snapshot: { budget: { groups: [{ group: 'team', tokens: 5000, usedTokens: 49 }], tokensLeft: 4951 }, sched: { class: 'fair' } } });
    // The model saw the JSON it read (its tool result) on its next turn, and the denial on the one after.
    expect(JSON.stringify(server.requests[1]!.body)).toContain('\\"tokensLeft\\":4951');
    const denied = of(k.events, 'tool.denied').find((e) => e.tool === 'proc')!;
    expect(denied.decision).toMatchObject({ module: 'proc', code: 'no-allow' });
    expect(JSON.stringify(server.requests[2]!.body)).toContain('needs an allow rule proc(other)');
    expect(of(k.events, 'proc.read')).toHaveLength(1);

    await server.close();
    const replay = Kernel.create(spec(), { runId: 'r1', seed: 1, cpus: { 'openai-compatible': RecordedCpu.fromTrace('openai-compatible', k.events) } });
    await replay.runUntil({ maxEvents: 10_000 });
    expect(replay.traceHash()).toBe(k.traceHash());
    server = await WireServer.start();
  });
});
