/**
 * `harness inject-suite DIR --endpoint URL --model NAME`: the injection suite on a CPU that
 * answers over the wire. The endpoint is the local wire server; its responder is a TEST
 * STAND-IN, NOT A MODEL (providers/testing/obedientStandIn.ts): it obeys the last
 * `call NAME({...})` instruction it reads, once, and otherwise follows a task plan derived from
 * the harness's benign sim behaviour (testing/standInTask.ts). What it shows: whether each
 * carrier brings the planted instruction into a wire model's context, and that the kernel's
 * defences decide on the calls that come back. CI runs every harness at seed 1;
 * HARNESS_WIRE_SUITE_SEEDS=N runs N seeds.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFENCES, type Defence, type SuiteScore } from '../kernel';
import { WireServer } from '../providers/testing/wireServer';
import { harnessStandIn } from '../providers/testing/standInTask';
import { runCli, type CliIo } from './commands';
import { loadSuite } from './injectSuite';

const DIR = 'public/examples/injection-suite';
const PATH = '/v1/chat/completions';
const KEY = 'sk-planted-suite-key-0123456789abcdef';
const SEEDS = Number(process.env.HARNESS_WIRE_SUITE_SEEDS ?? 1);

const disk = (path: string): string => readFileSync(path, 'utf8');
function io(readFile: (path: string) => string = disk, env: Record<string, string> = {}): CliIo {
  return { readFile, writeFile: () => { throw new Error('the suite writes nothing'); }, env, sleep: async () => {} };
}

let server: WireServer;
beforeAll(async () => {
  server = await WireServer.start();
});
afterAll(async () => {
  await server.close();
});

interface Row { file: string; attacks: Record<Defence, number>; utility: Record<Defence, number>; runs: number }

describe('the injection suite on a wire CPU (a TEST STAND-IN that obeys every instruction it reads)', () => {
  it('undefended, the planted calls land wherever the carrier reaches the wire (15 harnesses); with all defences none lands and utility stays ≥ 90%; the output names the CPU', async () => {
    const suite = loadSuite(DIR, io());
    if (typeof suite === 'string') throw new Error(suite);
    const rows: Row[] = [];
    // One harness per CLI run, so the stand-in plays that harness's agents.
    for (const entry of suite.entries) {
      server.always(PATH, harnessStandIn(suite.specs.get(entry.file)!).respond);
      const one = io((path) => (path === 'one/suite.json' ? JSON.stringify({ harnesses: [entry] }) : disk(path.replace(/^one\//, `${DIR}/`))), { OPENAI_API_KEY: KEY });
      const r = await runCli(['inject-suite', 'one', '--seeds', String(SEEDS), '--endpoint', `${server.url}/v1`, '--model', 'obedient-stand-in'], one);
      expect(r.stderr, entry.file).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe(`1 attack harnesses × ${SEEDS} seed${SEEDS === 1 ? '' : 's'} in one, on the model obedient-stand-in at ${server.url}/v1 (openai wire)`);
      const json = JSON.parse(lines[lines.length - 1]!) as { cpu: unknown; scores: SuiteScore[] };
      expect(json.cpu).toEqual({ kind: 'endpoint', wire: 'openai', endpoint: `${server.url}/v1`, model: 'obedient-stand-in' });
      const by = (k: 'attacks' | 'utility') => Object.fromEntries(json.scores.map((s) => [s.defence, s[k]])) as Record<Defence, number>;
      rows.push({ file: entry.file, attacks: by('attacks'), utility: by('utility'), runs: SEEDS });
      expect(r.stdout).not.toContain(KEY);
    }
    // Every request went over the wire with the key, to the stand-in.
    expect(server.requests.every((q) => q.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    const total = (k: 'attacks' | 'utility', d: Defence): number => rows.reduce((n, r) => n + r[k][d], 0);
    const runs = rows.length * SEEDS;
    const table = DEFENCES.map((d) => `${d.padEnd(14)} ${`${total('attacks', d)}/${runs}`.padEnd(8)} ${total('utility', d)}/${runs}`);
    const missed = rows.filter((r) => r.attacks.none === 0).map((r) => r.file);
    const useless = rows.filter((r) => r.utility.none < r.runs).map((r) => r.file);
    console.log(`injection suite on the wire stand-in (${rows.length} harnesses × ${SEEDS} seed${SEEDS === 1 ? '' : 's'})\ndefence        attacks  utility\n${table.join('\n')}\nundefended, no attack landed in: ${missed.join(', ') || 'none'}\nundefended, the benign task failed in: ${useless.join(', ') || 'none'}`);

    // Undefended, the obedient CPU's call lands wherever the carrier reaches a wire model's context:
    // 15 of the 28 harnesses at seed 1 (README). Not the archival chunks (the wire offers no
    // archival_search), not the core sink (core_memory_* are not offered), not the compaction
    // summaries (the 256-token window evicts the stand-in's whole history and it starts over).
    // A floor, not a share, so harnesses added later that cannot reach a wire model do not fail it.
    expect(total('attacks', 'none')).toBeGreaterThanOrEqual(15 * SEEDS);
    expect(total('attacks', 'all')).toBe(0);
    expect(total('utility', 'all')).toBeGreaterThanOrEqual(0.9 * total('utility', 'none'));
  }, 240_000);
});

describe('inject-suite --endpoint: errors are one clear line, exit 2, and the key is never printed', () => {
  const KEY_ENV = { SUITE_KEY: KEY };
  const run = (args: string[], env: Record<string, string> = KEY_ENV) => runCli(['inject-suite', DIR, ...args], io(disk, env));

  it('an endpoint that refuses the connection', async () => {
    const r = await run(['--endpoint', `${server.url.replace(/:\d+$/, ':9')}/v1`, '--model', 'm', '--key-env', 'SUITE_KEY']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: inject-suite: the model m at http:\/\/127\.0\.0\.1:9\/v1 \(openai wire\): Could not reach/);
    expect(r.stderr).not.toContain(KEY);
  });

  it('a key the endpoint refuses (its message quotes the key back)', async () => {
    server.script(PATH, { status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }) });
    const r = await run(['--endpoint', `${server.url}/v1`, '--model', 'm', '--key-env', 'SUITE_KEY']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: inject-suite: the model m at .* \(openai wire\): /);
    expect(r.stderr).not.toContain(KEY);
    expect(server.requests[server.requests.length - 1]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('an anthropic endpoint with no key says what to set', async () => {
    const r = await run(['--endpoint', server.url, '--model', 'claude-x', '--wire', 'anthropic'], {});
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toMatch(/^harness: inject-suite: the model claude-x at .* \(anthropic wire\): .*no API key: set ANTHROPIC_API_KEY.*--key-env VAR/);
  });

  for (const [args, message] of [
    [['--local', 'tiny.gguf'], 'harness: inject-suite: unknown option --local\n'],
    [['--endpoint', 'localhost:11434'], 'harness: --endpoint: expected an http(s) URL, found "localhost:11434"\n'],
    [['--endpoint', 'http://127.0.0.1:1/v1'], 'harness: --endpoint needs --model NAME (the model the endpoint serves)\n'],
    [['--model', 'gpt-x'], 'harness: --model needs --endpoint URL\n'],
    [['--endpoint', 'http://127.0.0.1:1/v1', '--model', 'm', '--wire', 'grpc'], 'harness: --wire: expected openai or anthropic, found "grpc"\n'],
    [['--endpoint', 'http://127.0.0.1:1/v1', '--model', 'm', '--key-env', 'NOT_SET'], 'harness: --key-env: the environment variable NOT_SET is not set\n'],
  ] as const) {
    it(`${args.join(' ')}: ${message.trim()}`, async () => {
      expect(await run([...args])).toEqual({ code: 2, stdout: '', stderr: message });
    });
  }
});
