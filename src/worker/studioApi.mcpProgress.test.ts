/**
 * An MCP tool's progress reaches the UI while it runs: the batches of the run carry the call's
 * last progress report (ephemeral, never a trace event), and nothing once the call returned.
 * Driven over the worker protocol against the reference server on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioDb } from '../persist';
import type { EventBatch } from './api';
import { startEverythingHttp, type EverythingHttp } from '../providers/testing/everythingServer';
import { connect, freshDb, type Connection } from './testing/testChannel';

let server: EverythingHttp;
let db: StudioDb;
let c: Connection;

beforeAll(async () => {
  server = await startEverythingHttp();
  db = freshDb();
  c = connect(db, { frameMs: 16 });
}, 30_000);
afterAll(async () => {
  await c?.close();
  await db?.close();
  await server?.stop();
});

const slowTool = (url: string) => ({
  version: 1, name: 'Slow MCP tool',
  models: [{ id: 'sim', name: 'Sim' }],
  mcpServers: [{ id: 'everything', name: 'Everything', url, trust: 'trusted' }],
  tools: [{ id: 'mcp__everything__slow', name: 'slow', sideEffect: 'read', impl: { kind: 'mcp', server: 'everything', tool: 'trigger-long-running-operation', latencyMs: 10 } }],
  agents: [{
    id: 'worker', name: 'Worker', model: 'sim', capabilities: [{ target: 'mcp__everything__slow' }],
    behaviour: [{ op: 'call', tool: 'mcp__everything__slow', args: { duration: 0.8, steps: 4 }, as: 'r' }, { op: 'finish', text: '{{var.r}}' }],
  }],
});

describe('MCP progress over the worker protocol', () => {
  it('batches carry the running call\'s progress reports in order, and none once it returned', async () => {
    const started = await c.remote.startRun('p1', slowTool(server.url), 1);
    if (!started.ok) throw new Error(started.issues.map((i) => i.message).join('\n'));
    await c.attach(started.run.id);
    const done = await c.remote.play(started.run.id, []);
    expect(done.status).toBe('stopped');

    const batches: EventBatch[] = c.batches;
    const returnedAt = batches.findIndex((b) => b.events.some((e) => e.type === 'tool.returned'));
    expect(returnedAt).toBeGreaterThan(0);
    const during = batches.slice(0, returnedAt).flatMap((b) => b.liveCalls ?? []);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(during[0]).toMatchObject({ agent: 'worker', server: 'everything', tool: 'trigger-long-running-operation', total: 4 });
    const progress = during.map((p) => p.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // The call returned: the list is emptied by the time the run stopped, and the trace kept the last report.
    const last = [...batches].reverse().find((b) => b.liveCalls !== undefined);
    expect(last?.liveCalls).toEqual([]);
    const returned = batches.flatMap((b) => b.events).find((e) => e.type === 'tool.returned');
    expect(returned).toMatchObject({ ok: true, mcp: { progress: { progress: 4, total: 4 } } });
  }, 30_000);
});
