import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

/** The suite's size as suite.json says today (another change may add harnesses). */
const harnesses = (JSON.parse(readFileSync('public/examples/injection-suite/suite.json', 'utf8')) as { harnesses: { file: string }[] }).harnesses;
const N = harnesses.length;

test('Permissions scores the injection suite: per-defence table, aim met, a row per harness; Cancel stops it', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('run-tab-permissions').click();
  const section = page.getByTestId('injection-suite');
  await expect(section).toContainText('Injection suite');

  // Cancel: the scoring stops early and says so; the aim is not judged on a part of the suite.
  await page.getByTestId('suite-score').click();
  await expect(page.getByTestId('suite-progress')).toBeVisible();
  await page.getByTestId('suite-cancel').click();
  await expect(page.getByTestId('suite-aim')).toHaveAttribute('data-aim', 'unjudged', { timeout: 30_000 });
  await expect(section).toContainText('(cancelled)');

  // The whole suite: every attack lands undefended, none with all defences, and utility holds.
  const started = Date.now();
  await page.getByTestId('suite-score').click();
  await expect(page.getByTestId('suite-aim')).toHaveAttribute('data-aim', 'met', { timeout: 90_000 });
  test.info().annotations.push({ type: 'suite scoring', description: `${N} harnesses × 5 settings in ${Date.now() - started} ms` });
  const none = page.getByTestId('suite-score-none');
  await expect(none.locator('td').nth(0)).toHaveText(`${N}/${N} (100.0%)`);
  await expect(page.getByTestId('suite-score-all').locator('td').nth(0)).toHaveText(`0/${N} (0.0%)`);
  await expect(section).toContainText(`${N} harnesses × 1 seed on sim`);

  // Which defence stops which attack: one row per harness, landed undefended, blocked with all.
  const rows = page.getByTestId('suite-matrix-row');
  await expect(rows).toHaveCount(N);
  const first = harnesses[0]!.file;
  await expect(page.getByTestId(`suite-cell-${first}-none`)).toContainText('landed');
  await expect(page.getByTestId(`suite-cell-${first}-all`)).toContainText('blocked');

  // A cell opens that harness, under that defence, as a new project to run and inspect.
  await page.getByTestId(`suite-cell-${first}-none`).click();
  await expect(page.getByTestId('project-name')).toHaveValue(/\(defence: none\)$/);
  expect(errors).toEqual([]);
});
