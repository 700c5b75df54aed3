/** Regions and allocator classes: the regions example runs, the Slabs view lists every class with its counts, and the log shows the stale handle refused. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('regions example: the Slabs view lists the classes with counts, and the event log shows the stale-handle refusal', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-regions').click();
  await expect(page.getByTestId('node-reader')).toBeVisible();

  const head = await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await expect(page.getByTestId('artifacts')).toContainText('the launch moved to Thursday');

  // The log: the reader's old handle refused with both generations, then re-acquired.
  await page.getByTestId('filter-type').selectOption('region.stale');
  const stale = page.locator('[data-testid="event-row"]').first();
  await expect(stale).toContainText(/handle doc#1 refused · generation \d+ vs \d+ · re-acquire artifact:doc\.brief/);
  await page.getByTestId('filter-type').selectOption('region.denied');
  await expect(page.locator('[data-testid="event-row"]').first()).toContainText('write artifact:doc.brief refused · reader holds "r" on doc');
  await page.getByTestId('filter-type').selectOption('');

  // The Slabs view at the head: every class with its counts; every trace event is a trace-span allocation.
  await page.getByTestId('run-tab-slabs').click();
  const view = page.getByTestId('slab-view');
  await expect(view).toHaveAttribute('data-seq', String(head));
  const rows = page.getByTestId('slab-row');
  await expect(rows).toHaveCount(5);
  await expect(rows.nth(0)).toHaveAttribute('data-class', 'prompt-segment');
  await expect(page.locator('[data-testid="slab-row"][data-class="trace-span"]')).toHaveAttribute('data-allocs', String(head + 1));
  const segments = Number(await page.locator('[data-testid="slab-row"][data-class="prompt-segment"]').getAttribute('data-live'));
  expect(segments).toBeGreaterThan(0);
  // Both jobs ended: no job descriptor is live.
  await expect(page.locator('[data-testid="slab-row"][data-class="job-descriptor"]')).toHaveAttribute('data-live', '0');
  // The document keeps prompt segments from other agents: the row says so.
  await expect(page.locator('[data-testid="slab-row"][data-class="prompt-segment"] td').last()).toHaveText('no');
  // The region's generation moved with each dropped lock; the reader holds fresh handles.
  const region = page.locator('[data-testid="region-row"][data-region="doc"]');
  expect(Number(await region.getAttribute('data-generation'))).toBeGreaterThan(1);
  await expect(region).toContainText('reader: doc#3');
  await expect(region).not.toContainText('(stale)');
  expect(errors).toEqual([]);
});
