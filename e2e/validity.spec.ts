/** Validity judged at run time, as a user sees it: the checked-distractors example marks the wrong memo invalid, with its reason. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('the Memory view marks the wrong memo invalid and says which check found it and why', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-distractors-checked').click();
  await expect(page.getByTestId('node-researcher')).toBeVisible();
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  await page.getByTestId('run-tab-memory').click();
  await expect(page.getByTestId('memory-view')).toBeVisible();
  await page.getByTestId('memory-agent').selectOption('researcher');
  // The verdict is a memory event with its numbers.
  await expect(page.getByTestId('memory-view')).toContainText('contradiction → invalid');
  // The memo left the window for recall: its row shows validity 0.00 and the check, the reason on hover and in its detail.
  await page.getByTestId('recall-list').locator('summary').click();
  const memo = page.getByTestId('recall-row').filter({ has: page.getByTestId('validity-why') });
  await expect(memo).toHaveCount(1);
  await expect(memo).toContainText('0.00');
  await expect(memo.getByTestId('validity-why')).toHaveText('contradiction');
  await expect(memo.getByTestId('validity-why')).toHaveAttribute('title', /contradicts fact s\d+: launch date is March 3 there, April 9 here/);
  await memo.click();
  await expect(page.getByTestId('segment-validity')).toContainText('validity 0.00 by contradiction: contradicts fact');
  await expect(page.getByTestId('segment-detail')).toContainText('Memo: the launch date was moved to April 9');
  expect(errors).toEqual([]);
});
