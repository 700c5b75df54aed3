/** Trust as a user meets it: an approval that pauses one agent, and decisions that name their rule. */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

async function openExample(page: Page, id: string, node: string): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId(`node-${node}`)).toBeVisible();
}

test('an approval pauses only the writer; the researcher finishes; approving resumes the run in place', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'approvals', 'writer');
  await page.getByTestId('run-button').click();

  const prompt = page.getByTestId('approval-prompt');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await expect(prompt).toContainText('writer');
  await expect(prompt).toContainText('fs_write');
  await expect(prompt).toContainText('/workspace/report.md');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'waiting');
  // Only the writer waits: the researcher has already finished its work.
  await expect(page.locator('[data-testid="process-row"][data-agent="researcher"]')).toHaveAttribute('data-state', 'done');
  await expect(page.locator('[data-testid="process-row"][data-agent="writer"]')).toHaveAttribute('data-state', 'syscall');
  const before = Number(/(\d+)\s*\/\s*(\d+)/.exec(await page.getByTestId('cursor-readout').innerText())![2]);

  await page.getByTestId('approval-remember').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await expect(prompt).toHaveCount(0);
  // In place: the same run went on from where it waited (no second run, no restart).
  const after = Number(/(\d+)\s*\/\s*(\d+)/.exec(await page.getByTestId('cursor-readout').innerText())![2]);
  expect(after).toBeGreaterThan(before);
  await page.getByTestId('filter-type').selectOption('tool.approved');
  await expect(page.locator('[data-testid="event-row"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="event-row"]').first()).toContainText('session rule fs_write(/workspace/report.md)');
  expect(errors).toEqual([]);
});

test('a decision row names its rule and scope and jumps to the rule on the canvas; taint blocks the injected mail', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'injection', 'assistant');
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  await page.getByTestId('run-tab-permissions').click();
  const view = page.getByTestId('permissions-view');
  await expect(view).toBeVisible();
  // The planted mail: the one send_mail the run denies, by the taint module, tainted by the page it came from.
  const denied = view.locator('[data-testid^="decision-row-"][data-outcome="deny"]').filter({ hasText: 'send_mail' });
  await expect(denied).toHaveCount(1);
  await expect(denied.locator('.tv-outcome')).toHaveText('deny');
  await expect(denied.locator('.tv-authority')).toHaveText('by taint (kernel)');
  await expect(denied).toContainText(/privileged sink .*\[tainted-sink\]/);
  await expect(denied).toContainText(/tool:web_fetch#c\d+/);
  // The colleague's mail was allowed by a project rule: its row names it and jumps to it.
  const allowed = view.locator('[data-testid^="decision-row-"]').filter({ hasText: 'mail-colleagues' });
  await expect(allowed).toHaveCount(1);
  await expect(allowed).toHaveAttribute('data-outcome', 'allow');
  await expect(allowed.locator('.tv-authority')).toHaveText('by mail-colleagues (project, rules)');
  const seq = (await allowed.getAttribute('data-testid'))!.replace('decision-row-', '');
  await page.getByTestId(`decision-jump-${seq}`).click();
  await expect(page.getByTestId('canvas-view-policy')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('policy-rule-mail-colleagues')).toHaveAttribute('data-focused', 'true');
  expect(errors).toEqual([]);
});
