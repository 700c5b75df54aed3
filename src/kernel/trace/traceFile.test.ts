import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { parseHarness } from '../spec';
import { toJsonl } from './jsonl';
import { readTraceFile } from './traceFile';

async function researchTeamRun(): Promise<Kernel> {
  const r = parseHarness(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('example invalid');
  const k = Kernel.create(r.spec, { runId: asRunId('cli-1'), seed: 1 });
  await k.runUntil();
  return k;
}

describe('reading a trace file', () => {
  it('gives back the run it was written from, with the same trace hash', async () => {
    const k = await researchTeamRun();
    const read = readTraceFile(toJsonl(k.events));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.trace).toMatchObject({ harness: 'Research team', seed: 1, head: k.head, stopReason: 'completed', traceHash: k.traceHash() });
    expect(read.trace.events).toEqual(k.events);
    expect(read.trace.specHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('names the line and what is wrong with a broken file', async () => {
    const lines = toJsonl((await researchTeamRun()).events).split('\n');
    const bad = (edit: (l: string[]) => void): string => {
      const copy = [...lines];
      edit(copy);
      const r = readTraceFile(copy.join('\n'));
      return r.ok ? 'ok' : r.error.message;
    };
    expect(bad((l) => (l[2] = '{"seq":2,"t":0,'))).toMatch(/^line 3: not valid JSON/);
    expect(bad((l) => (l[4] = l[4]!.replace(/"type":"[^"]+"/, '"type":"made.up"')))).toBe('line 5: expected an event with a known "type", found "made.up"');
    expect(bad((l) => l.splice(6, 1))).toBe('line 7: expected seq 6, found 7');
    expect(bad((l) => l.splice(0, 1, '', '   '))).toMatch(/^line 3: expected seq 0, found 1/);
    expect(readTraceFile('\n\n')).toEqual({ ok: false, error: { line: 0, message: expect.stringContaining('no events') } });
  });

  it('refuses a file whose first event is not run.started', () => {
    const r = readTraceFile('{"seq":0,"t":0,"run":"x","type":"goal.met","goal":"g"}\n');
    expect(r).toEqual({ ok: false, error: { line: 1, message: 'line 1: a trace starts with a run.started event, found goal.met' } });
  });
});
