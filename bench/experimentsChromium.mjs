/**
 * The experiments group's Chromium figure: runs/s of the distractors experiment on the studio's
 * Web Worker pool with 1 worker and with all cores (navigator.hardwareConcurrency), in one
 * browser, and the speed-up. scripts/bench.mjs passes its helpers (page build, static server,
 * output lines) so this file holds only the measurement.
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
    const runs = quick ? 2000 : 6000;
    // Alternated (1, all, 1, all, …) and the median of each kept, so a burst of other load on the machine hits both alike.
    const rounds = quick ? 2 : 3;
    const trials = { 1: [], [cores]: [] };
    for (let i = 0; i < rounds; i++)
      for (const workers of [1, cores]) {
        const r = await page.evaluate(([f, b, w, n]) => window.runExperimentBench(f, b, w, n), [file, base, workers, runs]);
        trials[workers].push({ ...r, perSec: (r.runs / r.ms) * 1000 });
      }
    const rows = [1, cores].map((w) => {
      const sorted = [...trials[w]].sort((a, b) => a.perSec - b.perSec);
      const m = sorted[Math.floor(sorted.length / 2)];
      line(`experiment runs/s, ${w} Web Worker${w === 1 ? '' : 's'} (Chromium)`, m.perSec.toFixed(1), `distractors, warm pool: ${fmt(m.runs)} runs in ${(m.ms / 1000).toFixed(1)} s (median of ${sorted.length}: ${sorted.map((t) => t.perSec.toFixed(0)).join(', ')}); start-up ${fmt(m.startupMs)} ms (workers load the kernel + 150 warm-up runs each)`);
      return m;
    });
    const speedUp = rows[1].perSec / rows[0].perSec;
    line(`experiment speed-up, ${cores} cores (Chromium)`, `${speedUp.toFixed(2)}x`, `aim >= ${(0.8 * cores).toFixed(1)}x (0.8 x cores)  ${verdict(speedUp >= 0.8 * cores)}`);
    return { cores, runsPerSec1: Math.round(rows[0].perSec * 10) / 10, runsPerSecAll: Math.round(rows[1].perSec * 10) / 10, speedUp: Math.round(speedUp * 100) / 100, startupMs1: rows[0].startupMs, startupMsAll: rows[1].startupMs };
  } finally {
    await browser.close();
    server.close();
  }
}
