/**
 * An experiment's run on a real CPU keeps its trace beside its record, and opens from it as a
 * stopped run replayed from storage: opening and reading it never asks the endpoint again, the
 * key is in no kept or opened byte, and deleting the experiment deletes the traces.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadExperiment, runKey, traceHash } from '../kernel';
import type { StudioDb } from '../persist';
import { openAiStream } from '../providers/testing/openaiWire';
import { WireServer } from '../providers/testing/wireServer';
import { connect, freshDb, type Connection } from './testing/testChannel';

const KEY = 'sk-planted-experiment-trace-4b1e';
const PATH = '/v1/chat/completions';
const open: Array<Connection | StudioDb | WireServer> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

const doc = {
  version: 1, name: 'One real agent',
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 50 }],
  agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.', capabilities: [] }],
  goals: [{ id: 'paris', name: 'says Paris', when: { kind: 'similar', agent: 'solo', reference: 'Paris', threshold: 1 } }],
  limits: { maxSteps: 20 },
};
const finish = (text: string) => ({ frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: [JSON.stringify({ text })] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 5 } }) });

describe('a real-CPU experiment run kept and opened', () => {
  it('keeps the trace when the run finishes and opens it replayed at no request; the experiment\'s delete deletes it', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script(PATH, finish('Lyon'));
    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    const { remote } = c;
    await remote.saveEndpoint({ name: 'Wire', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const endpoint = (await remote.listEndpoints())[0]!;
    const loaded = loadExperiment({ version: 1, name: 'e', base: doc, variants: [{ id: 'base' }], seeds: { count: 1 } }, () => { throw new Error('no files'); });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
    const exp = loaded.experiment;
    const stored = await remote.createExperiment('p1', 'e', {});
    const job = { experiment: exp.hash, variant: 'base', seed: 1, input: null };
    const record = await remote.runExperimentJob(exp.file, job, { endpoint: endpoint.id, model: 'stand-in' }, stored.id);
    expect(server.count(PATH)).toBe(1);
    expect(record.values.pass).toBe(false);

    const run = await remote.openExperimentRun('p1', stored.id, runKey(record));
    expect(run).toMatchObject({ projectId: 'p1', status: 'stopped', seed: 1, stopReason: 'goals-unmet' });
    const events = await remote.loadEvents(run.id, 0, run.head);
    expect(events).toHaveLength(run.head + 1);
    // The model's answer is in the trace, recorded: the run's trace hash is the record's.
    expect(events.find((e) => e.type === 'agent.finished')).toMatchObject({ text: 'Lyon' });
    expect(traceHash(events)).toBe(record.traceHash);
    expect(record.failure?.seq).toBeLessThanOrEqual(run.head);
    expect((await remote.stateAt(run.id, record.failure!.seq))?.seq).toBe(record.failure!.seq);
    expect(await remote.step(run.id, 'event', [])).toEqual([]);
    expect(await remote.play(run.id, [])).toMatchObject({ status: 'stopped', head: run.head });
    expect(server.count(PATH)).toBe(1);
    const kept = await db.experimentRuns.toArray();
    expect(kept.map((r) => r.key).sort()).toEqual([`trace\u0000${runKey(record)}`]);
    expect(JSON.stringify([run, events, await remote.getRun(run.id)])).not.toContain(KEY);
    expect(new TextDecoder().decode(await new Response(new Blob([(kept[0] as { trace: { gz: Uint8Array } }).trace.gz as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())).not.toContain(KEY);

    await remote.deleteExperiment(stored.id);
    expect(await db.experimentRuns.count()).toBe(0);
    await expect(remote.openExperimentRun('p1', stored.id, runKey(record))).rejects.toThrow(/trace was not kept/);
  });
});
