import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import { DEFENCES, type SuiteScore } from '../kernel';
import type { StudioDb } from '../persist';
import { WireServer } from '../providers/testing/wireServer';
import { openAiErrorBody, openAiStream } from '../providers/testing/openaiWire';
import { connect, freshDb, type Connection } from './testing/testChannel';

const BASE = 'http://studio.test/examples/injection-suite/';
const DIR = 'public/examples/injection-suite';

/** The app's static files as the preview server serves them: public/ over http://studio.test/ (other hosts: the network, e.g. a test endpoint). */
const servePublic: typeof fetch = async (input, init) => {
  const url = new URL(String(input instanceof Request ? input.url : input));
  if (url.host !== 'studio.test') return fetch(input, init);
  try {
    return new Response(readFileSync(new URL(`../../public${url.pathname}`, import.meta.url)), { headers: { 'content-type': 'application/json' } });
  } catch {
    return new Response('not found', { status: 404 });
  }
};

const suiteSize = (): number => (JSON.parse(readFileSync(`${DIR}/suite.json`, 'utf8')) as { harnesses: unknown[] }).harnesses.length;

const open: Array<Connection | StudioDb | WireServer> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});
function setup(): Connection {
  const db = freshDb();
  open.push(db);
  const c = connect(db, { fetch: servePublic });
  open.push(c);
  return c;
}

describe('the injection suite scored in the worker', () => {
  it('reports progress to the total and the same scores per defence as `harness inject-suite`', async () => {
    const { remote } = setup();
    const progress: [number, number][] = [];
    const report = await remote.scoreInjectionSuite({ url: BASE }, Comlink.proxy((done: number, total: number) => void progress.push([done, total])));
    const total = suiteSize() * DEFENCES.length;
    await new Promise((r) => setTimeout(r, 10)); // the last progress message crosses the channel
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([total, total]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
    expect(report).toMatchObject({ cancelled: false, seeds: 1, cpu: 'sim' });
    expect(report.entries).toHaveLength(suiteSize());
    expect(report.results).toHaveLength(total);

    const cli = execFileSync('node', ['scripts/run-ts.mjs', 'src/cli/main.ts', 'inject-suite', DIR], { encoding: 'utf8' }).trim().split('\n');
    const cliScores = (JSON.parse(cli.at(-1)!) as { scores: SuiteScore[] }).scores;
    expect(report.scores).toEqual(cliScores);
    expect(report.scores.find((s) => s.defence === 'all')).toMatchObject({ attacks: 0 });
  }, 120_000);

  it('Cancel stops it after the run in progress; other calls are answered meanwhile; it can be scored again', async () => {
    const { remote } = setup();
    let cancelSent = false;
    let answeredMidway = false;
    const scoring = remote.scoreInjectionSuite(
      { url: BASE },
      Comlink.proxy((done: number) => {
        if (done < 3 || cancelSent) return;
        cancelSent = true;
        void remote.listProjects().then(() => {
          answeredMidway = true;
          void remote.cancelInjectionSuite();
        });
      }),
    );
    const report = await scoring;
    expect(answeredMidway).toBe(true);
    expect(report.cancelled).toBe(true);
    expect(report.results.length).toBeGreaterThanOrEqual(3);
    expect(report.results.length).toBeLessThan(suiteSize() * DEFENCES.length);
    // The partial scores count the runs that were done.
    expect(report.scores.reduce((n, s) => n + s.runs, 0)).toBe(report.results.length);
    const again = await remote.scoreInjectionSuite({ url: BASE });
    expect(again.cancelled).toBe(false);
  }, 120_000);

  it('one scoring at a time; a folder without a suite is named in the error', async () => {
    const { remote } = setup();
    const first = remote.scoreInjectionSuite({ url: BASE });
    await expect(remote.scoreInjectionSuite({ url: BASE })).rejects.toThrow(/already being scored/);
    await first;
    await expect(remote.scoreInjectionSuite({ url: 'http://studio.test/examples/' })).rejects.toThrow('http://studio.test/examples/suite.json: the server answered 404');
    await expect(remote.scoreInjectionSuite({ url: BASE, seeds: 0 })).rejects.toThrow(/seeds: expected an integer 1\.\.100/);
  }, 120_000);
});

describe('the injection suite on an endpoint from Settings', () => {
  const KEY = 'sk-suite-planted-5e1d';
  const finish = () => ({ frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: ['{"text":"done"}'] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 5 } }) });

  it('rebinds every model of every harness to the endpoint and model chosen, with its stored key', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/chat/completions', ...Array.from({ length: 5000 }, finish));
    const { remote } = setup();
    const ep = await remote.saveEndpoint({ name: 'Suite wire', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const report = await remote.scoreInjectionSuite({ url: BASE, cpu: { endpoint: ep.id, model: 'tiny-1' } });
    expect(report).toMatchObject({ cancelled: false, cpu: 'tiny-1 at Suite wire' });
    expect(report.results).toHaveLength(suiteSize() * DEFENCES.length);
    const chats = server.requests.filter((r) => r.path === '/v1/chat/completions');
    // Every run asked the endpoint (none ran on the sim), always for the chosen model, with the key.
    expect(chats.length).toBeGreaterThanOrEqual(report.results.length);
    expect(new Set(chats.map((r) => (r.body as { model: string }).model))).toEqual(new Set(['tiny-1']));
    expect(chats.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(JSON.stringify(report)).not.toContain(KEY);
  }, 120_000);

  it('Cancel abandons a long run on the endpoint at its next event instead of playing it to the end', async () => {
    const server = await WireServer.start();
    open.push(server);
    // The first turn is slow and asks for a tool that does not exist, so the run would go on with another turn.
    const slowMiss = { frameDelayMs: 400, frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'no_such_tool', argumentChunks: ['{', '}'] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 5 } }) };
    server.script('/v1/chat/completions', slowMiss, ...Array.from({ length: 50 }, finish));
    const { remote } = setup();
    const ep = await remote.saveEndpoint({ name: 'Suite wire', kind: 'openai', baseUrl: `${server.url}/v1` });
    const scoring = remote.scoreInjectionSuite({ url: BASE, cpu: { endpoint: ep.id, model: 'tiny-1' } });
    while (server.count('/v1/chat/completions') === 0) await new Promise((r) => setTimeout(r, 20));
    await remote.cancelInjectionSuite();
    const report = await scoring;
    expect(report).toMatchObject({ cancelled: true, results: [] });
    expect(server.count('/v1/chat/completions')).toBe(1);
  }, 60_000);

  it('a refused key stops the scoring with the endpoint named and the key left out; no model name or a deleted endpoint is refused first', async () => {
    const server = await WireServer.start();
    open.push(server);
    server.script('/v1/chat/completions', ...Array.from({ length: 20 }, () => ({ status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') })));
    const { remote } = setup();
    const ep = await remote.saveEndpoint({ name: 'Suite wire', kind: 'openai', baseUrl: `${server.url}/v1`, apiKey: KEY });
    const refused = remote.scoreInjectionSuite({ url: BASE, cpu: { endpoint: ep.id, model: 'tiny-1' } });
    await expect(refused).rejects.toThrow(server.url);
    await refused.catch((err: unknown) => {
      expect(String(err)).toMatch(/key/i);
      expect(String(err)).not.toMatch(/could not reach/i);
      expect(String(err)).not.toContain(KEY);
    });
    await expect(remote.scoreInjectionSuite({ url: BASE, cpu: { endpoint: ep.id, model: ' ' } })).rejects.toThrow(/Name the model Suite wire serves/);
    await remote.deleteEndpoint(ep.id);
    await expect(remote.scoreInjectionSuite({ url: BASE, cpu: { endpoint: ep.id, model: 'tiny-1' } })).rejects.toThrow(/no longer in Settings/);
  }, 120_000);
});
