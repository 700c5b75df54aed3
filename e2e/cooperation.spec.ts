/** Cooperation and termination as a user sees them: the chain of messages and why a run stopped. */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

async function openExample(page: Page, id: string, node: string): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId(`node-${node}`)).toBeVisible();
}

test('the sequence diagram shows the delegation chain and what survived each hop', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'delegation', 'client_t');
  await runToStop(page);
  await page.getByTestId('run-tab-messages').click();
  await expect(page.getByTestId('messages-view')).toBeVisible();
  await expect(page.getByTestId('sequence-diagram')).toBeVisible();
  const list = page.getByTestId('message-list');
  for (const [from, to] of [['client_t', 'planner_t'], ['planner_t', 'coordinator_t'], ['coordinator_t', 'vendor_t']]) {
    await expect(list.locator('[data-testid^="message-row-"]').filter({ hasText: new RegExp(`${from}.*${to}`) }).first()).toBeAttached();
    await expect(page.getByTestId(`retention-row-${from}-${to}`)).toContainText('100%');
  }
  await expect(page.getByTestId('retention-row-client_u-planner_u')).toBeVisible();
  expect(errors).toEqual([]);
});

test('the Termination panel explains a livelock stop and links its evidence', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'livelock', 'editor');
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'livelock');
  await page.getByTestId('run-tab-termination').click();
  const panel = page.getByTestId('termination-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'livelock');
  await expect(panel.getByTestId('stop-section')).toContainText(/alternates between two states/);
  const evidence = panel.locator('[data-testid^="evidence-"]');
  expect(await evidence.count()).toBeGreaterThanOrEqual(4);
  await expect(panel.getByTestId('goal-row-published')).toHaveAttribute('data-met', 'false');
  // An evidence row takes the cursor to its event.
  const first = evidence.first();
  const seq = Number((await first.getAttribute('data-testid'))!.replace('evidence-', ''));
  await first.click();
  await expect(page.getByTestId('cursor-readout')).toContainText(String(seq));
  expect(errors).toEqual([]);
});

test('a person answers an agent’s input-required task from the Messages view; the run goes on in place', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'ask-human', 'concierge');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting', { timeout: 15_000 });
  await page.getByTestId('run-tab-messages').click();
  const ask = page.locator('[data-testid^="input-required-"]').first();
  await expect(ask).toContainText('concierge needs input from human');
  await ask.getByRole('button', { name: /answer/i }).click();
  await expect(page.getByTestId('composer-to')).toHaveValue('concierge');
  await page.getByTestId('composer-text').fill('Lisbon');
  await page.getByTestId('composer-send').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('message-list').locator('[data-testid^="message-row-"]').filter({ hasText: 'booked Lisbon' })).toHaveCount(1);
  await page.getByTestId('run-tab-termination').click();
  await expect(page.getByTestId('goal-row-booked')).toHaveAttribute('data-met', 'true');
  expect(errors).toEqual([]);
});
