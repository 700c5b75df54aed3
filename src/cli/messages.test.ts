import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness } from '../kernel';
import { runCli, runSpec, type CliIo } from './commands';

const io = (text: string, extra: Partial<CliIo> = {}): CliIo => ({ readFile: () => text, writeFile: () => {}, ...extra });
const noStack = (s: string): boolean => !/\n\s+at /.test(s);
const messageOf = (text: string): string => {
  const r = parseHarness(text);
  if (r.ok) throw new Error('expected an issue');
  return r.issues[0]!.message;
};

describe('messages name the real cause', () => {
  it('1e999 is a number too large, not "found number Infinity"', () => {
    const doc = JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')) as Record<string, unknown>;
    const text = JSON.stringify(doc).replace('"maxSteps":200', '"maxSteps":1e999');
    expect(messageOf(text)).toBe('limits.maxSteps: found a number too large (beyond 1.8e308, the largest a JSON number can be here)');
    expect(messageOf('{"version":1,"name":"n","models":[{"id":"m","name":"M","priceIn":-1e999}]}')).toMatch(/^models\[0\]\.priceIn: found a number too large \(beyond -1\.8e308/);
  });

  it.each([
    ['a trailing comma', '{\n  "version": 1,\n}', 3, 1],
    ['a doubled comma in an array', '{\n  "a": [1,\n   2,,3]\n}', 3, 6],
    ['a bad escape', '{"name": "bad \\x escape"}', 1, 16],
    ['an unclosed string', '{\n"name": "open', 2, 14],
    ['100,000 unclosed brackets', '['.repeat(100_000), 1, 100_001],
    ['text after the document', '{}\n\n  x', 3, 3],
    ['a control character in a string', '{"a": "x\ty"}', 1, 9],
  ])('a JSON syntax error (%s) reports its real line and column', (_what, text, line, column) => {
    expect(messageOf(text)).toMatch(new RegExp(`^not valid JSON at line ${line}, column ${column}: `));
  });

  it('1,000 deadline agents refused by admission stop as refused, in one readable line', async () => {
    const agents = Array.from({ length: 1000 }, (_, i) => ({ id: `d${i}`, name: 'D', model: 'm', sched: { class: 'deadline', runtime: 99, deadline: 100, period: 100 }, behaviour: [{ op: 'finish' }] }));
    const r = parseHarness({ version: 1, name: 'admission', models: [{ id: 'm', name: 'M', provider: 'sim', slots: 1, tokensPerSecond: 1000 }], agents });
    if (!r.ok) throw new Error(r.issues[0]!.message);
    const { summary, events } = await runSpec(r.spec, { seed: 1 });
    expect(summary.stopReason).toBe('jobs-failed');
    const last = events[events.length - 1]!;
    expect(last.type === 'run.stopped' && last.detail).toBe('every job failed (1000 of 1000): d0, d1, d2, d3, d4 and 995 more at allocate: admission refused: bandwidth 0.990 slots would exceed the bound 0.950 (0.95 × 1 slots)');
  });
});

describe('CLI contract: never a raw stack', () => {
  it('a failure inside a command is one line naming it, exit 1; the stack only with HARNESS_DEBUG', async () => {
    const example = readFileSync('public/examples/research-team.json', 'utf8');
    // An environment that cannot be read stands in for any bug below the command.
    const broken = (debug: boolean): CliIo => {
      let reads = 0;
      return {
        readFile: () => example,
        writeFile: () => {},
        get env(): Record<string, string> {
          // The first read is the command's; the second, internalError's, sees HARNESS_DEBUG.
          if (reads++ === 0) throw new TypeError('environment unreadable');
          return debug ? { HARNESS_DEBUG: '1' } : {};
        },
      };
    };
    const r = await runCli(['run', 'doc.json'], broken(false));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('harness: internal error: harness run failed: TypeError: environment unreadable (please report it with the document; HARNESS_DEBUG=1 prints the stack)\n');
    expect(noStack(r.stderr)).toBe(true);
    const debug = await runCli(['run', 'doc.json'], broken(true));
    expect(debug.stderr).toMatch(/^harness: internal error: .*\nTypeError: environment unreadable\n\s+at /);
  });

  it('validate and run exit as README says on bad input, each with one line per issue and no stack', async () => {
    for (const text of ['', 'null', '[]', '{', '{"version":1e999}', `{"version":1,"name":${'['.repeat(5000)}${']'.repeat(5000)}}`, '{"version":1,"name":"x","__proto__":{}}']) {
      for (const command of ['validate', 'run']) {
        const r = await runCli([command, 'bad.json'], io(text));
        expect({ text: text.slice(0, 30), command, code: r.code }).toEqual({ text: text.slice(0, 30), command, code: 2 });
        expect(noStack(r.stderr)).toBe(true);
        expect(r.stderr.trimEnd().split('\n').every((l) => l.startsWith('bad.json: '))).toBe(true);
      }
    }
  });
});
