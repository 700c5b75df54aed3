/** The scheduler as a user meets it: the contention example, its Gantt, markers, queues and budgets. */
import { expect, test } from '@playwright/test';
import { openStudio, runToStop, selectedRowSeq } from './helpers';

test('the contention example shows its schedule: markers jump the debugger, budgets and queues follow the cursor', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-contention').click();
  await expect(page.getByTestId('project-name')).toHaveValue('Contention');
  await expect(page.getByTestId('node-sla-alerts')).toBeVisible();
  await expect(page.getByTestId('node-writers')).toBeVisible(); // the budget group is on the canvas

  const head = await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await page.getByTestId('run-tab-scheduler').click();
  await expect(page.getByTestId('scheduler-view')).toBeVisible();
  await expect(page.getByTestId('sched-gantt')).toBeVisible();
  for (const kind of ['preempt', 'throttle']) {
    expect(await page.locator(`[data-testid="sched-marker"][data-kind="${kind}"]`).count()).toBeGreaterThan(0);
  }
  await expect(page.locator('[data-testid="budget-gauge"][data-group="writers"]')).toBeVisible();

  // A throttle marker moves the debugger to its event.
  const marker = page.locator('[data-testid="sched-marker"][data-kind="throttle"]').first();
  const seq = Number(await marker.getAttribute('data-seq'));
  await marker.click();
  await expect(page.getByTestId('cursor-readout')).toContainText(`${seq} / ${head}`);
  await page.getByTestId('run-tab-events').click();
  expect(await selectedRowSeq(page)).toBe(seq);
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"] .rp-type')).toHaveText('sched.throttled');

  // Early in the run every agent is queued or running: the runqueues show them with their numbers.
  await page.getByTestId('scrubber').fill('20');
  await page.getByTestId('run-tab-scheduler').click();
  await expect(page.getByTestId('sched-runqueue').first()).toBeVisible();
  expect(await page.getByTestId('sched-rq-agent').count()).toBeGreaterThan(3);
  expect(errors).toEqual([]);
});

test('an agent\'s scheduling class and its parameters are edited in the inspector', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('node-writer').click();
  await page.getByTestId('field-sched-class').selectOption('deadline');
  await expect(page.getByTestId('field-sched-runtime')).toBeVisible();
  await expect(page.getByTestId('field-sched-period')).toBeVisible();
  // A deadline agent without its parameters is a problem shown in place, and the run refuses to start.
  await expect(page.getByTestId('problem-item').first()).toContainText('agents[2].sched.runtime');
  await expect(page.getByTestId('problem-count')).toHaveText('3');
  await page.getByTestId('run-button').click();
  await expect(page.locator('[data-testid="start-issue"][data-path="agents[2].sched.period"]')).toBeVisible();
  // The deadline class's rule runtime ≤ deadline ≤ period, at the writer's model speed (80 tokens/s).
  await page.getByTestId('field-sched-runtime').fill('500');
  await page.getByTestId('field-sched-deadline').fill('2000');
  await page.getByTestId('field-sched-period').fill('3000');
  await expect(page.getByTestId('problem-count')).toHaveText('1');
  await expect(page.getByTestId('problem-item').first()).toContainText('agents[2].sched.runtime');
  await expect(page.getByTestId('problem-item').first()).toContainText('expected at most what the deadline allows (160 tokens in 2000 ms at 80 tokens/s)');
  await page.getByTestId('field-sched-runtime').fill('50');
  await expect(page.getByTestId('problem-count')).toHaveText('0');
  await expect(page.getByTestId('sched-params-hint')).toHaveText('runtime 625 ms at 80 tok/s ≤ deadline ≤ period; reserves 21% of one slot.');
  for (let i = 0; i < 5; i++) await page.getByTestId('undo-button').click();
  await expect(page.getByTestId('field-sched-class')).toHaveValue('');
});
