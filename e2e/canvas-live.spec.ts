/**
 * The canvas shows the run at the scrubber's cursor, and playback plays it: as a person would,
 * travel to an event through the event log and read the graph; press Play and watch the cursor.
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

/** Puts the cursor on the first event of `type` (of `agent`, when given) through the log's filters. */
async function travelToFirst(page: Page, type: string, agent?: string): Promise<number> {
  if (agent) await page.getByTestId('filter-agent').selectOption(agent);
  await page.getByTestId('filter-type').selectOption(type);
  const row = page.locator('[data-testid="event-row"]').first();
  await row.click();
  const seq = Number(await row.getAttribute('data-seq'));
  await expect(page.getByTestId('cursor-readout')).toContainText(`event ${seq} /`);
  return seq;
}

async function clearFilters(page: Page): Promise<void> {
  await page.getByTestId('filter-agent').selectOption('');
  await page.getByTestId('filter-type').selectOption('');
}

const cursorOf = async (page: Page): Promise<number> => Number(/event (\d+)/.exec(await page.getByTestId('cursor-readout').innerText())![1]);

test('scrubbing to an event: the agent holding the slot glows, the message in flight is on its channel, a click shows the node then', async ({ page }) => {
  const errors = await openStudio(page);
  const head = await runToStop(page);
  // At the stop nobody holds a slot.
  await expect(page.locator('.hs-node.is-running')).toHaveCount(0);

  await travelToFirst(page, 'sched.picked', 'planner');
  const planner = page.getByTestId('node-planner');
  await expect(planner).toHaveClass(/is-running/);
  await expect(planner).toHaveAttribute('data-run-state', 'running');
  await expect(page.getByTestId('node-run-planner')).toContainText('running');
  await expect(page.getByTestId('node-badge-planner')).toContainText(/ctx \d+%/);
  // The writer waits at that moment: it says on what.
  await expect(page.getByTestId('node-run-writer')).toContainText('waits on');

  await clearFilters(page);
  await travelToFirst(page, 'msg.sent', 'planner');
  const msg = page.getByTestId('edge-msg-plan-to-research');
  await expect(msg).toHaveCount(1);
  await expect(msg).toHaveAttribute('data-msg', /.+/);
  await expect(page.locator('[data-testid^="edge-msg-"]')).toHaveCount(1);
  // The run's marks never repaint the edges (#16: a 100-agent stream fell from ~37 to ~11 fps
  // re-rastering the dashed model lines at every change): the dot is drawn outside the edges'
  // SVG, and while a run is shown the nodes and the marks are composited layers of their own.
  await expect(page.locator('.react-flow__edges [data-testid^="edge-msg-"]')).toHaveCount(0);
  await expect(page.locator('.react-flow__nodes')).toHaveCSS('will-change', 'opacity');
  await expect(page.locator('.react-flow__edgelabel-renderer')).toHaveCSS('will-change', 'opacity');

  // A click on a node shows its state at the cursor.
  await planner.click();
  const panel = page.getByTestId('cursor-node-state');
  await expect(panel).toContainText(/planner at event \d+/);
  await expect(panel).toContainText('window');

  // Back at the end: nothing in flight, the decorations follow the cursor.
  await page.getByTestId('scrubber').fill(String(head));
  await expect(page.locator('[data-testid^="edge-msg-"]')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a denied tool call shows denied on its tool, with the deciding rule on hover', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-injection').click();
  await expect(page.getByTestId('node-assistant')).toBeVisible();
  await runToStop(page);
  await travelToFirst(page, 'tool.denied');
  const decision = page.getByTestId('node-decision-send_mail');
  await expect(decision).toHaveAttribute('data-decision', 'denied');
  await expect(decision).toHaveAttribute('data-rule', 'taint');
  await expect(decision).toHaveAttribute('title', /denied by rule taint \(kernel\) · taint · call of assistant — send_mail is a privileged sink/);
  await decision.hover();
  await expect(page.getByTestId('node-send_mail')).toHaveClass(/is-denied/);
  expect(errors).toEqual([]);
});

test('playback at 10× visits the events in order, and Pause holds the cursor', async ({ page }) => {
  const errors = await openStudio(page);
  // Contention runs 49 virtual seconds: about five seconds at 10×, time enough to press Pause on a busy machine.
  await page.getByTestId('projects-button').click();
  await page.getByTestId('example-contention').click();
  await expect(page.getByTestId('node-monitor')).toBeVisible();
  const head = await runToStop(page);
  await page.getByTestId('scrubber').fill('0');
  await expect(page.getByTestId('cursor-readout')).toContainText(`event 0 / ${head}`);
  // Every cursor the readout shows, in order, recorded in the page.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __cursors: number[] }).__cursors = seen;
    const el = document.querySelector('[data-testid="cursor-readout"]')!;
    new MutationObserver(() => seen.push(Number(/event (\d+)/.exec(el.textContent ?? '')?.[1] ?? -1))).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.getByTestId('playback-speed').selectOption('10');
  await page.getByTestId('playback-toggle').click();
  await expect.poll(() => cursorOf(page)).toBeGreaterThan(0);
  await page.getByTestId('playback-toggle').click();
  await expect(page.getByTestId('playback')).toHaveAttribute('data-playing', 'false');
  const paused = await cursorOf(page);
  expect(paused).toBeLessThan(head);
  await page.waitForTimeout(700);
  expect(await cursorOf(page)).toBe(paused);

  // Play on to the end: the cursor only ever moved forward, and stops at the last event.
  await page.getByTestId('playback-toggle').click();
  await expect(page.getByTestId('playback')).toHaveAttribute('data-playing', 'false', { timeout: 30_000 });
  expect(await cursorOf(page)).toBe(head);
  const cursors = await page.evaluate(() => (window as unknown as { __cursors: number[] }).__cursors);
  expect(cursors.length).toBeGreaterThan(3);
  expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!), cursors.join(',')).toBe(true);
  expect(cursors[cursors.length - 1]).toBe(head);
  expect(errors).toEqual([]);
});

test('playback stops at an event a breakpoint matches', async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  await page.getByTestId('scrubber').fill('0');
  await page.getByTestId('filter-type').selectOption('msg.sent');
  const firstSend = Number(await page.locator('[data-testid="event-row"]').first().getAttribute('data-seq'));
  await page.getByTestId('filter-type').selectOption('');
  await page.getByTestId('scrubber').fill('0');
  await page.getByTestId('breakpoint-kind').selectOption('event');
  await page.getByTestId('breakpoint-value').fill('msg.sent');
  await page.getByTestId('breakpoint-add').click();
  await page.getByTestId('playback-speed').selectOption('max');
  await page.getByTestId('playback-toggle').click();
  await expect(page.getByTestId('playback-stopped')).toContainText(`breakpoint at event ${firstSend}`);
  expect(await cursorOf(page)).toBe(firstSend);
  expect(errors).toEqual([]);
});
