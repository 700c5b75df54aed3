import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseHarness } from '../kernel';
import { runCli, type CliIo } from './commands';

const EXAMPLE = readFileSync('public/examples/research-team.json', 'utf8');
const io = (text: string): CliIo => ({ readFile: () => text, writeFile: () => {} });
const noStack = (s: string): boolean => !/\n\s+at /.test(s);

/** The example with its goal wrapped in `all` n times. */
function deepGoal(n: number): string {
  const doc = JSON.parse(EXAMPLE) as { goals: { when: unknown }[] };
  for (let i = 0; i < n; i++) doc.goals[0]!.when = { kind: 'all', of: [doc.goals[0]!.when] };
  return JSON.stringify(doc);
}

/** The example with the researcher's search call carrying an argument nested n objects deep. */
function deepArgs(n: number): string {
  const doc = JSON.parse(EXAMPLE) as { agents: { behaviour: { args?: Record<string, unknown> }[] }[] };
  let deep: unknown = 'x';
  for (let i = 0; i < n; i++) deep = { v: deep };
  doc.agents[1]!.behaviour[1]!.args = { query: 'context window paging eviction', deep };
  return JSON.stringify(doc);
}

describe('nesting limit', () => {
  it('goal predicates 1,000 deep are a validation error at their path, in validate and in run alike', async () => {
    const text = deepGoal(1000);
    const validate = await runCli(['validate', 'deep.json'], io(text));
    const run = await runCli(['run', 'deep.json'], io(text));
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe(`deep.json: goals[0].when(.of[0])×48.of: nested deeper than ${MAX_NESTING} levels of objects and arrays (the limit)\n`);
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: 2, stderr: validate.stderr, stdout: '' });
  });

  it('tool arguments 2,500 deep are refused before the run, at their path', async () => {
    const text = deepArgs(2500);
    for (const command of ['validate', 'run']) {
      const r = await runCli([command, 'deep.json'], io(text));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^deep\.json: agents\[1\]\.behaviour\[1\]\.args\.deep\(\.v\)×\d+: nested deeper than 100 levels/);
      expect(noStack(r.stderr)).toBe(true);
    }
  });

  it('nesting up to the limit is accepted, and what validate accepts runs', async () => {
    // The document is level 0 and `deep` level 6 (agents, [1], behaviour, [1], args, deep): n objects reach level 5 + n.
    const text = deepArgs(MAX_NESTING - 6);
    expect((await runCli(['validate', 'ok.json'], io(text))).code).toBe(0);
    const run = await runCli(['run', 'ok.json', '--json'], io(text));
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).stopReason).toBe('completed');
    expect(parseHarness(deepArgs(MAX_NESTING - 5)).ok).toBe(false);
  });

  it('arrays nested 100,000 deep in the text are refused without a throw', () => {
    const r = parseHarness(`{"version":1,"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/^name\(\[0\]\)×99: nested deeper than 100 levels/);
  });

  it('a key named __proto__ is refused at its path (JavaScript would read it as a prototype)', () => {
    const doc = JSON.parse(EXAMPLE) as { agents: { behaviour: { args?: unknown }[] }[] };
    const text = JSON.stringify(doc).replace('"query":"context window paging eviction"', '"query":"q","__proto__":{"polluted":true}');
    const r = parseHarness(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.message)).toEqual(['agents[1].behaviour[1].args.__proto__: a key named "__proto__" is not allowed (JavaScript reads it as an object\'s prototype, not as data)']);
  });
});
