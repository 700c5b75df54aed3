/**
 * A real model's tokens reach the UI while it streams: batches carry the generations in flight
 * (ephemeral, not trace events), at most one batch per frame, and the live text is gone once the
 * turn completes. Driven over the worker protocol against the wire server, with spaced frames.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDb } from '../persist';
import type { EventBatch, LiveGeneration } from './api';
import { WireServer } from '../providers/testing/wireServer';
import { openAiStream } from '../providers/testing/openaiWire';
import { connect, freshDb, type Connection } from './testing/testChannel';
import { LiveGenerations } from './LiveGenerations';

const open: Array<Connection | StudioDb | WireServer> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const oneAgent = () => ({
  version: 1, name: 'One real agent',
  models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model', tokensPerSecond: 50 }],
  agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.', capabilities: [] }],
  limits: { maxSteps: 20 },
});
const WORDS = Array.from({ length: 12 }, (_, i) => `word${i} `);
const streamed = (frameDelayMs: number) => ({
  frameDelayMs,
  frames: openAiStream({ text: WORDS, toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: [JSON.stringify({ text: 'done' })] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 40 } }),
});

async function setup(frameMs = 16): Promise<{ c: Connection; server: WireServer }> {
  const server = await WireServer.start();
  const db = freshDb();
  const c = connect(db, { frameMs });
  open.push(server, db, c);
  await c.remote.saveEndpoint({ name: 'Local wire', kind: 'openai', baseUrl: `${server.url}/v1` });
  await c.remote.setSetting('modelEndpoints/p1', { m: 'Local wire' });
  return { c, server };
}

describe('live generations over the worker protocol', () => {
  it('batches carry the text and a growing token count while the model streams, the pick before it, and nothing live once the turn completes', async () => {
    const { c, server } = await setup();
    server.script('/v1/chat/completions', streamed(25));
    const started = await c.remote.startRun('p1', oneAgent(), 1);
    if (!started.ok) throw new Error(started.issues.map((i) => i.message).join('\n'));
    await c.attach(started.run.id);
    const done = await c.remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');

    const batches: EventBatch[] = c.batches;
    const completedAt = batches.findIndex((b) => b.events.some((e) => e.type === 'infer.completed'));
    expect(completedAt).toBeGreaterThan(0);
    const during = batches.slice(0, completedAt).flatMap((b) => b.live ?? []).filter((g) => g.agent === 'solo');
    // Several frames showed the stream, each with more tokens than the one before.
    expect(during.length).toBeGreaterThanOrEqual(3);
    const tokens = during.map((g) => g.tokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(tokens[tokens.length - 1]!).toBeGreaterThan(tokens[0]!);
    expect(during[0]).toMatchObject({ agent: 'solo', turn: 0, model: 'm' });
    expect(during[during.length - 1]!.text).toContain('word11');
    // The slot was taken (and shown) before the answer arrived.
    const pickedAt = batches.findIndex((b) => b.events.some((e) => e.type === 'sched.picked' && e.agent === 'solo'));
    expect(pickedAt).toBeGreaterThanOrEqual(0);
    expect(pickedAt).toBeLessThan(batches.findIndex((b) => (b.live ?? []).length > 0));
    // Once completed, nothing streams; the trace holds the answer and no delta event.
    const after = batches.slice(completedAt).filter((b) => b.live !== undefined);
    expect(after.at(-1)?.live).toEqual([]);
    const events = await c.remote.loadEvents(started.run.id, 0, done.head);
    expect(events.find((e) => e.type === 'infer.completed')).toMatchObject({ tokensOut: 40, record: { reported: { tokensOut: 40 } } });
    expect(new Set(events.map((e) => e.type)).size).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain('"live"');
  });

  it('a fast stream reaches the UI at most once per frame, not once per delta', async () => {
    const { c, server } = await setup(200);
    server.script('/v1/chat/completions', streamed(10));
    const started = await c.remote.startRun('p1', oneAgent(), 1);
    if (!started.ok) throw new Error('start failed');
    await c.attach(started.run.id);
    const t0 = performance.now();
    await c.remote.play(started.run.id, []);
    const ms = performance.now() - t0;
    // 12 text deltas and more arrive in ~150 ms; with 200 ms frames only a couple of batches can go.
    expect(c.batches.length).toBeLessThanOrEqual(Math.ceil(ms / 200) + 2);
  });
});

describe('LiveGenerations', () => {
  const delta = (agent: string, turn: number, text: string, tokens: number) => ({ agent, turn, model: 'm', text, tokens });

  it('keeps the tail of each turn in flight and drops it on completion, failure, preemption or stop', () => {
    let changes = 0;
    const g = new LiveGenerations(() => changes++);
    g.add(delta('a', 0, 'x'.repeat(500), 100));
    g.add(delta('a', 0, 'END', 101));
    g.add(delta('b', 2, 'hi', 1));
    const list = g.take()!;
    const a = list.find((x) => x.agent === 'a') as LiveGeneration;
    expect(a.text.endsWith('END')).toBe(true);
    expect(a.text.length).toBe(400);
    expect(a).toMatchObject({ chars: 503, tokens: 101 });
    expect(g.take()).toBeUndefined();

    g.observe({ seq: 9, t: 0, type: 'infer.completed', agent: 'a', turn: 0 } as never);
    expect(g.take()!.map((x) => x.agent)).toEqual(['b']);
    // A straggler for the completed turn does not bring it back.
    g.add(delta('a', 0, 'late', 102));
    expect(g.take()).toBeUndefined();
    g.observe({ seq: 10, t: 0, type: 'sched.preempted', agent: 'b' } as never);
    expect(g.take()).toEqual([]);
    // A failed attempt's text goes; its retry streams anew.
    g.add(delta('b', 3, 'half an ans', 3));
    g.observe({ seq: 11, t: 0, type: 'infer.failed', agent: 'b', turn: 3 } as never);
    expect(g.take()).toEqual([]);
    g.add(delta('b', 3, 'again', 1));
    expect(g.take()).toEqual([expect.objectContaining({ agent: 'b', turn: 3, text: 'again', tokens: 1 })]);
    g.observe({ seq: 12, t: 0, type: 'run.stopped' } as never);
    expect(g.take()).toEqual([]);
    expect(changes).toBeGreaterThan(0);
  });
});
