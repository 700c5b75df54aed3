/**
 * The example experiments (public/examples/*.experiment.json) with a few seeds each: every one
 * loads, runs and reports the effect its description promises.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExperimentReport, MetricSummary } from '../kernel';
import { runCli, type CliIo } from './commands';

async function report(name: string, seeds: number): Promise<{ code: number; report: ExperimentReport }> {
  const file = `public/examples/${name}`;
  const io: CliIo = {
    readFile: (p) => (p === file ? JSON.stringify({ ...JSON.parse(readFileSync(p, 'utf8')), seeds: { count: seeds } }) : readFileSync(p, 'utf8')),
    writeFile: () => {
      throw new Error('nothing to write');
    },
  };
  const r = await runCli(['experiment', file, '--json'], io);
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as ExperimentReport };
}

const metric = (r: ExperimentReport, variant: string, id: string): MetricSummary => r.variants.find((v) => v.id === variant)!.metrics[id]!;
const value = (s: MetricSummary): number | null => (s.shape === 'rate' ? s.rate : s.shape === 'mean' ? s.mean : null);

describe('example experiments', () => {
  it('distractors: without the memo every run passes; with it, not always', async () => {
    const { report: r } = await report('distractors.experiment.json', 6);
    expect(value(metric(r, 'without-memo', 'pass'))).toBe(1);
    expect(value(metric(r, 'with-memo', 'pass'))!).toBeLessThan(1);
  });
  it('distractors-checked: with the validity check every run passes; with the planted validity alone, not always', async () => {
    const { report: r } = await report('distractors-checked.experiment.json', 10);
    expect(value(metric(r, 'checked', 'pass'))).toBe(1);
    expect(value(metric(r, 'planted', 'pass'))!).toBeLessThan(1);
  });
  it('injection: the attack lands only with taint off; the summary is written under every setting', async () => {
    const { report: r, code } = await report('injection.experiment.json', 4);
    expect(value(metric(r, 'defences-on', 'attack'))).toBe(0);
    expect(value(metric(r, 'execute-only', 'attack'))).toBe(0);
    expect(value(metric(r, 'taint-off', 'attack'))!).toBeGreaterThan(0.5);
    for (const v of ['defences-on', 'taint-off', 'execute-only']) expect(value(metric(r, v, 'utility'))).toBe(1);
    expect(code).toBe(1); // 4 seeds cannot show the difference at 95% (McNemar needs 6 discordant pairs)
  });
  it('delegation: tagged facts arrive at every hop, prose loses some', async () => {
    const { report: r } = await report('delegation.experiment.json', 4);
    for (const hop of ['hop-1', 'hop-2', 'hop-3']) expect(value(metric(r, 'tagged', hop))).toBe(1);
    expect(value(metric(r, 'prose', 'hop-1'))!).toBeLessThan(1);
  });
  it('contention: without aging the lowest-priority writer waits longest; no deadline is missed', async () => {
    const { report: r, code } = await report('contention.experiment.json', 2);
    expect(code).toBe(0);
    expect(value(metric(r, 'priority-no-aging', 'wait-writer-2'))!).toBeGreaterThan(value(metric(r, 'fair', 'wait-writer-2'))!);
    for (const v of ['fair', 'fifo', 'priority-no-aging']) expect(value(metric(r, v, 'deadline-misses'))).toBe(0);
  });
});
