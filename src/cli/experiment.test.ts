import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../kernel';
import { runCli, type CliIo } from './commands';

/** Disk reads, writes kept in memory (results files). */
function memoryIo(extra: Record<string, string> = {}): CliIo & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return {
    written,
    readFile: (p) => extra[p] ?? written.get(p) ?? readFileSync(p, 'utf8'),
    writeFile: (p, text) => void written.set(p, text),
  };
}

const EXP = 'public/examples/distractors.experiment.json';
const small = (seeds: number, more: Record<string, unknown> = {}) => JSON.stringify({ ...JSON.parse(readFileSync(EXP, 'utf8')), seeds: { count: seeds }, ...more });

describe('harness experiment', () => {
  it('runs the distractors experiment: the memo lowers the pass rate, the paired test says so, exit 0', async () => {
    const r = await runCli(['experiment', EXP, '--json'], memoryIo());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(r.stdout) as ExperimentReport;
    const [withMemo, without] = report.variants;
    expect(without!.metrics['pass']).toMatchObject({ shape: 'rate', n: 40, passed: 40 });
    const p = withMemo!.metrics['pass']!;
    expect(p.shape === 'rate' && p.passed).toBeLessThan(40);
    expect(report.comparisons[0]).toMatchObject({ metric: 'pass', better: 'without-memo', test: 'mcnemar' });
    expect(report.expectations[0]!.holds).toBe(true);
  });
  it('exits 1 when the expectation does not hold, and prints why', async () => {
    const file = 'public/examples/reverse.experiment.json';
    const io = memoryIo({ [file]: small(6, { expect: [{ metric: 'pass', better: 'with-memo', than: 'without-memo' }] }) });
    const r = await runCli(['experiment', file], io);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/expectations: not all hold\n {2}FAIL does not hold at 95%/);
  });
  it('exits 2 for a bad file, naming the path', async () => {
    const file = 'public/examples/bad.experiment.json';
    const io = memoryIo({ [file]: small(6, { variants: [{ id: 'a', patch: [{ op: 'remove', path: '/stores/3' }] }], expect: [] }) });
    const r = await runCli(['experiment', file], io);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file}: variants[0].patch[0]: variant "a": remove /stores/3: index 3 is past the end of an array of 1\n`);
    expect((await runCli(['experiment', file, '--shard', '4/4', '--out', 'x'], io)).stderr).toMatch(/--shard: expected I\/N with 0 <= I < N/);
  });
  it('shards write results files that merge into the same report as one run', async () => {
    const file = 'public/examples/small.experiment.json';
    const io = memoryIo({ [file]: small(8) });
    const whole = await runCli(['experiment', file, '--json', '--out', 'all.jsonl'], io);
    for (const i of [0, 1, 2]) expect((await runCli(['experiment', file, '--shard', `${i}/3`, '--out', `s${i}.jsonl`], io)).code).toBe(0);
    const merged = await runCli(['merge', 's2.jsonl', 's0.jsonl', 's1.jsonl', '--json', '--out', 'merged.jsonl'], io);
    expect(merged.code).toBe(whole.code);
    expect(merged.stdout).toBe(whole.stdout);
    expect(io.written.get('merged.jsonl')).toBe(io.written.get('all.jsonl'));
    const lines = io.written.get('all.jsonl')!.trim().split('\n');
    expect(lines).toHaveLength(17);
    expect(JSON.parse(lines[1]!)).toMatchObject({ kind: 'run', variant: 'with-memo', seed: 1, input: null });
    const missing = await runCli(['merge', 's0.jsonl', 's1.jsonl'], io);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/runs? of "Distractors: planted wrong memo vs without" missing from these files \(first: variant \S+, seed \d+\): merge every shard/);
  });
  it('runs each dataset row as an input: records keyed by input, pass@k over the seeds of each input', async () => {
    const file = 'public/examples/rows.experiment.json';
    const rows = 'public/examples/rows.csv';
    const exp = {
      ...JSON.parse(small(3, { expect: [], passAtK: [1, 3] })),
      dataset: { file: 'rows.csv', id: 'id', bind: [{ op: 'add', path: '/stores/0/documents/-', value: { text: '{{memo}}', valid: false } }] },
    };
    const io = memoryIo({ [file]: JSON.stringify(exp), [rows]: 'id,memo\nplain,"The board meets on Tuesdays, as ever."\nwrong,"Memo: the launch date is now April 9."\n' });
    const r = await runCli(['experiment', file, '--json', '--out', 'rows.jsonl'], io);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ExperimentReport;
    expect(report.experiment).toMatchObject({ runs: 12, inputs: 2 });
    const records = io.written.get('rows.jsonl')!.trim().split('\n').slice(1).map((l) => JSON.parse(l) as { input: string; seed: number; variant: string });
    expect(records.slice(0, 4).map((x) => `${x.seed} ${x.input} ${x.variant}`)).toEqual(['1 plain with-memo', '1 plain without-memo', '1 wrong with-memo', '1 wrong without-memo']);
    const pass = report.variants[1]!.metrics['pass']!;
    expect(pass.shape === 'rate' && pass.passAtK).toEqual({ '1': pass.shape === 'rate' ? pass.rate : null, '3': expect.any(Number) });
  });
  it('gives byte-identical --json with 1 and 4 worker threads', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'harness-exp-'));
    const exp = JSON.parse(small(10, { expect: [] })) as Record<string, unknown>;
    const file = path.join(dir, 'exp.json');
    writeFileSync(file, JSON.stringify({ ...exp, base: JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) }));
    const run = (workers: number) => promisify(execFile)(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'experiment', file, '--workers', String(workers), '--json', '--out', path.join(dir, `${workers}.jsonl`)], { maxBuffer: 1 << 24 });
    const one = await run(1);
    const four = await run(4);
    expect(JSON.parse(one.stdout)).toMatchObject({ experiment: { runs: 20 } });
    expect(four.stdout).toBe(one.stdout);
    // The records themselves, rebuilt from the threads' packed results, are the ones made in one thread.
    expect(readFileSync(path.join(dir, '4.jsonl'), 'utf8')).toBe(readFileSync(path.join(dir, '1.jsonl'), 'utf8'));
    expect(four.stderr).toMatch(/20\/20 runs/);
  });
});
