/** Smoke: the built studio loads without console errors and shows its title. */
import { expect, test } from '@playwright/test';

test('the studio loads without console errors and shows its title', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));

  await page.goto('/');
  await expect(page).toHaveTitle(/Harness Studio/);
  await expect(page.getByText('Harness Studio', { exact: false }).first()).toBeVisible();
  // Let late module loads, workers and effects report before judging the console.
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);
});
