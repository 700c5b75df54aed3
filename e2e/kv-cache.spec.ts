/** The KV cache example: after a run, the Prompt cache section shows each agent's hit rate, and it follows the scrubber. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('kv-cache: the run shows the hit rate per agent beside the process table', async ({ page }) => {
  const errors = await openStudio(page);
  // A harness without a prefix cache has no Prompt cache section.
  await runToStop(page);
  await expect(page.getByTestId('kv-cache')).toHaveCount(0);

  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-kv-cache').click();
  await expect(page.getByTestId('node-reviewer-2')).toBeVisible();
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  const section = page.getByTestId('kv-cache');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('kv-cache-model')).toContainText('of 800 tokens cached');
  // The kernel's figures at seed 1 (cached / prompt tokens over the run's lookups).
  const row = (agent: string) => section.locator(`[data-testid="kv-cache-row"][data-agent="${agent}"]`);
  await expect(row('reviewer-1').getByTestId('kv-hit-rate')).toHaveText('75%');
  await expect(row('reviewer-2').getByTestId('kv-hit-rate')).toHaveText('90%');
  await expect(row('notes').getByTestId('kv-hit-rate')).toHaveText('75%');
  await expect(row('reviewer-2')).toHaveAttribute('data-hit-rate', '0.9017');

  // At the start of the run nothing has been looked up yet.
  await page.getByTestId('scrubber').fill('3');
  await expect(row('reviewer-1').getByTestId('kv-hit-rate')).toHaveText('0%');
  expect(errors).toEqual([]);
});
