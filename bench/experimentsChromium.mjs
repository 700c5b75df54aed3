/**
 * The experiments group's Chromium figure: runs/s of the distractors experiment on the studio's
 * Web Worker pool with 1 worker and with all cores (navigator.hardwareConcurrency), in one
 * browser, warm, the same runs alternated (bench/experimentsCompare.ts), and the speed-up.
 * scripts/bench.mjs passes its helpers (page build, static server, output lines) so this file
 * holds only the measurement.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export async function benchExperimentsChromium({ root, quick, executablePath, args, buildBenchPage, serveStatic, line, fmt, verdict }) {
  const outDir = await buildBenchPage('experimentsChromium');
  const server = await serveStatic(outDir);
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath, args });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/experimentsChromium.html`);
    await page.waitForFunction(() => typeof window.runExperimentBench === 'function', null, { timeout: 30_000 }).catch(() => {});
    if (!(await page.evaluate(() => typeof window.runExperimentBench === 'function'))) throw new Error(`the bench page did not load${errors.length ? `: ${errors.join('; ')}` : ''}`);
    const dir = path.join(root, 'public', 'examples');
    const file = readFileSync(path.join(dir, 'distractors.experiment.json'), 'utf8');
    const base = readFileSync(path.join(dir, 'distractors.json'), 'utf8');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const workers = cores > 1 ? [1, cores] : [1];
    const opts = { workers, warmPerWorker: quick ? 2000 : 4000, roundRuns: quick ? 3000 : 6000, rounds: quick ? 3 : 5 };
    const r = await page.evaluate(([f, b, o]) => window.runExperimentBench(f, b, o), [file, base, opts]);
    for (const w of workers) {
      const m = r.median[w];
      const all = r.rounds.filter((x) => x.workers === w).map((x) => x.runsPerSec.toFixed(0));
      line(`experiment runs/s, ${w} Web Worker${w === 1 ? '' : 's'} (Chromium)`, m.runsPerSec.toFixed(1), `distractors, warm pool: ${fmt(m.runs)} runs in ${(m.ms / 1000).toFixed(2)} s (median of ${all.length}: ${all.join(', ')}); start-up ${fmt(r.startupMs[w])} ms (workers load the kernel + a first run each)`);
    }
    line(`experiment speed-up, ${cores} cores (Chromium)`, `${r.speedUp.toFixed(2)}x`, `aim >= ${(0.8 * cores).toFixed(1)}x (0.8 x cores)  ${verdict(r.speedUp >= 0.8 * cores)}  (round by round ${r.roundRatios.map((x) => x.toFixed(2)).join(', ')})`);
    const one = r.median[1];
    const all = r.median[workers.at(-1)];
    return { cores, runsPerSec1: one.runsPerSec, runsPerSecAll: all.runsPerSec, speedUp: r.speedUp, roundRatios: r.roundRatios, startupMs1: r.startupMs[1], startupMsAll: r.startupMs[workers.at(-1)] };
  } finally {
    await browser.close();
    server.close();
  }
}
