/** Delegation: the run's process table shows each spawned sub-agent under its spawner. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('spawn tree: after a run, the researcher is listed under the lead and the summarizer under the researcher', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-spawn-tree').click();
  await expect(page.getByTestId('node-lead')).toBeVisible();

  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  const rows = page.getByTestId('process-row');
  // The refused checker never ran: three processes, in tree order.
  await expect(rows).toHaveCount(3);
  const tree = [['lead', null, '0'], ['researcher', 'lead', '1'], ['summarizer', 'researcher', '2']] as const;
  for (const [i, [agent, parent, depth]] of tree.entries()) {
    await expect(rows.nth(i)).toHaveAttribute('data-agent', agent);
    await expect(rows.nth(i)).toHaveAttribute('data-depth', depth);
    if (parent === null) await expect(rows.nth(i)).not.toHaveAttribute('data-parent');
    else await expect(rows.nth(i)).toHaveAttribute('data-parent', parent);
  }
  await expect(rows.nth(1)).toContainText('└ researcher');

  // Before the researcher was spawned, only the lead is in the table.
  await page.getByTestId('filter-type').selectOption('agent.spawned');
  const spawned = page.locator('[data-testid="event-row"]').first();
  await expect(spawned).toContainText('researcher');
  const seq = Number(await spawned.getAttribute('data-seq'));
  await page.getByTestId('filter-type').selectOption('');
  await page.getByTestId('scrubber').fill(String(seq - 3));
  await expect(rows).toHaveCount(1);
  await page.getByTestId('scrubber').fill(String(seq));
  await expect(page.locator('[data-testid="process-row"][data-agent="researcher"]')).toHaveAttribute('data-parent', 'lead');
  expect(errors).toEqual([]);
});
