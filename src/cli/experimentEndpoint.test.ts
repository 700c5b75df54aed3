/**
 * `harness experiment --endpoint / --base-url`: experiments on CPUs that answer over the wire.
 * The endpoint is the local wire server; its responders are TEST STAND-INS, NOT MODELS: one
 * follows each agent's scripted plan as function calls (providers/testing/standInTask.ts), one
 * answers a judge's rubric PASS or FAIL by a fixed rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHarness, type ExperimentReport } from '../kernel';
import { harnessStandIn } from '../providers/testing/standInTask';
import { openAiStream } from '../providers/testing/openaiWire';
import { EVENT_STREAM_HEADERS, WireServer, type RecordedRequest, type ScriptedResponse } from '../providers/testing/wireServer';
import { runCli, type CliIo } from './commands';

const PATH = '/v1/chat/completions';

/** A writer who writes the report and finishes; the goal wants "approved" in it, variant `strict` wants "signed" (the stand-in plays the same plan in both). */
const writerDoc = {
  version: 1,
  name: 'report writer',
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 }],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', systemPrompt: 'You write the report.', behaviour: [{ op: 'write', artifact: 'report', text: 'status: approved' }, { op: 'finish', text: 'done' }] }],
  goals: [{ id: 'approved', name: 'the report is approved', when: { kind: 'artifact', name: 'report', contains: 'approved' } }],
};
const writerExperiment = {
  version: 1,
  name: 'writer on a wire CPU',
  base: 'writer.json',
  variants: [
    { id: 'base', patch: [] },
    { id: 'strict', patch: [{ op: 'replace', path: '/goals/0/when/contains', value: 'signed' }] },
  ],
  seeds: { count: 3 },
  metrics: [{ id: 'pass', kind: 'goals' }, { kind: 'steps' }],
};

/** A sim writer thanks the reader or not; the critic model (on the wire) judges the report. */
const judgedDoc = {
  version: 1,
  name: 'judged writer',
  models: [
    { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
    { id: 'critic', name: 'Critic', provider: 'openai-compatible', model: 'critic-stand-in' },
  ],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', behaviour: [{ op: 'write', artifact: 'report', text: 'Thank you for reading.' }, { op: 'finish', text: 'done' }] }],
  goals: [{ id: 'polite', name: 'the report is polite', when: { kind: 'judge', artifact: 'report', rubric: 'Does it thank the reader?', model: 'critic' } }],
};
const judgedExperiment = {
  version: 1,
  name: 'politeness judged by a model',
  base: 'judged.json',
  variants: [
    { id: 'polite', patch: [] },
    { id: 'rude', patch: [{ op: 'replace', path: '/agents/0/behaviour/0/text', value: 'Read it yourself.' }] },
  ],
  seeds: { count: 4 },
  metrics: [{ id: 'polite', kind: 'goal', goal: 'polite' }],
  expect: [{ metric: 'polite', variant: 'polite', atLeast: 0.3 }],
};

function critic(req: RecordedRequest): ScriptedResponse {
  const text = (req.body as { messages: { content: string }[] }).messages.at(-1)!.content;
  return { headers: EVENT_STREAM_HEADERS, frames: openAiStream({ text: [/<<<[\s\S]*thank[\s\S]*>>>/i.test(text) ? 'PASS it thanks the reader' : 'FAIL no thanks'], usage: { prompt: 40, completion: 5 } }) };
}

const files: Record<string, string> = {
  'x/writer.json': JSON.stringify(writerDoc),
  'x/writer.experiment.json': JSON.stringify(writerExperiment),
  'x/judged.json': JSON.stringify(judgedDoc),
  'x/judged.experiment.json': JSON.stringify(judgedExperiment),
};
const io = (env: Record<string, string> = {}): CliIo => ({
  readFile: (p) => files[p] ?? (() => { throw Object.assign(new Error(`no file ${p}`), { code: 'ENOENT' }); })(),
  writeFile: () => {},
  env,
  sleep: async () => {},
});

let server: WireServer;
beforeAll(async () => {
  server = await WireServer.start();
});
afterAll(async () => {
  await server.close();
});

describe('harness experiment on a wire CPU (TEST STAND-INS, not models)', () => {
  it('--endpoint puts every model on the endpoint: each run\'s turns go over the wire, and the report does not depend on how many run at once', async () => {
    const spec = parseHarness(writerDoc);
    if (!spec.ok) throw new Error('bad test document');
    server.always(PATH, harnessStandIn(spec.spec).respond);
    const before = server.count(PATH);
    const args = ['experiment', 'x/writer.experiment.json', '--endpoint', `${server.url}/v1`, '--model', 'stand-in', '--key-env', 'STAND_IN_KEY'];
    const one = await runCli([...args, '--json', '--workers', '1'], io({ STAND_IN_KEY: 'sk-stand-in-0123456789' }));
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    // 2 variants × 3 seeds, each run two turns (write, finish), with the key from --key-env.
    expect(server.count(PATH) - before).toBe(12);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer sk-stand-in-0123456789');
    const report = JSON.parse(one.stdout) as ExperimentReport;
    expect(report.variants.map((v) => v.metrics['pass'])).toEqual([
      expect.objectContaining({ shape: 'rate', n: 3, passed: 3 }),
      expect.objectContaining({ shape: 'rate', n: 3, passed: 0 }),
    ]);
    const three = await runCli([...args, '--json', '--workers', '3'], io({ STAND_IN_KEY: 'sk-stand-in-0123456789' }));
    expect(three.stdout).toBe(one.stdout);
    const text = await runCli(args, io({ STAND_IN_KEY: 'sk-stand-in-0123456789' }));
    expect(text.stdout.split('\n')[0]).toBe(`x/writer.experiment.json: on every model on stand-in at ${server.url}/v1 (openai wire)`);
  });

  it('--base-url gives a judge\'s model its endpoint: the judged goal is a metric like any other', async () => {
    server.always(PATH, critic);
    const before = server.count(PATH);
    const r = await runCli(['experiment', 'x/judged.experiment.json', '--base-url', `critic=${server.url}/v1`, '--json'], io());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // One judgement per run: 2 variants × 4 seeds.
    expect(server.count(PATH) - before).toBe(8);
    const report = JSON.parse(r.stdout) as ExperimentReport;
    expect(report.variants.map((v) => v.metrics['polite'])).toEqual([
      expect.objectContaining({ n: 4, passed: 4 }),
      expect.objectContaining({ n: 4, passed: 0 }),
    ]);
  });

  it('says what is missing or wrong, exit 2', async () => {
    const offline = await runCli(['experiment', 'x/judged.experiment.json'], io());
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/variant "polite": .*model "critic" uses provider "openai-compatible", which cannot run here.*--base-url MODEL_ID=URL/);
    expect((await runCli(['experiment', 'x/writer.experiment.json', '--model', 'm'], io())).stderr).toMatch(/^harness: --model needs --endpoint URL/);
    expect((await runCli(['experiment', 'x/writer.experiment.json', '--endpoint', 'ftp://x', '--model', 'm'], io())).stderr).toMatch(/^harness: --endpoint: expected an http\(s\) URL/);
    const anthropic = await runCli(['experiment', 'x/writer.experiment.json', '--endpoint', `${server.url}`, '--model', 'm', '--wire', 'anthropic'], io());
    expect(anthropic.code).toBe(2);
    expect(anthropic.stderr).toMatch(/has no API key: set ANTHROPIC_API_KEY or HARNESS_KEY_M, or name the variable that holds it with --key-env VAR/);
    const unreachable = await runCli(['experiment', 'x/writer.experiment.json', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm'], io());
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/^harness: experiment on every model on m at http:\/\/127\.0\.0\.1:9\/v1 \(openai wire\): model m: /);
  });
});
