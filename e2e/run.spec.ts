/** A new user's first minutes: the example is there, it runs, and the debugger travels in time. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop, selectedRowSeq } from './helpers';

test('a new user finds the example, runs it, and steps back with log and scrubber in step', async ({ page }) => {
  const errors = await openStudio(page);
  await expect(page.getByTestId('project-name')).toHaveValue('Research team');
  for (const id of ['planner', 'researcher', 'writer', 'web_search', 'corpus', 'notes', 'sim-small']) {
    await expect(page.getByTestId(`node-${id}`)).toBeVisible();
  }

  const head = await runToStop(page);
  expect(head).toBeGreaterThan(40);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await expect(page.getByTestId('artifacts')).toContainText('The context window as RAM');
  expect(await selectedRowSeq(page)).toBe(head);

  await page.getByTestId('step-back-button').click();
  await page.getByTestId('step-back-button').click();
  await expect(page.getByTestId('cursor-readout')).toContainText(`${head - 2} / ${head}`);
  await expect(page.getByTestId('scrubber')).toHaveValue(String(head - 2));
  expect(await selectedRowSeq(page)).toBe(head - 2);
  // The stop is in the future of the cursor: the process table no longer shows it.
  await expect(page.getByTestId('stop-reason')).toHaveCount(0);

  // Moving the scrubber moves the log's highlight and the process table with it.
  await page.getByTestId('scrubber').fill('10');
  await expect(page.getByTestId('cursor-readout')).toContainText(`10 / ${head}`);
  expect(await selectedRowSeq(page)).toBe(10);

  // Clicking a row moves the cursor there.
  await page.locator('[data-testid="event-row"][data-seq="12"]').click();
  await expect(page.getByTestId('scrubber')).toHaveValue('12');

  // Step forward through recorded events without re-running the kernel.
  await page.getByTestId('step-event-button').click();
  await expect(page.getByTestId('cursor-readout')).toContainText(`13 / ${head}`);
  expect(errors).toEqual([]);
});

test('the event log filters by agent and by type', async ({ page }) => {
  await openStudio(page);
  await runToStop(page);
  await page.getByTestId('filter-agent').selectOption('writer');
  const agents = await page.locator('[data-testid="event-row"] .rp-agent').allInnerTexts();
  expect(agents.length).toBeGreaterThan(3);
  expect(new Set(agents)).toEqual(new Set(['writer']));
  await page.getByTestId('filter-agent').selectOption('');
  await page.getByTestId('filter-type').selectOption('tool.returned');
  const types = await page.locator('[data-testid="event-row"] .rp-type').allInnerTexts();
  expect(types.length).toBeGreaterThan(0);
  expect(new Set(types)).toEqual(new Set(['tool.returned']));
});

test('a breakpoint on a tool pauses the run at its call, and the run goes on from there', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('breakpoint-kind').selectOption('tool');
  await page.getByTestId('breakpoint-value').fill('web_search');
  await page.getByTestId('breakpoint-add').click();
  await expect(page.getByTestId('breakpoint-row')).toHaveCount(1);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused', { timeout: 15_000 });
  await expect(page.getByTestId('breakpoint-hit')).toBeVisible();
  const row = page.locator('[data-testid="event-row"][aria-selected="true"]');
  await expect(row.locator('.rp-type')).toHaveText('tool.called');
  await expect(row).toContainText('web_search');
  // Disable it and continue to the end.
  await page.getByTestId('breakpoint-toggle').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
});

test('fork from an earlier event makes a child run that names its parent', async ({ page }) => {
  await openStudio(page);
  const head = await runToStop(page);
  await page.getByTestId('scrubber').fill('30');
  await page.getByTestId('fork-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('run-parent').first()).toContainText('30');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  // An unedited fork continues as the original did: one run.forked event more.
  await expect(page.getByTestId('cursor-readout')).toContainText(`/ ${head + 1}`);
});
