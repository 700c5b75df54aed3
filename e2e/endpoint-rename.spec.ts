/**
 * Renaming an endpoint in Settings keeps the models bound to it: the inspector stores the
 * endpoint's id, not its name (a name-keyed binding showed the endpoint as "(missing)" after a
 * rename, and the run was refused).
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio } from './helpers';

async function saveEndpoint(page: Page, name: string): Promise<void> {
  await page.getByTestId('endpoint-name').fill(name);
  await page.getByTestId('endpoint-save').click();
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
}

test('a model stays bound to its endpoint when the endpoint is renamed, across a reload', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('settings-button').click();
  await page.getByTestId('endpoint-add').click();
  await page.getByTestId('endpoint-kind').selectOption('openai');
  await page.getByTestId('endpoint-url').fill('http://127.0.0.1:9/v1');
  await saveEndpoint(page, 'Wire server');
  await page.keyboard.press('Escape');

  await page.getByTestId('node-sim-small').click();
  await page.getByTestId('field-provider').selectOption('openai-compatible');
  await page.getByTestId('field-endpoint').selectOption('Wire server');
  await page.getByTestId('node-planner').click();
  await expect(page.getByTestId('driven-by')).toContainText('at Wire server.');

  await page.getByTestId('settings-button').click();
  await page.locator('[data-testid="endpoint-row"][data-endpoint="Wire server"]').getByTestId('endpoint-edit').click();
  await saveEndpoint(page, 'Renamed wire');
  await page.keyboard.press('Escape');

  await expect(page.getByTestId('driven-by')).toContainText('at Renamed wire.');
  await page.getByTestId('node-sim-small').click();
  await expect(page.getByTestId('field-endpoint').locator('option:checked')).toHaveText('Renamed wire');

  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.reload();
  await page.getByTestId('node-sim-small').click();
  await expect(page.getByTestId('field-endpoint').locator('option:checked')).toHaveText('Renamed wire');
});
