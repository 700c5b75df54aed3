/**
 * `harness experiment --out FILE --resume`: an interrupted experiment goes on from the runs its
 * results file holds, runs only the rest, and reports exactly what an uninterrupted run reports.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';

const EXP = 'public/examples/distractors.experiment.json';
const small = (seeds: number) => JSON.stringify({ ...JSON.parse(readFileSync(EXP, 'utf8')), seeds: { count: seeds } });

/** Files in memory (appends too), reads of the examples from disk, progress lines kept. */
function memoryIo(extra: Record<string, string> = {}) {
  const written = new Map<string, string>();
  const progress: string[] = [];
  let appends = 0;
  const io: CliIo = {
    readFile: (p) => {
      const text = extra[p] ?? written.get(p);
      if (text !== undefined) return text;
      if (p.endsWith('.jsonl')) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return readFileSync(p, 'utf8');
    },
    writeFile: (p, text) => void written.set(p, text),
    appendFile: (p, text) => {
      appends++;
      written.set(p, (written.get(p) ?? '') + text);
    },
    progress: { tty: false, write: (t) => void progress.push(t) },
  };
  return { io, written, progress, appends: () => appends };
}

describe('harness experiment --resume', () => {
  it('runs only what the results file lacks (a cut-off last line runs again) and reports the same bytes', async () => {
    const file = 'public/examples/resume.experiment.json';
    const m = memoryIo({ [file]: small(8) });
    const whole = await runCli(['experiment', file, '--json', '--out', 'all.jsonl'], m.io);
    expect(whole.stderr).toBe('');
    expect(m.appends()).toBe(16); // one append per run as it finished
    const lines = m.written.get('all.jsonl')!.split('\n');
    // Killed after 7 runs, while writing the 8th.
    m.written.set('part.jsonl', `${lines.slice(0, 8).join('\n')}\n${lines[8]!.slice(0, 40)}`);
    m.progress.length = 0;
    const resumed = await runCli(['experiment', file, '--json', '--out', 'part.jsonl', '--resume'], m.io);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(whole.code);
    expect(resumed.stdout).toBe(whole.stdout);
    expect(m.progress.at(-1)).toMatch(/^resume.experiment.json: 9\/9 runs /);
    expect(m.written.get('part.jsonl')).toBe(m.written.get('all.jsonl'));
    // Resuming a finished file runs nothing.
    m.progress.length = 0;
    expect((await runCli(['experiment', file, '--json', '--out', 'part.jsonl', '--resume'], m.io)).stdout).toBe(whole.stdout);
    expect(m.progress).toEqual([]);
  });
  it('starts from nothing when the file does not exist yet', async () => {
    const file = 'public/examples/resume.experiment.json';
    const m = memoryIo({ [file]: small(5) });
    const r = await runCli(['experiment', file, '--out', 'new.jsonl', '--resume', '--json'], m.io);
    expect(r.stderr).toBe('');
    expect(m.written.get('new.jsonl')!.trim().split('\n')).toHaveLength(11);
  });
  it('refuses a results file of another experiment, and --resume without --out', async () => {
    const file = 'public/examples/resume.experiment.json';
    const m = memoryIo({ [file]: small(5) });
    await runCli(['experiment', file, '--out', 'three.jsonl'], m.io);
    const other = memoryIo({ [file]: small(6), 'three.jsonl': m.written.get('three.jsonl')! });
    const r = await runCli(['experiment', file, '--out', 'three.jsonl', '--resume'], other.io);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^harness: three.jsonl: --resume: it holds results of experiment [0-9a-f]{16} \("Distractors: planted wrong memo vs without"\), not of this file's [0-9a-f]{16} .*drop --resume or use another --out\n$/);
    expect((await runCli(['experiment', file, '--resume'], m.io)).stderr).toMatch(/^harness: --resume needs --out FILE/);
  });
  it('goes on after the process is killed mid-experiment (SIGKILL), to the report of an uninterrupted run', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'harness-resume-'));
    const file = path.join(dir, 'exp.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(small(150)), base: JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) }));
    const cli = ['scripts/run-ts.mjs', 'src/cli/main.ts', 'experiment', file, '--workers', '1', '--json'];
    const out = path.join(dir, 'results.jsonl');
    // Kill it once at least 20 runs are in the file.
    const child = spawn(process.execPath, [...cli, '--out', out], { stdio: 'ignore' });
    const killedAt = await new Promise<number>((resolve, reject) => {
      const poll = setInterval(() => {
        const n = existsSync(out) ? readFileSync(out, 'utf8').split('\n').length - 2 : 0;
        if (n >= 20) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve(n);
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the experiment ended before it was killed'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    const kept = readFileSync(out, 'utf8').split('\n').length - 2;
    expect(kept).toBeGreaterThanOrEqual(killedAt);
    expect(kept).toBeLessThan(300);
    const run = promisify(execFile);
    const resumed = await run(process.execPath, [...cli, '--out', out, '--resume'], { maxBuffer: 1 << 24 });
    expect(resumed.stderr).toMatch(new RegExp(`${300 - kept}/${300 - kept} runs`));
    const uninterrupted = await run(process.execPath, cli, { maxBuffer: 1 << 24 });
    expect(resumed.stdout).toBe(uninterrupted.stdout);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(301);
  });
});
