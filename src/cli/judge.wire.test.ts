/**
 * A judge goal end to end over the wire: `harness run` with the judge's model on the local wire
 * server (a TEST STAND-IN answering PASS/FAIL by rule, NOT A MODEL), its verdict recorded in the
 * trace, and `harness run --replay` of that trace giving the same verdict with zero requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJsonl, type KernelEvent } from '../kernel';
import { runCli, type CliIo } from './commands';
import { openAiErrorBody, openAiStream } from '../providers/testing/openaiWire';
import { EVENT_STREAM_HEADERS, WireServer, type RecordedRequest, type ScriptedResponse } from '../providers/testing/wireServer';

const PATH = '/v1/chat/completions';

/** A writer (sim) drafts the report twice; the critic model (over the wire) judges each draft; the goal stops the run once met. */
const doc = (stop: boolean) => JSON.stringify({
  version: 1,
  name: 'judged report',
  models: [
    { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
    { id: 'critic', name: 'Critic', provider: 'openai-compatible', model: 'critic-stand-in' },
  ],
  agents: [{
    id: 'writer', name: 'Writer', model: 'm',
    behaviour: [{ op: 'write', artifact: 'report', text: 'draft' }, { op: 'think', text: 'polish' }, { op: 'write', artifact: 'report', text: 'Dear reader, thank you.' }, { op: 'finish', text: 'sent' }],
  }],
  goals: [{ id: 'polite', name: 'the report is polite', when: { kind: 'judge', artifact: 'report', rubric: 'Does the report thank the reader?', model: 'critic' }, ...(stop ? { stop: true } : {}) }],
});

/** The stand-in's rule: PASS when the judged text contains "thank", else FAIL. */
function critic(req: RecordedRequest): ScriptedResponse {
  const body = req.body as { messages: { role: string; content: string }[] };
  const text = body.messages.at(-1)!.content;
  const verdict = /<<<[\s\S]*thank[\s\S]*>>>/.test(text) ? 'PASS it thanks the reader.' : 'FAIL it does not thank the reader.';
  return { headers: EVENT_STREAM_HEADERS, frames: openAiStream({ text: [verdict], usage: { prompt: 60, completion: 7 } }) };
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

const judged = (events: readonly KernelEvent[]) => events.filter((e) => e.type === 'goal.judged');

describe('a judge goal on a wire CPU (a TEST STAND-IN, not a model)', () => {
  it('asks once per draft, records the verdicts, and a --replay of the trace gives the same verdicts with zero requests', async () => {
    server.always(PATH, critic);
    const files = new Map([['doc.json', doc(false)]]);
    const before = server.count(PATH);
    const live = await runCli(['run', 'doc.json', '--base-url', `critic=${server.url}/v1`, '--trace', 'run.jsonl', '--json'], memoryIo(files));
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(server.count(PATH) - before).toBe(2);
    const sent = server.requests.at(-1)!.body as { model: string; temperature: number; tools?: unknown; messages: { role: string; content: string }[] };
    expect(sent).toMatchObject({ model: 'critic-stand-in', temperature: 0 });
    expect(sent.tools).toBeUndefined();
    expect(sent.messages.at(-1)!.content).toContain('Rubric: Does the report thank the reader?');

    const events = traceOf(files.get('run.jsonl')!);
    expect(judged(events).map((e) => e.type === 'goal.judged' && [e.verdict, e.reason])).toEqual([
      ['fail', 'it does not thank the reader.'],
      ['pass', 'it thanks the reader.'],
    ]);
    expect(judged(events)[1]).toMatchObject({ record: { provider: 'openai-compatible', reported: { tokensIn: 60, tokensOut: 7 } } });

    const replayed = server.count(PATH);
    const replay = await runCli(['run', 'doc.json', '--replay', 'run.jsonl', '--json'], memoryIo(files));
    expect(replay.stderr).toBe('');
    expect(server.count(PATH)).toBe(replayed);
    expect(JSON.parse(replay.stdout).traceHash).toBe(JSON.parse(live.stdout).traceHash);
  });

  it('stops the run once the judge says the goal is met (stop: true)', async () => {
    server.always(PATH, critic);
    const files = new Map([['doc.json', doc(true)]]);
    const r = await runCli(['run', 'doc.json', '--base-url', `critic=${server.url}/v1`, '--trace', 'run.jsonl', '--json'], memoryIo(files));
    expect(JSON.parse(r.stdout)).toMatchObject({ stopReason: 'goal-reached', goals: { polite: true } });
    expect(r.code).toBe(0);
    const events = traceOf(files.get('run.jsonl')!);
    expect(events.some((e) => e.type === 'agent.finished')).toBe(false);
  });

  it('an endpoint that fails gives the error at the goal, with the endpoint\'s message', async () => {
    server.always(PATH, { status: 401, headers: { 'content-type': 'application/json' }, body: openAiErrorBody('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key') });
    const files = new Map([['doc.json', doc(false)]]);
    const r = await runCli(['run', 'doc.json', '--base-url', `critic=${server.url}/v1`, '--trace', 'run.jsonl', '--json'], memoryIo(files));
    expect(JSON.parse(r.stdout)).toMatchObject({ stopReason: 'goals-unmet', goals: { polite: false } });
    const [first] = judged(traceOf(files.get('run.jsonl')!));
    expect(first).toMatchObject({ verdict: 'error', failure: { kind: 'auth', status: 401 } });
    expect(first?.type === 'goal.judged' ? first.reason : null).toMatch(/^model critic: .*Incorrect API key provided/);
  });
});
