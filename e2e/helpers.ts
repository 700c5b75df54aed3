/** Shared steps for the end-to-end specs: act as a person would, through roles and test ids. */
import { expect, type Page } from '@playwright/test';

/** Opens the studio on a fresh profile and waits for the preloaded example. */
export async function openStudio(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/');
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  return errors;
}

/** Runs the open project to its stop and returns the head seq. */
export async function runToStop(page: Page): Promise<number> {
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  const readout = await page.getByTestId('cursor-readout').innerText();
  const m = /(\d+)\s*\/\s*(\d+)/.exec(readout);
  expect(m, `cursor readout "${readout}"`).not.toBeNull();
  return Number(m![2]);
}

/** The seq of the highlighted (cursor) row of the event log. */
export async function selectedRowSeq(page: Page): Promise<number> {
  const row = page.locator('[data-testid="event-row"][aria-selected="true"]');
  await expect(row).toHaveCount(1);
  return Number(await row.getAttribute('data-seq'));
}
