/** Run text is text: markup in model output is shown literally, never executed. */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

const PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';

test('a <script>/<img onerror> payload in agent output shows as literal text', async ({ page }, info) => {
  await openStudio(page);
  const doc = {
    version: 1,
    name: 'Hostile output',
    models: [{ id: 'm', name: 'M', provider: 'sim', slots: 1 }],
    agents: [{ id: 'evil', name: 'Evil', model: 'm', behaviour: [{ op: 'write', artifact: 'page', text: PAYLOAD }, { op: 'finish', text: PAYLOAD }] }],
  };
  const file = info.outputPath('hostile.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('node-evil')).toBeVisible();
  await runToStop(page);

  await expect(page.getByTestId('artifacts')).toContainText(PAYLOAD);
  await page.locator('[data-testid="event-row"]', { hasText: 'agent.finished' }).click();
  await expect(page.getByTestId('event-detail')).toContainText('<script>window.__pwned=2</script>');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // No element was made from the payload anywhere on the page.
  await expect(page.locator('img[src="x"], #root script')).toHaveCount(0);
  await expect(page.locator('b', { hasText: 'bold?' })).toHaveCount(0);
});
