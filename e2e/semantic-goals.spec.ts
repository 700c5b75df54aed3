/** Semantic goals as a user sets them up: a similarity condition with its threshold in the inspector, its score in Termination, and a goal that stops the run. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('a similarity goal shows its threshold in the inspector and its score against it in Termination; marked to stop, it ends the run', async ({ page }) => {
  const errors = await openStudio(page);
  const goal = page.getByTestId('goal-form-0');
  await goal.getByTestId('predicate-kind').selectOption('similar');
  // The artifact carries over from the artifact condition; the threshold starts visible at 0.5.
  await expect(goal.getByTestId('predicate-artifact')).toHaveValue('report');
  await expect(goal.getByTestId('predicate-threshold')).toHaveValue('0.5');
  await goal.getByTestId('predicate-reference').fill('The context window as RAM: facts tagged as facts are never evicted');
  await goal.getByTestId('predicate-threshold').fill('0.2');
  await goal.getByTestId('predicate-threshold').blur();
  await goal.getByTestId('goal-stop-0').check();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'goal-reached');
  await page.getByTestId('run-tab-termination').click();
  const row = page.getByTestId('goal-row-report-written');
  await expect(row).toHaveAttribute('data-met', 'true');
  await expect(row).toContainText('ROUGE-L 0.279 ≥ threshold 0.2');
  await expect(page.getByTestId('stop-section')).toContainText('Goal reached');
  expect(errors).toEqual([]);
});
