/** Turn-taking among agents (sched/turnTaking.ts): a conversation group's speakers in the log and the wait on a turn in the process table. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('the group chat: turn.chosen events go round robin, and a member not chosen waits on its turn', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-groupchat').click();
  await expect(page.getByTestId('node-ann')).toBeVisible();

  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');

  // The log's turn.chosen rows for the round-robin panel: Ann, Ben, Cy, then round again.
  await page.getByTestId('filter-type').selectOption('turn.chosen');
  const panel = page.locator('[data-testid="event-row"]').filter({ hasText: 'panel turn' });
  await expect(panel).toHaveCount(9);
  const speakers = (await panel.allInnerTexts()).map((t) => /panel turn \d+ → (\w+)/.exec(t)![1]);
  expect(speakers).toEqual(['ann', 'ben', 'cy', 'ann', 'ben', 'cy', 'ann', 'ben', 'cy']);
  const first = Number(await panel.first().getAttribute('data-seq'));
  await page.getByTestId('filter-type').selectOption('');

  // Right after Ann is given the first turn, Ben and Cy wait on theirs (four slots are free).
  await page.getByTestId('scrubber').fill(String(first));
  await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', String(first));
  const ben = page.locator('[data-testid="process-row"][data-agent="ben"]');
  await expect(ben.locator('[data-wait="turn"]')).toHaveText('ready · on turn');
  await expect(ben.locator('[data-wait="turn"]')).toHaveAttribute('title', 'waits on its turn in panel: ann speaks');
  await expect(page.locator('[data-testid="process-row"][data-agent="ann"] [data-wait="turn"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});
