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

  // The log's turn.chosen rows for the round-robin panel go Ann, Ben, Cy and round again (the log is
  // windowed: whichever rows it shows, turn n goes to the ((n − 1) mod 3)-th of the order).
  await page.getByTestId('filter-type').selectOption('turn.chosen');
  const panel = page.locator('[data-testid="event-row"]').filter({ hasText: 'panel turn' });
  await expect(panel.nth(4)).toBeVisible();
  const rows = await panel.evaluateAll((els) => els.map((el) => ({ seq: Number(el.getAttribute('data-seq')), text: el.textContent ?? '' })));
  rows.sort((a, b) => a.seq - b.seq);
  const order = ['ann', 'ben', 'cy'];
  const turns = rows.map((r) => {
    const [, n, agent] = /panel turn (\d+) → (\w+)/.exec(r.text)!;
    return { seq: r.seq, n: Number(n), agent: agent! };
  });
  expect(turns.length).toBeGreaterThanOrEqual(5);
  turns.forEach((t, i) => {
    expect(t.agent).toBe(order[(t.n - 1) % 3]);
    if (i > 0) expect(t.n).toBe(turns[i - 1]!.n + 1);
  });
  await page.getByTestId('filter-type').selectOption('');

  // Right after a panel turn is given, the next member in the order waits on its turn (four slots are free).
  const at = turns.find((t) => t.n <= 7)!;
  const speaker = order[(at.n - 1) % 3]!;
  const next = order[at.n % 3]!;
  await page.getByTestId('scrubber').fill(String(at.seq));
  await expect(page.getByTestId('process-head')).toHaveAttribute('data-seq', String(at.seq));
  const waiting = page.locator(`[data-testid="process-row"][data-agent="${next}"] [data-wait="turn"]`);
  await expect(waiting).toHaveText('ready · on turn');
  await expect(waiting).toHaveAttribute('title', `waits on its turn in panel: ${speaker} speaks`);
  await expect(page.locator(`[data-testid="process-row"][data-agent="${speaker}"] [data-wait="turn"]`)).toHaveCount(0);
  expect(errors).toEqual([]);
});
