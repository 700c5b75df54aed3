/** /proc in the inspector: with an agent selected, what it reads from /proc at the scrubber's cursor. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('the budget-aware writer: its /proc shows the budget left at the cursor and changes as the scrubber moves', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-proc-budget').click();
  await expect(page.getByTestId('node-writer')).toBeVisible();
  // Before a run there is nothing to read.
  await page.getByTestId('node-writer').click();
  await expect(page.getByTestId('inspector-agent')).toBeVisible();
  await expect(page.getByTestId('proc-section')).toHaveCount(0);

  const head = await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await expect(page.getByTestId('artifacts')).toContainText('Faster search, OpenTelemetry export, two crash fixes.');

  // The writer read its /proc: the event log has the read.
  await page.getByTestId('filter-type').selectOption('proc.read');
  const readRow = page.locator('[data-testid="event-row"]').first();
  await expect(readRow).toContainText('tokens left');
  const readSeq = Number(await readRow.getAttribute('data-seq'));
  const logged = Number(/(\d+) tokens left/.exec(await readRow.innerText())![1]);
  await page.getByTestId('filter-type').selectOption('');

  const section = page.getByTestId('proc-section');
  await expect(section).toHaveAttribute('data-seq', String(head));
  const atHead = await page.getByTestId('proc-tokens-left').innerText();
  await expect(page.getByTestId('proc-state')).toContainText('done');
  await expect(page.getByTestId('proc-goal').first()).toHaveText(/^met: /);

  // At the read, the inspector shows what the writer saw: the same tokens left as the event recorded.
  await page.getByTestId('scrubber').fill(String(readSeq - 1));
  await expect(section).toHaveAttribute('data-seq', String(readSeq - 1));
  const atRead = await page.getByTestId('proc-tokens-left').innerText();
  expect(atRead).not.toBe(atHead);
  const shown = Number(atRead.endsWith('k') ? Math.round(Number(atRead.slice(0, -1)) * 1000) : atRead);
  expect(Math.abs(shown - logged)).toBeLessThanOrEqual(5);
  await expect(page.getByTestId('proc-state')).toContainText('syscall');

  // At the start the whole budget is left, and the JSON the agent would read is shown as text.
  await page.getByTestId('scrubber').fill('3');
  await expect(section).toHaveAttribute('data-seq', '3');
  await expect(page.getByTestId('proc-tokens-left')).toHaveText('1.50k');
  await section.getByText('JSON as the agent reads it').click();
  await expect(page.getByTestId('proc-json')).toContainText('"tokensLeft": 1500');
  expect(errors).toEqual([]);
});
