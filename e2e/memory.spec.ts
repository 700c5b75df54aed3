/** Memory as a user watches it: the window, its page table and the archive, following the scrubber. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('the stacked bar and page table change as the scrubber moves across an eviction', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-paging').click();
  await expect(page.getByTestId('node-assistant')).toBeVisible();
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  // Find the eviction in the log.
  await page.getByTestId('filter-type').selectOption('mem.evicted');
  const row = page.locator('[data-testid="event-row"]').first();
  const seq = Number(await row.getAttribute('data-seq'));
  await page.getByTestId('filter-type').selectOption('');

  await page.getByTestId('run-tab-memory').click();
  await expect(page.getByTestId('memory-view')).toBeVisible();
  await page.getByTestId('memory-agent').selectOption('assistant');

  await page.getByTestId('scrubber').fill(String(seq - 1));
  const before = await page.locator('[data-testid="segment-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  const barBefore = await page.getByTestId('memory-bar').innerText();
  await page.getByTestId('scrubber').fill(String(seq));
  await expect.poll(async () => (await page.locator('[data-testid="segment-row"]').count())).toBeLessThan(before.length);
  const after = await page.locator('[data-testid="segment-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  expect(after.every((id) => before.includes(id))).toBe(true);
  expect(await page.getByTestId('memory-bar').innerText()).not.toBe(barBefore);

  // The archive browser finds the codename the assistant filed.
  const browser = page.getByTestId('archive-browser');
  await page.getByTestId('archive-query').fill('codename');
  await expect(browser).toContainText('BLUE HERON');
  expect(errors).toEqual([]);
});
