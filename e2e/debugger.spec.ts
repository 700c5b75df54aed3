/**
 * The debugger as a Chrome DevTools user expects it: conditional breakpoints and logpoints saved
 * with the project, stepping over / into / out, the shortcut sheet, the watch pane and the
 * context the model saw. On the preloaded research-team example (sim CPU, seed 1).
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, selectedRowSeq } from './helpers';

const selectedRow = (page: Page) => page.locator('[data-testid="event-row"][aria-selected="true"]');

async function addBreakpoint(page: Page, kind: string, value: string, extra: { condition?: string; log?: string } = {}) {
  await page.getByTestId('breakpoint-kind').selectOption(kind);
  if (value !== '') await page.getByTestId('breakpoint-value').fill(value);
  if (extra.condition) await page.getByTestId('breakpoint-condition').fill(extra.condition);
  if (extra.log) await page.getByTestId('breakpoint-log').fill(extra.log);
  await page.getByTestId('breakpoint-add').click();
}

test('a conditional breakpoint pauses only where it holds, a logpoint writes its line, and both survive a reload', async ({ page }) => {
  const errors = await openStudio(page);
  // Validated as it is typed: where and what.
  await page.getByTestId('breakpoint-kind').selectOption('event');
  await page.getByTestId('breakpoint-value').fill('infer.completed');
  await page.getByTestId('breakpoint-condition').fill('agent == "writer" &&');
  await expect(page.getByTestId('breakpoint-condition-error')).toContainText('at column 21: the expression ends too early');
  await expect(page.getByTestId('breakpoint-add')).toBeDisabled();
  await page.getByTestId('breakpoint-condition').fill('agent == "writer" && tokens > 0');
  await expect(page.getByTestId('breakpoint-condition-error')).toHaveCount(0);
  await page.getByTestId('breakpoint-add').click();
  await addBreakpoint(page, 'event', 'infer.completed', { log: '{agent} spent {tokens}' });
  await expect(page.getByTestId('breakpoint-row')).toHaveCount(2);

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused', { timeout: 15_000 });
  await expect(page.getByTestId('breakpoint-hit')).toBeVisible();
  await expect(selectedRow(page).locator('.rp-type')).toHaveText('infer.completed');
  await expect(selectedRow(page).locator('.rp-agent')).toHaveText('writer');
  // Every turn before it logged a line without pausing; only the writer's paused.
  const lines = page.getByTestId('logpoint-line');
  const texts = await lines.allInnerTexts();
  expect(texts.length).toBeGreaterThan(1);
  expect(texts.slice(0, -1).every((t) => /(planner|researcher) spent \d+/.test(t))).toBe(true);
  expect(texts[texts.length - 1]).toMatch(/writer spent \d+/);

  await page.reload();
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('breakpoint-row')).toHaveCount(2);
  await expect(page.getByTestId('breakpoint-row').first()).toContainText('if agent == "writer" && tokens > 0');
  await expect(page.getByTestId('breakpoint-row').nth(1)).toHaveAttribute('data-logpoint', 'true');
  expect(errors).toEqual([]);
});
