/**
 * Experiments as a user meets them: the distractors experiment runs in Web Workers with a
 * progress bar, its forest plot and intervals, a failing run opens in the debugger at its
 * failure; an experiment interrupted by a reload resumes with only the runs it lacks.
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio } from './helpers';

// A few thousand sim runs on a small, shared machine: more than the default 30 s.
test.describe.configure({ timeout: 180_000 });

async function openDistractorsExperiment(page: Page): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-distractors').click();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('experiments-button').click();
  await expect(page.getByTestId('experiments-view')).toBeVisible();
  await page.getByTestId('exp-example').selectOption('distractors.experiment.json');
  await expect(page.getByTestId('variant-without-memo')).toBeVisible({ timeout: 15_000 });
}

test('the distractors experiment: progress, forest plot and intervals; a failing run opens in the debugger at its failure', async ({ page }) => {
  const errors = await openStudio(page);
  await openDistractorsExperiment(page);
  // The variant is shown as its diff against the base: the planted memo removed.
  await expect(page.getByTestId('variant-without-memo').getByTestId('variant-diff')).toContainText('/stores/0/documents/1');
  await expect(page.getByTestId('variant-with-memo')).toContainText('Same as the base document');

  await page.getByTestId('exp-run').click();
  const progress = page.getByTestId('exp-progress');
  await expect(progress).toBeVisible();
  await expect(progress.locator('progress')).toBeVisible();
  await expect(progress).toHaveAttribute('data-done', '80', { timeout: 60_000 });
  await expect(progress).toHaveAttribute('data-total', '80');
  await expect(page.getByTestId('exp-throughput')).toContainText('runs/s');

  // The figures of `harness experiment distractors.experiment.json --json`.
  await expect(page.getByTestId('exp-cell-with-memo-pass')).toContainText('26/40 · 65.0% [49.5%, 77.9%]');
  await expect(page.getByTestId('exp-cell-without-memo-pass')).toContainText('40/40 · 100.0%');
  await expect(page.getByTestId('exp-comparison-pass')).toHaveAttribute('data-better', 'without-memo');
  await expect(page.getByTestId('exp-expectations')).toContainText('Holds');
  const forest = page.getByTestId('chart-forest');
  await expect(forest.locator('svg')).toBeVisible();
  const row = forest.getByTestId('forest-row-with-memo');
  await expect(row).toHaveAttribute('data-rate', '0.65');
  const [lo, hi] = (await row.getAttribute('data-interval'))!.split(',').map(Number);
  expect(lo).toBeCloseTo(0.495, 3);
  expect(hi).toBeCloseTo(0.779, 3);
  await expect(forest.locator('line')).not.toHaveCount(0);

  // A failing run opens in the debugger, at the event where its goal failed.
  // Two runs of the same seed side by side: the memo's run and the one without it part at their first differing event.
  const pairSeed = await page.locator('[data-testid="exp-run-row"][data-failing="true"]').first().getAttribute('data-seed');
  await page.getByLabel(`Pick with-memo seed ${pairSeed}`, { exact: true }).check();
  await page.getByLabel(`Pick without-memo seed ${pairSeed}`, { exact: true }).check();
  await page.getByTestId('compare-runs').click();
  const pair = page.getByTestId('run-pair');
  await expect(pair).toBeVisible({ timeout: 30_000 });
  await expect(pair).toHaveAttribute('data-first-diff', /^\d+$/);
  await expect(pair).toContainText('They first differ at event #');
  await expect(pair.getByTestId('pair-first-diff')).toHaveCount(2);

  // The pass-rate cell lists that variant's failing runs.
  await page.getByTestId('exp-cell-with-memo-pass').getByRole('button').click();
  await expect(page.getByTestId('runs-filter')).toHaveValue('failing:with-memo');
  const failing = page.locator('[data-testid="exp-run-row"][data-failing="true"]');
  await expect(failing).toHaveCount(14);
  await expect(page.locator('[data-testid="exp-run-row"]')).toHaveCount(14);
  const seed = await failing.first().getAttribute('data-seed');
  // The row shows where its goal failed (the kernel's finding, carried by the record) and why.
  const failure = failing.first().getByTestId('exp-run-failure');
  await expect(failure).toContainText('artifact "date" does not contain "March 3"');
  const failedAt = await failure.getAttribute('data-seq');
  expect(failedAt).toMatch(/^\d+$/);
  await failing.first().getByTestId('exp-run-open').click();
  await expect(page.getByTestId('experiments-view')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  // The debugger's cursor is at that event: the write of the wrong date, not the run's stop.
  const selected = page.locator('[data-testid="event-row"][aria-selected="true"]');
  await expect(selected).toHaveAttribute('data-seq', failedAt!);
  await expect(selected).toHaveAttribute('data-type', 'artifact.written');
  await expect(page.getByTestId('event-detail')).toContainText('date');
  await expect(page.getByTestId('event-detail')).not.toContainText('March 3');
  await expect(page.getByTestId('run-seed').or(page.getByTestId('runs-list'))).toContainText(seed!);
  expect(errors).toEqual([]);
});

test('an experiment interrupted by a reload resumes with only the runs it lacks', async ({ page }) => {
  const errors = await openStudio(page);
  await openDistractorsExperiment(page);
  await page.getByTestId('seeds-count').fill('20000');
  await expect(page.getByTestId('exp-run')).toBeEnabled();
  await page.waitForTimeout(500); // the edit is saved 300 ms after it is made
  await page.getByTestId('exp-run').click();
  const progress = page.getByTestId('exp-progress');
  await expect(progress).toHaveAttribute('data-total', '40000');
  await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThan(300);
  await page.reload();

  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 15_000 });
  await page.getByTestId('experiments-button').click();
  const interrupted = page.getByTestId('exp-interrupted');
  await expect(interrupted).toBeVisible({ timeout: 15_000 });
  const stored = Number(/with (\d+) of 40000 runs stored/.exec(await interrupted.innerText())![1]);
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(40000);
  // The tables already show the stored runs.
  await expect(page.getByTestId('exp-partial')).toContainText(`${stored} runs so far`);

  await page.getByTestId('exp-run').click();
  // It goes on from the stored runs, towards the same total: only the runs it lacks are run.
  await expect.poll(async () => Number(await progress.getAttribute('data-done')), { timeout: 60_000 }).toBeGreaterThan(stored + 100);
  await expect(progress).toHaveAttribute('data-total', '40000');
  await page.getByTestId('exp-cancel').click();
  await expect(page.getByTestId('exp-cancelled')).toBeVisible({ timeout: 15_000 });
  const kept = Number(/with (\d+) runs kept/.exec(await page.getByTestId('exp-cancelled').innerText())![1]);
  expect(kept).toBeGreaterThan(stored + 100);
  expect(errors).toEqual([]);
});
