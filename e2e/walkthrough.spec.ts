/**
 * What a new user trips on at 1280×720, found by walking the studio as one: a run's buttons
 * that the runs column clipped, and similar defects, each checked as the person meets it.
 */
import { expect, test, type Locator } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test.use({ viewport: { width: 1280, height: 720 } });

async function box(l: Locator): Promise<{ left: number; right: number; top: number; bottom: number }> {
  const b = await l.boundingBox();
  expect(b, 'element has a box').not.toBeNull();
  return { left: b!.x, right: b!.x + b!.width, top: b!.y, bottom: b!.y + b!.height };
}

test('every button of a run in the runs list is inside the runs column, Delete included', async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  const column = await box(page.getByTestId('runs-scroll'));
  const item = page.getByTestId('run-item').first();
  for (const id of ['run-rename', 'run-pin', 'run-export-trace', 'run-delete']) {
    const b = await box(item.getByTestId(id));
    expect(b.right, `${id} right edge`).toBeLessThanOrEqual(column.right);
    expect(b.left, `${id} left edge`).toBeGreaterThanOrEqual(column.left);
  }
  expect(errors).toEqual([]);
});

/** Visible text in `root` set in a font smaller than 11 px: "size tag "text"" per element. */
async function smallText(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const out: string[] = [];
    for (const e of el.querySelectorAll('*')) {
      const own = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (!own || e.closest('svg')) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (size < 11) out.push(`${size}px ${e.tagName.toLowerCase()} "${e.textContent!.trim().slice(0, 30)}"`);
    }
    return out;
  });
}

test('the run panel sets no text under 11 px: who wrote an artifact, and which check judged a segment', async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  // The research team's writer publishes its report: "by writer @ seq" beside the name.
  await expect(page.getByTestId('run-panel').locator('.rp-artifact-name small').first()).toBeVisible();
  expect(await smallText(page.getByTestId('run-panel'))).toEqual([]);

  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-distractors-checked').click();
  await expect(page.getByTestId('lesson-panel')).toContainText('Distractors, checked');
  await runToStop(page);
  await page.getByTestId('run-tab-memory').click();
  // The memo's validity, set by the store's contradiction check, named beside it.
  await expect(page.getByTestId('validity-why').first()).toBeVisible();
  expect(await smallText(page.getByTestId('run-panel'))).toEqual([]);
  expect(errors).toEqual([]);
});

test('the Messages view of a run without messages says why its lanes are empty', async ({ page }) => {
  const errors = await openStudio(page);
  // Group chat: the agents take turns in their groups and send no message to one another.
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-groupchat').click();
  await expect(page.getByTestId('lesson-panel')).toContainText('Group chat');
  await runToStop(page);
  await page.getByTestId('run-tab-messages').click();
  await expect(page.getByTestId('sequence-diagram')).toBeVisible();
  await expect(page.getByTestId('no-messages')).toBeVisible();
  await expect(page.getByTestId('no-messages')).toContainText('No message before the cursor');

  // The research team's planner messages the researcher: the note goes once the arrow is there.
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-research-team').click();
  await expect(page.getByTestId('lesson-panel')).toContainText('Research team');
  await runToStop(page);
  await page.getByTestId('run-tab-messages').click();
  await expect(page.getByTestId('sequence-diagram')).toBeVisible();
  await expect(page.getByTestId('no-messages')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test.describe('first run', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the tour marks the run views on their tab row, not on a toolbar button above it', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('first-run-tour')).toBeVisible({ timeout: 15_000 });
    const marker = page.getByTestId('tour-marker-3');
    await expect(marker).toBeVisible();
    const m = await box(marker);
    const tabs = await box(page.getByRole('tablist', { name: 'Run views' }));
    const middle = (m.top + m.bottom) / 2;
    expect(middle, 'marker 3 is level with the tab row').toBeGreaterThanOrEqual(tabs.top);
    expect(middle).toBeLessThanOrEqual(tabs.bottom);
    for (const button of await page.getByTestId('run-panel').locator('.rp-toolbar button').all()) {
      const b = await box(button);
      const overlaps = m.left < b.right && m.right > b.left && m.top < b.bottom && m.bottom > b.top;
      expect(overlaps, `marker 3 covers "${await button.innerText()}"`).toBe(false);
    }
  });
});

test('each run view tab says what the view shows, and the Slabs view before a run says how to fill it', async ({ page }) => {
  const errors = await openStudio(page);
  const tabs = page.getByRole('tablist', { name: 'Run views' }).getByRole('tab');
  await expect(tabs).toHaveCount(10);
  const titles = await tabs.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(new Set(titles).size, titles.join('\n')).toBe(10);
  await expect(page.getByTestId('run-tab-slabs')).toHaveAttribute('title', /\/proc\/slabinfo/);
  await expect(page.getByTestId('run-tab-edit')).toHaveAttribute('title', /fork/);

  await page.getByTestId('run-tab-slabs').click();
  await expect(page.getByTestId('slab-view')).toContainText('press Run');
  await expect(page.getByTestId('slab-view')).toContainText('regions');
  expect(errors).toEqual([]);
});

test('the Termination view of a document that does not parse says why its limits are missing', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('import-input').setInputFiles({ name: 'broken.harness.json', mimeType: 'application/json', buffer: Buffer.from('{ "version": 1, "name": ') });
  await expect(page.getByTestId('notice')).toContainText('not valid JSON at line 1');
  await page.getByTestId('run-tab-termination').click();
  await expect(page.getByTestId('term-limits-none')).toHaveText('The document has issues: limits show once it parses.');
  expect(errors).toEqual([]);
});

test("Send without a collector says so in full, and the toolbar keeps the scrubber and the cursor readout in view", async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  const toolbar = page.getByRole('toolbar', { name: 'Run controls' });
  const before = await box(toolbar);
  await page.getByTestId('run-send-otlp').click();
  const status = page.getByTestId('otel-send-status');
  await expect(status).toHaveAttribute('data-ok', 'false');
  await expect(status).toContainText('Settings › OpenTelemetry collector');
  // The whole message is on screen, not cut to one line with its end in a tooltip.
  expect(await status.evaluate((e) => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight)).toBe(true);
  const readout = await box(page.getByTestId('cursor-readout'));
  expect(readout.right, 'cursor readout right edge').toBeLessThanOrEqual(1280);
  await expect(page.getByTestId('cursor-readout')).toHaveText(/event \d+ \/ \d+/);
  expect((await box(toolbar)).bottom).toBe(before.bottom);
  await page.getByTestId('otel-send-close').click();
  await expect(status).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('To cursor is off at the head of a stopped run, where it has nowhere to go, and on one event back', async ({ page }) => {
  const errors = await openStudio(page);
  const head = await runToStop(page);
  const toCursor = page.getByTestId('run-to-cursor-button');
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head} / ${head}`);
  await expect(toCursor).toBeDisabled();
  await page.getByTestId('step-back-button').click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head - 1} / ${head}`);
  await expect(toCursor).toBeEnabled();
  expect(errors).toEqual([]);
});

test('the process table fits its column at 1280 px: cost stays in view, with a spawned child indented under its parent', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-spawn-tree').click();
  await expect(page.getByTestId('lesson-panel')).toContainText('Spawn tree');
  const head = await runToStop(page);
  const scroll = page.getByTestId('process-scroll');
  // Event 40: the lead, the researcher under it and the summarizer under that, all with figures.
  for (const seq of [40, head]) {
    await page.getByTestId('scrubber').fill(String(seq));
    await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', String(seq));
    const overflow = await scroll.evaluate((e) => e.scrollWidth - e.clientWidth);
    expect(overflow, `process table wider than its column at event ${seq}`).toBeLessThanOrEqual(0);
  }
  expect(errors).toEqual([]);
});

test("the Scheduler view's empty marker list is inset like every other note, not flush against the panel's edge", async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  await page.getByTestId('run-tab-scheduler').click();
  const note = page.getByTestId('run-panel').getByText('No preemptions, throttles or refused admissions.');
  await expect(note).toBeVisible();
  expect(await note.evaluate((e) => parseFloat(getComputedStyle(e).paddingLeft))).toBeGreaterThanOrEqual(6);
  expect(errors).toEqual([]);
});

test('the breakpoint form in its 200px column leaves room to read the kind and the value typed', async ({ page }) => {
  const errors = await openStudio(page);
  const kind = await box(page.getByTestId('breakpoint-kind'));
  const value = page.getByTestId('breakpoint-value');
  await expect(value).toHaveAttribute('placeholder', 'tool id');
  expect(kind.right - kind.left, 'kind select width').toBeGreaterThanOrEqual(150);
  const v = await box(value);
  expect(v.right - v.left, 'value input width').toBeGreaterThanOrEqual(100);
  const add = await box(page.getByTestId('breakpoint-add'));
  expect(add.right).toBeLessThanOrEqual((await box(page.getByTestId('breakpoints'))).right);
  // Still one form: a tool breakpoint typed and added lands in the list.
  await value.fill('web_search');
  await page.getByTestId('breakpoint-add').click();
  await expect(page.getByTestId('breakpoints')).toContainText('web_search');
  expect(errors).toEqual([]);
});

test("an experiment's paired comparisons show each verdict inside the results pane at 1280 px", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = await openStudio(page);
  await page.getByTestId('experiments-button').click();
  await page.getByTestId('exp-example').selectOption('delegation.experiment.json');
  await page.getByTestId('exp-run').click();
  const table = page.getByTestId('exp-comparisons');
  await expect(table).toBeVisible({ timeout: 60_000 });
  const pane = await box(page.locator('.ex-results'));
  const verdicts = table.locator('td.ex-verdict');
  expect(await verdicts.count()).toBeGreaterThan(0);
  for (const v of await verdicts.all()) {
    const b = await box(v);
    expect(b.right, `verdict "${(await v.innerText()).slice(0, 40)}" right edge`).toBeLessThanOrEqual(pane.right);
  }
  expect(errors).toEqual([]);
});
