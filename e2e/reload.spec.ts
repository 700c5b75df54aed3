/** A run waiting on a person survives a reload: the ask is still answerable and the run goes on in place. */
import { expect, test, type Page } from '@playwright/test';
import { openStudio } from './helpers';

async function openExample(page: Page, id: string, node: string): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId(`node-${node}`)).toBeVisible();
}

// Two page loads, a run and a resume: more than the default 30 s on a loaded machine.
test.describe.configure({ timeout: 60_000 });

const headOf = async (page: Page): Promise<number> => Number(/(\d+)\s*\/\s*(\d+)/.exec(await page.getByTestId('cursor-readout').innerText())![2]);

test('reloading with the approval prompt open: approving still resumes the same run in place', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'approvals', 'writer');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('approval-prompt')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting');
  const before = await headOf(page);

  await page.reload();
  await expect(page.getByTestId('node-writer')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 10_000 });
  const prompt = page.getByTestId('approval-prompt');
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('fs_write');

  await page.getByTestId('approval-remember').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await expect(prompt).toHaveCount(0);
  // In place: still one run, grown past where it waited.
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  expect(await headOf(page)).toBeGreaterThan(before);
});

test('reloading while an agent waits for the person: sending from Messages moves the run on', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'ask-human', 'concierge');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting', { timeout: 15_000 });

  await page.reload();
  await expect(page.getByTestId('node-concierge')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 10_000 });
  await page.getByTestId('run-tab-messages').click();
  const ask = page.locator('[data-testid^="input-required-"]').first();
  await expect(ask).toContainText('concierge needs input from human');
  await ask.getByRole('button', { name: /answer/i }).click();
  await page.getByTestId('composer-text').fill('Lisbon');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('message-list').locator('[data-testid^="message-row-"]').filter({ hasText: 'booked Lisbon' })).toHaveCount(1);
});
