/**
 * The canvas at scale, in Chromium, on the built studio (dist/): a generated document of N nodes
 * (bench/scaleCanvasDoc.ts) is imported through the file input as a person would, then
 *   importMs     input change -> the first node of the new document on screen
 *   zoomFps      frames per second while the view zooms in and out under the wheel, one wheel
 *                event a frame (as a browser delivers coalesced input), from the fitted view
 *                (every node in view) to about twice as close and back
 *   panFps       frames per second while the pane is dragged, one move a frame
 *   longTasks    count and longest of the main thread's long tasks (> 50 ms) in each phase
 *   layoutMs     Auto-layout click -> new positions drawn (it runs in a worker), with the
 *                longest frame gap and long tasks meanwhile (the page must keep answering)
 * Driven from Node with Playwright; measured inside the page with requestAnimationFrame and a
 * PerformanceObserver, so the driver's own latency is not counted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Installs, once per page, the frame counter and the long-task recorder the phases read. */
function installProbes() {
  if (window.__canvasBench) return;
  const longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__canvasBench = {
    longTasks,
    /** Long tasks that started at or after `from`: count and longest. */
    tasksSince(from) {
      const mine = longTasks.filter((t) => t.start >= from);
      return { count: mine.length, maxMs: Math.round(Math.max(0, ...mine.map((t) => t.ms))) };
    },
  };
}

/** In the page: runs `step(i)` once per frame for `ms`, returns fps and the longest frame. */
function driveFrames({ kind, ms }) {
  const pane = document.querySelector('.react-flow__pane');
  const viewport = document.querySelector('.react-flow__viewport');
  if (!pane || !viewport) throw new Error('no .react-flow__pane on the page');
  const box = pane.getBoundingClientRect();
  const cx = box.left + box.width / 2;
  const cy = box.top + box.height / 2;
  const before = viewport.style.transform;
  const mouse = (type, x, y, target) =>
    target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0, buttons: type === 'mouseup' ? 0 : 1 }));
  const start = performance.now();
  return new Promise((resolve) => {
    let frames = 0;
    let last = start;
    let worst = 0;
    let x = cx;
    if (kind === 'pan') mouse('mousedown', x, cy, pane);
    const tick = (now) => {
      frames++;
      worst = Math.max(worst, now - last);
      last = now;
      const t = now - start;
      if (t >= ms && frames > 3) {
        if (kind === 'pan') mouse('mouseup', x, cy, window);
        const moved = viewport.style.transform !== before || kind === 'zoom';
        resolve({ fps: Math.round((frames / t) * 1000 * 10) / 10, worstFrameMs: Math.round(worst), frames, moved, from: start });
        return;
      }
      if (kind === 'zoom') {
        // In for ten frames, out for ten: the zoom changes every frame and stays near the fitted one.
        const deltaY = Math.floor(frames / 10) % 2 === 0 ? -60 : 60;
        pane.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, view: window, clientX: cx, clientY: cy, deltaY, deltaMode: 0 }));
      } else {
        x += (Math.floor(t / 500) % 2 === 0 ? 1 : -1) * 12;
        mouse('mousemove', x, cy, window);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** In the page: waits for a node whose test id starts so, returns ms since the import input changed. */
function armImportClock() {
  const input = document.querySelector('[data-testid="import-input"]');
  window.__importStart = null;
  input.addEventListener('change', () => (window.__importStart = performance.now()), { once: true, capture: true });
}

function waitFirstNode(testIdPrefix) {
  return new Promise((resolve) => {
    const check = () => {
      // A node component, or the overview picture a big graph is drawn as when zoomed out.
      const el = document.querySelector(`[data-testid^="${testIdPrefix}"]`) ?? document.querySelector('[data-testid="far-view"]:not([data-nodes="0"]) path');
      if (el && window.__importStart !== null) {
        const r = el.getBoundingClientRect();
        // (xyflow keeps a node invisible until it has measured it)
        if (r.width > 0 && r.height > 0) {
          // Shown = the frame after it is in the DOM with a size has been produced.
          requestAnimationFrame(() => resolve({ importMs: Math.round(performance.now() - window.__importStart), from: window.__importStart }));
          return;
        }
      }
      requestAnimationFrame(check);
    };
    check();
  });
}

/** In the page: clicks Auto-layout, waits until the progress is gone and the drawing changed, watching frame gaps. */
function runAutoLayout() {
  const button = document.querySelector('[data-testid="auto-layout-button"]');
  if (!button) throw new Error('no auto-layout button');
  const drawing = () => [...document.querySelectorAll('[data-testid="far-view"] path, .react-flow__node')].map((e) => e.getAttribute('d') ?? e.style.transform).join('|');
  const before = drawing();
  const start = performance.now();
  return new Promise((resolve) => {
    let last = start;
    let worst = 0;
    const tick = (now) => {
      worst = Math.max(worst, now - last);
      last = now;
      if (!document.querySelector('[data-testid="auto-layout-progress"]') && drawing() !== before) {
        resolve({ layoutMs: Math.round(now - start), worstFrameMs: Math.round(worst), from: start });
        return;
      }
      if (now - start > 120_000) {
        resolve({ layoutMs: null, worstFrameMs: Math.round(worst), from: start });
        return;
      }
      requestAnimationFrame(tick);
    };
    button.click();
    requestAnimationFrame(tick);
  });
}

async function measureSize(browser, baseUrl, n, doc, phases, log) {
  const dir = mkdtempSync(path.join(tmpdir(), 'canvas-bench-'));
  const file = path.join(dir, `canvas-${n}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Measured as a returning user sees it: the first-run tour dismissed (its overlay adds layers to every frame).
  await context.addInitScript(() => localStorage.setItem('hs.tour.done', '1'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const out = { nodes: n };
  try {
    await page.goto(baseUrl);
    await page.getByTestId('node-planner').waitFor({ timeout: 30_000 });
    await page.evaluate(installProbes);
    await page.evaluate(armImportClock);
    await page.getByTestId('import-input').setInputFiles(file);
    const shown = await page.evaluate(waitFirstNode, 'node-agent-').catch(() => null);
    if (!shown) throw new Error(`the ${n}-node document did not show${errors.length ? `: ${errors[0]}` : ''}`);
    out.importMs = shown.importMs;
    out.importLongTasks = await page.evaluate((f) => window.__canvasBench.tasksSince(f), shown.from);
    log(`  ${n} nodes: import -> first node ${shown.importMs} ms (long tasks ${out.importLongTasks.count}, longest ${out.importLongTasks.maxMs} ms)`);
    await page.waitForTimeout(1500); // settle: fit view, measurement of node sizes, autosave
    for (const kind of phases.filter((p) => p === 'zoom' || p === 'pan')) {
      const r = await page.evaluate(driveFrames, { kind, ms: 3000 });
      if (!r.moved) throw new Error(`${kind} did not move the view`);
      const tasks = await page.evaluate((f) => window.__canvasBench.tasksSince(f), r.from);
      out[`${kind}Fps`] = r.fps;
      out[`${kind}WorstFrameMs`] = r.worstFrameMs;
      out[`${kind}LongTasks`] = tasks;
      log(`  ${n} nodes: ${kind} ${r.fps} fps (worst frame ${r.worstFrameMs} ms, long tasks ${tasks.count}, longest ${tasks.maxMs} ms)`);
      await page.waitForTimeout(500);
    }
    if (phases.includes('layout')) {
      const r = await page.evaluate(runAutoLayout);
      out.layoutMs = r.layoutMs;
      out.layoutWorstFrameMs = r.worstFrameMs;
      out.layoutLongTasks = await page.evaluate((f) => window.__canvasBench.tasksSince(f), r.from);
      log(`  ${n} nodes: auto-layout ${r.layoutMs} ms (worst frame ${r.worstFrameMs} ms, long tasks ${out.layoutLongTasks.count}, longest ${out.layoutLongTasks.maxMs} ms)`);
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/**
 * Runs the canvas phases at each size on the studio served at `baseUrl`. `makeDoc(n)` gives the
 * document. Returns one record per size; a size that cannot be measured gets `error`.
 */
export async function benchScaleCanvas({ chromium, executablePath, args, baseUrl, makeDoc, sizes, log = () => {} }) {
  const browser = await chromium.launch({ executablePath, args });
  const results = [];
  try {
    for (const { n, phases } of sizes) {
      try {
        results.push(await measureSize(browser, baseUrl, n, makeDoc(n), phases, log));
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        log(`  ${n} nodes: not measured: ${message}`);
        results.push({ nodes: n, error: message });
      }
    }
  } finally {
    await browser.close();
  }
  return results;
}

/**
 * The bench's `scale` canvas figures: builds and serves the studio unless told not to, runs the
 * phases (1,000 nodes: import, zoom, pan, auto-layout; 5,000: import, zoom, pan; 500 with
 * --quick), prints a line per figure with its aim and returns the records.
 */
export async function benchCanvasGroup({ quick, executablePath, args, baseUrl, makeDoc, line, verdict, log }) {
  const { chromium } = await import('@playwright/test');
  const sizes = quick ? [{ n: 500, phases: ['zoom', 'pan', 'layout'] }] : [{ n: 1000, phases: ['zoom', 'pan', 'layout'] }, { n: 5000, phases: ['zoom', 'pan'] }];
  const rows = await benchScaleCanvas({ chromium, executablePath, args, baseUrl, makeDoc, sizes, log });
  const judged = (n, ok) => (n >= 1000 ? verdict(ok) : 'judged at 1,000 (without --quick)');
  for (const r of rows) {
    if (r.error) throw new Error(`${r.nodes} nodes: ${r.error}`);
    const tasks = (t) => (t ? `long tasks ${t.count}, longest ${t.maxMs} ms` : '');
    line(`canvas ${r.nodes}: import -> first node`, `${r.importMs} ms`, `${r.nodes === 1000 ? `aim < 2,000 ms  ${verdict(r.importMs < 2000)}` : ''}  (${tasks(r.importLongTasks)})`);
    if (r.zoomFps !== undefined) line(`canvas ${r.nodes}: zoom fps`, `${r.zoomFps}`, `${r.nodes <= 1000 ? `aim >= 50  ${judged(r.nodes, r.zoomFps >= 50)}` : ''}  (worst frame ${r.zoomWorstFrameMs} ms, ${tasks(r.zoomLongTasks)})`);
    if (r.panFps !== undefined) {
      const aim = r.nodes >= 5000 ? 30 : 50;
      line(`canvas ${r.nodes}: pan fps`, `${r.panFps}`, `aim >= ${aim}  ${judged(r.nodes, r.panFps >= aim)}  (worst frame ${r.panWorstFrameMs} ms, ${tasks(r.panLongTasks)})`);
    }
    if (r.layoutMs !== undefined) {
      const ok = r.layoutMs !== null && r.layoutMs < 3000 && r.layoutLongTasks.maxMs < 200;
      line(`canvas ${r.nodes}: auto-layout`, r.layoutMs === null ? 'n/a' : `${r.layoutMs} ms`, `aim < 3,000 ms in a worker, no task >= 200 ms  ${judged(r.nodes, ok)}  (worst frame ${r.layoutWorstFrameMs} ms, ${tasks(r.layoutLongTasks)})`);
    }
  }
  return rows;
}
