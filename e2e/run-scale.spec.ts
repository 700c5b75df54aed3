/**
 * A big run stays usable: a 100-agent run streams with a bounded page (only the rows in view of
 * the event log and the process table exist), and any event of it can be brought up from the
 * scrubber, the keyboard or by scrolling. Correctness only; how fast is for `npm run bench`
 * (scale group, bench/scaleRun.mjs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { agentsDocument } from '../bench/scaleAgents';
import { longRunDocument } from '../bench/scaleLong';
import { Kernel, parseHarness } from '../src/kernel';
import { openStudio } from './helpers';

test.describe.configure({ timeout: 120_000 });

const TEAM = readFileSync(new URL('../public/examples/research-team.json', import.meta.url), 'utf8');
/** Most DOM nodes the page may hold while the run views show a 100-agent run. */
const DOM_BOUND = 5000;

async function importAgents(page: Page, n: number, outputPath: string): Promise<void> {
  writeFileSync(outputPath, agentsDocument(TEAM, n));
  await page.getByTestId('import-input').setInputFiles(outputPath);
  await expect(page.getByTestId('project-name')).toHaveValue(`${n} agents`, { timeout: 30_000 });
  await expect(page.getByTestId('run-button')).toBeEnabled({ timeout: 30_000 });
}

/** In the page: clicks Run and samples the DOM's size every frame until the run has stopped. */
function runSamplingDom(): Promise<{ max: number; stopped: boolean }> {
  return new Promise((resolve) => {
    let max = 0;
    let running = false;
    const start = performance.now();
    const tick = () => {
      max = Math.max(max, document.getElementsByTagName('*').length);
      const status = document.querySelector('[data-testid="run-status"]')?.getAttribute('data-status');
      // Started: running seen, or events shown (a slow frame may hold the whole run).
      if (status === 'running' || /\d+\s*\/\s*\d+/.test(document.querySelector('[data-testid="cursor-readout"]')?.textContent ?? '')) running = true;
      if ((running && status === 'stopped') || performance.now() - start > 90_000) resolve({ max, stopped: status === 'stopped' });
      else requestAnimationFrame(tick);
    };
    document.querySelector<HTMLButtonElement>('[data-testid="run-button"]')!.click();
    requestAnimationFrame(tick);
  });
}

test('a 100-agent run streams with a bounded page; the scrubber, the keyboard and scrolling bring up any of its events', async ({ page }, info) => {
  const errors = await openStudio(page);
  // Edge kinds are dashed on a small graph; on a dense one solid (a dash pattern along a line that
  // crosses the graph is painted dash by dash, on every repaint while the run streams).
  const modelEdge = page.locator('.hs-edge--model .react-flow__edge-path').first();
  await expect(modelEdge).toBeAttached();
  expect(await modelEdge.evaluate((p) => getComputedStyle(p).strokeDasharray)).not.toBe('none');
  await importAgents(page, 100, info.outputPath('agents.json'));
  await expect(page.locator('.react-flow.is-dense')).toHaveCount(1);
  await expect(modelEdge).toBeAttached();
  expect(await modelEdge.evaluate((p) => getComputedStyle(p).strokeDasharray)).toBe('none');

  const run = await page.evaluate(runSamplingDom);
  expect(run.stopped).toBe(true);
  expect(run.max).toBeLessThan(DOM_BOUND);
  const readout = await page.getByTestId('cursor-readout').innerText();
  const head = Number(/\/\s*(\d+)/.exec(readout)![1]);
  expect(head).toBeGreaterThan(2000);

  // The log holds every event but renders only those in view.
  const log = page.getByTestId('event-log');
  await expect(log).toHaveAttribute('data-rows', String(head + 1));
  expect(await page.getByTestId('event-row').count()).toBeLessThan(100);
  // The process table lists all 100 agents, rendering only those in view; scrolling reaches the last.
  await expect(page.getByTestId('process-scroll')).toHaveAttribute('data-rows', '100');
  expect(await page.getByTestId('process-row').count()).toBeLessThan(60);
  await page.getByTestId('process-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid="process-row"][data-agent="planner-33"]')).toBeVisible();

  // The scrubber to an event in the middle: its row is there, selected and in view.
  const middle = Math.floor(head / 2);
  await page.getByTestId('scrubber').fill(String(middle));
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${middle} / ${head}`);
  const row = page.locator(`[data-testid="event-row"][data-seq="${middle}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('event-detail')).toContainText(`Event ${middle}`);

  // Home and End from the log.
  await log.focus();
  await page.keyboard.press('Home');
  await expect(page.locator('[data-testid="event-row"][data-seq="0"]')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.locator(`[data-testid="event-row"][data-seq="${head}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid="event-row"][data-seq="${head}"]`)).toHaveAttribute('aria-selected', 'true');

  // Scrolling the log by hand to a quarter of the run shows the rows there (the cursor stays).
  const quarter = Math.floor(head / 4);
  await log.evaluate((el, seq) => (el.scrollTop = seq * 20), quarter);
  await expect(page.locator(`[data-testid="event-row"][data-seq="${quarter + 2}"]`)).toBeVisible();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head} / ${head}`);
  await page.locator(`[data-testid="event-row"][data-seq="${quarter + 2}"]`).click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${quarter + 2} / ${head}`);

  // Every run view stays bounded with the whole run loaded.
  for (const view of ['scheduler', 'memory', 'messages', 'events']) {
    await page.getByTestId(`run-tab-${view}`).click();
    await expect(page.locator('.rp-empty', { hasText: 'Loading the' })).toHaveCount(0);
    expect(await page.evaluate(() => document.getElementsByTagName('*').length), `DOM nodes with the ${view} view`).toBeLessThan(DOM_BOUND);
  }
  expect(errors).toEqual([]);
});

/** Events of the long run below: more than the page holds whole (store/runSliceWindow.ts WHOLE_MAX). */
const LONG = 25_000;

test('a stored run too long to hold whole opens from IndexedDB and scrubs to any event with its state, the page bounded', async ({ page }, info) => {
  test.setTimeout(480_000);
  const doc = longRunDocument(10, Math.ceil((LONG / 10 / 5) * 1.2), LONG);
  // The truth, from the kernel in Node: the state after any event of the same run.
  const parsed = parseHarness(JSON.parse(doc));
  if (!parsed.ok) throw new Error('the long-run document does not parse');
  const kernel = Kernel.create(parsed.spec, { runId: 'truth', seed: 1 });
  await kernel.runUntil();

  const errors = await openStudio(page);
  const file = info.outputPath('long.json');
  writeFileSync(file, doc);
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Long run', { timeout: 30_000 });
  await expect(page.getByTestId('run-button')).toBeEnabled({ timeout: 30_000 });
  // Played in the page: past WHOLE_MAX it stops holding the run whole, and keeps streaming.
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 420_000 });
  const head = kernel.head;
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head} / ${head}`);
  await expect(page.getByTestId('run-window')).toBeVisible();

  // Reopened: loaded from IndexedDB as a window, the cursor at the head with the head's state.
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head} / ${head}`, { timeout: 60_000 });
  await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', String(head), { timeout: 30_000 });
  await expect(page.getByTestId('run-totals')).toHaveAttribute('data-steps', String(kernel.state.steps));
  await expect(page.getByTestId('event-log')).toHaveAttribute('data-rows', String(head + 1));

  // The scrubber to events all over the run: each shows its row, its detail and the kernel's state after it.
  const log = page.getByTestId('event-log');
  for (const seq of [7, Math.floor(head * 0.37), Math.floor(head * 0.81), 19_999, 20_000]) {
    await page.getByTestId('scrubber').fill(String(seq));
    await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${seq} / ${head}`);
    const row = page.locator(`[data-testid="event-row"][data-seq="${seq}"]`);
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('event-detail')).toContainText(`Event ${seq} · ${kernel.events[seq]!.type}`);
    await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', String(seq));
    const truth = kernel.stateAt(seq);
    await expect(page.getByTestId('run-totals')).toHaveAttribute('data-steps', String(truth.steps));
    await expect(page.getByTestId('run-totals')).toHaveAttribute('data-now', String(truth.now));
    expect(await page.getByTestId('event-row').count()).toBeLessThan(100);
  }

  // Home and End from the log, then scrolling by hand to a quarter: those rows are fetched and shown.
  await log.focus();
  await page.keyboard.press('Home');
  await expect(page.locator('[data-testid="event-row"][data-seq="0"]')).toBeVisible();
  await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', '0');
  await page.keyboard.press('End');
  await expect(page.locator(`[data-testid="event-row"][data-seq="${head}"]`)).toHaveAttribute('aria-selected', 'true');
  const quarter = Math.floor(head / 4);
  await log.evaluate((el, seq) => (el.scrollTop = seq * 20), quarter);
  const there = page.locator(`[data-testid="event-row"][data-seq="${quarter + 2}"]`);
  await expect(there).toBeVisible();
  await expect(there).toContainText(kernel.events[quarter + 2]!.type);
  await there.click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${quarter + 2} / ${head}`);
  await expect(page.getByTestId('run-totals')).toHaveAttribute('data-steps', String(kernel.stateAt(quarter + 2).steps));

  // The page never holds the run whole, and every run view stays bounded.
  const held = await page.getByTestId('run-window').innerText();
  expect(Number(/holding (\d+)/.exec(held)![1])).toBeLessThanOrEqual(10_000);
  for (const view of ['scheduler', 'memory', 'messages', 'events']) {
    await page.getByTestId(`run-tab-${view}`).click();
    await expect(page.locator('.rp-empty', { hasText: 'Loading the' })).toHaveCount(0);
    expect(await page.evaluate(() => document.getElementsByTagName('*').length), `DOM nodes with the ${view} view`).toBeLessThan(DOM_BOUND);
  }
  expect(errors).toEqual([]);
});

test('a project with hundreds of runs lists them all, rendering only those in view', async ({ page }) => {
  const errors = await openStudio(page);
  // Stored runs of the open project, written straight into the studio's database (as many finished runs would leave it).
  const total = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('harness-studio');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = <T,>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const projects = (await all(db.transaction('projects').objectStore('projects').getAll())) as { id: string }[];
    const tx = db.transaction('runs', 'readwrite');
    for (let i = 0; i < 300; i++) {
      for (const project of projects) tx.objectStore('runs').put({ id: `bulk-${String(i).padStart(4, '0')}-${project.id}`, projectId: project.id, harness: 'bulk', seed: i + 1, status: 'stopped', stopReason: 'all-finished', createdAt: 1000 + i, updatedAt: 1000 + i, head: 10, specHash: 'x', doc: null, owner: 'gone', leaseUntil: 0 });
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return { runs: 300, projects: projects.length };
  });
  expect(total.projects).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByTestId('runs-scroll')).toHaveAttribute('data-rows', String(total.runs), { timeout: 30_000 });
  expect(await page.getByTestId('run-item').count()).toBeLessThan(40);
  // The newest is selected and shown; scrolling to the end shows the oldest, which opens on a click.
  await expect(page.locator('[data-testid="run-item"][aria-selected="true"]')).toHaveAttribute('data-run', /^bulk-0299/);
  await page.getByTestId('runs-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  const oldest = page.locator('[data-testid="run-item"][data-run^="bulk-0000"]');
  await expect(oldest).toBeVisible();
  expect(await page.getByTestId('run-item').count()).toBeLessThan(40);
  expect(errors).toEqual([]);
});
