/**
 * context-rot.experiment.json sweeps the analyst's window size: it loads, runs, and the success
 * rate falls as the window grows (the rot curve's probability rises with the window's length).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExperimentReport } from '../kernel';
import { runCli, type CliIo } from './commands';

const FILE = 'public/examples/context-rot.experiment.json';

describe('context-rot.experiment.json', () => {
  it('shows the success rate falling with the window size', async () => {
    const io: CliIo = {
      readFile: (p) => (p === FILE ? JSON.stringify({ ...JSON.parse(readFileSync(p, 'utf8')), seeds: { count: 16 } }) : readFileSync(p, 'utf8')),
      writeFile: () => {
        throw new Error('nothing to write');
      },
    };
    const r = await runCli(['experiment', FILE, '--json'], io);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as ExperimentReport;
    const rate = (id: string): number => {
      const m = report.variants.find((v) => v.id === id)!.metrics.pass!;
      if (m.shape !== 'rate' || m.rate === null) throw new Error('pass is a rate');
      return m.rate;
    };
    const rates = ['window-1k', 'window-2k', 'window-4k', 'window-8k'].map(rate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]!, `rates ${rates.join(', ')}`).toBeLessThanOrEqual(rates[i - 1]!);
    expect(rates[0]!).toBeGreaterThan(rates[3]!);
  });
});
