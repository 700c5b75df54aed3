/**
 * Lessons and trusted keys as a person meets them: the examples index grouped by pillar and
 * break point, the lesson beside an opened example, a "jump to" link moving the scrubber to its
 * event at seed 1, and a signer key added to the trust store showing its thumbprint.
 */
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

test('the examples index groups by pillar and break point; an opened example shows its lesson, and a jump moves the scrubber to its event', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  const index = page.getByTestId('examples-index');
  await expect(index).toBeVisible();
  // Injection sits under Trust, in the group of break point 1 (the CPU can be persuaded).
  const trust = index.getByTestId('examples-pillar-trust');
  await expect(trust.getByRole('heading', { name: 'Trust' })).toBeVisible();
  const persuadable = trust.getByTestId('examples-trust-persuadable');
  await expect(persuadable).toContainText('Break point 1: the CPU can be persuaded');
  await expect(index.getByTestId('examples-pillar-scheduling').getByTestId('example-contention')).toBeVisible();
  await persuadable.getByTestId('example-injection').click();

  const lesson = page.getByTestId('lesson-panel');
  await expect(lesson).toBeVisible();
  await expect(lesson.getByTestId('lesson-pillar')).toHaveText('Trust');
  await lesson.getByTestId('lesson-toggle').click();
  await expect(lesson.getByTestId('lesson-watch')).toContainText('mail its API key');
  await expect(lesson.getByTestId('lesson-question')).toBeVisible();

  // No run yet: the jump starts one at seed 1 and the worker pauses it at the first tool.denied.
  await lesson.getByTestId('lesson-jump').filter({ hasText: 'Taint stops the planted mail' }).click();
  await expect(lesson.getByTestId('lesson-jump-note')).toHaveText(/^At event #\d+\.$/);
  const note = await lesson.getByTestId('lesson-jump-note').textContent();
  const seq = Number(/#(\d+)/.exec(note ?? '')![1]);
  await expect(page.getByTestId('scrubber')).toHaveValue(String(seq));
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toHaveAttribute('data-seq', String(seq));
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toContainText('tool.denied');

  // A second jump, to an earlier event, moves the scrubber back within the same run.
  await lesson.getByTestId('lesson-jump').filter({ hasText: 'The web page with the planted instruction' }).click();
  await expect(lesson.getByTestId('lesson-jump-note')).not.toHaveText(`At event #${seq}.`);
  const earlier = Number(/#(\d+)/.exec((await lesson.getByTestId('lesson-jump-note').textContent()) ?? '')![1]);
  expect(earlier).toBeLessThan(seq);
  await expect(page.getByTestId('scrubber')).toHaveValue(String(earlier));
  expect(errors).toEqual([]);
});

test('a key added in the policy view\'s trusted keys shows its thumbprint, and can be removed', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('canvas-view-policy').click();
  await page.getByTestId('policy-trusted-keys').click();
  const keys = page.getByTestId('trusted-keys');
  await expect(keys.getByTestId('trusted-key')).toHaveCount(1);
  await expect(keys.getByTestId('trusted-key').first()).toContainText('this browser');
  await expect(keys.getByTestId('trusted-key-thumbprint').first()).toHaveText(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);

  await keys.getByTestId('trusted-key-input').fill('AB12'.repeat(16));
  await keys.getByTestId('trusted-key-label').fill('Kim');
  await keys.getByTestId('trusted-key-add').click();
  const kim = keys.getByTestId('trusted-key').filter({ hasText: 'Kim' });
  await expect(kim).toBeVisible();
  await expect(kim.getByTestId('trusted-key-thumbprint')).toHaveText(Array(16).fill('ab12').join(' '));

  // A key it cannot read is refused, saying why.
  await keys.getByTestId('trusted-key-input').fill('not-a-key');
  await keys.getByTestId('trusted-key-add').click();
  await expect(keys.getByTestId('trusted-key-error')).toContainText('a thumbprint is hexadecimal');

  await kim.getByTestId('trusted-key-remove').click();
  await expect(keys.getByTestId('trusted-key')).toHaveCount(1);
  expect(errors).toEqual([]);
});
