/**
 * The debugger as a Chrome DevTools user expects it: conditional breakpoints and logpoints saved
 * with the project, stepping over / into / out, the shortcut sheet, the watch pane and the
 * context the model saw. On the preloaded research-team example (sim CPU, seed 1).
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, selectedRowSeq } from './helpers';

// The machine these run on is small and shared: each test is a few person-minutes of clicking.
test.describe.configure({ timeout: 90_000 });

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

/** The row at the cursor: its seq, type and agent. */
async function cursorRow(page: Page): Promise<{ seq: number; type: string; agent: string }> {
  const row = selectedRow(page);
  await expect(row).toHaveCount(1);
  return { seq: Number(await row.getAttribute('data-seq')), type: await row.locator('.rp-type').innerText(), agent: (await row.locator('.rp-agent').innerText().catch(() => '')).trim() };
}

async function expectCursorAt(page: Page, seq: number) {
  await expect(page.getByTestId('scrubber')).toHaveValue(String(seq));
}

test('step over / into / out land where a DevTools user expects, through the recorded past and live', async ({ page }) => {
  const errors = await openStudio(page);
  // Live: with no run, F10 starts one paused; the next F10 is driven by the worker to the end of a turn.
  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('F10');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await page.keyboard.press('F10');
  await expect(selectedRow(page).locator('.rp-type')).toHaveText('infer.completed');
  const firstTurn = await cursorRow(page);
  // The run itself moved (the head is the turn's end): nothing was recorded before.
  await expect(page.getByTestId('cursor-readout')).toContainText(`${firstTurn.seq} / ${firstTurn.seq}`);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });

  // Recorded past (research-team, seed 1): the planner's turn that sends to the researcher.
  await page.getByTestId('scrubber').fill('22');
  expect(await cursorRow(page)).toEqual({ seq: 22, type: 'infer.completed', agent: 'planner' });
  // Into: the receiver takes up the message.
  await page.getByTestId('step-into-button').click();
  const woke = await cursorRow(page);
  expect(woke).toMatchObject({ type: 'agent.woke', agent: 'researcher' });
  await expect(selectedRow(page)).toContainText('planner');
  // Out: back to the sender, when it acts again.
  await page.getByTestId('step-out-button').click();
  const back = await cursorRow(page);
  expect(back).toMatchObject({ type: 'infer.completed', agent: 'planner' });
  expect(back.seq).toBeGreaterThan(woke.seq);

  // Over a tool call: its decision and return run; the stop is the researcher's next turn.
  const call = page.locator('[data-testid="event-row"]').filter({ hasText: 'web_search' }).filter({ has: page.locator('.rp-type', { hasText: /^tool\.called$/ }) }).first();
  await call.click();
  const called = await cursorRow(page);
  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('F11');
  expect(await cursorRow(page)).toMatchObject({ seq: called.seq + 1, type: 'tool.allowed' });
  await page.keyboard.press('F10');
  const after = await cursorRow(page);
  expect(after).toMatchObject({ type: 'infer.completed', agent: 'researcher' });
  await page.getByTestId('scrubber').fill(String(called.seq));
  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Shift+F11');
  await expectCursorAt(page, after.seq);
  // Shift+F10 is one event; F9 one back.
  await page.keyboard.press('Shift+F10');
  await expectCursorAt(page, after.seq + 1);
  await page.keyboard.press('F9');
  await expectCursorAt(page, after.seq);
  expect(errors).toEqual([]);
});

test('? opens the shortcut sheet from the same table as the keys, and keys never fire while typing', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await page.getByTestId('scrubber').fill('10');
  await expectCursorAt(page, 10);
  // Typing in a field, a list box or the condition: the keys are the field's.
  for (const field of ['breakpoint-condition', 'breakpoint-value', 'breakpoint-kind', 'seed-input']) {
    await page.getByTestId(field).focus();
    for (const k of ['F10', 'F11', 'Shift+F11', 'Shift+F10', 'F9', '?']) await page.keyboard.press(k);
  }
  await expectCursorAt(page, 10);
  await expect(page.getByTestId('shortcut-sheet')).toHaveCount(0);
  await expect(page.getByTestId('breakpoint-condition')).toHaveValue('?');

  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('?');
  const sheet = page.getByTestId('shortcut-sheet');
  await expect(sheet).toBeVisible();
  for (const [action, keys] of <const>[['run', 'F8'], ['stepTurn', 'F10'], ['stepInto', 'F11'], ['stepOut', 'Shift+F11'], ['stepEvent', 'Shift+F10'], ['runToCursor', 'Ctrl+F10'], ['stepBack', 'F9'], ['fork', 'Shift+F9'], ['shortcuts', '?']]) {
    await expect(sheet.locator(`[data-testid="shortcut-row"][data-action="${action}"] kbd`).first()).toHaveText(keys);
  }
  // The toolbar's tooltips name the same keys.
  await expect(page.getByTestId('step-into-button')).toHaveAttribute('aria-keyshortcuts', 'F11');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
});

test('a watch expression follows the cursor, shows its error in place, and is saved with the project', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await page.getByTestId('watch-input').fill('harness.tokens +');
  await expect(page.getByTestId('watch-input-error')).toContainText('at column 17');
  await page.getByTestId('watch-input').fill('harness.tokens');
  await page.getByTestId('watch-input').press('Enter');
  await page.getByTestId('watch-input').fill('agents.writer.state');
  await page.getByTestId('watch-input').press('Enter');
  await page.getByTestId('watch-input').fill('agents.nobody.sched.lag');
  await page.getByTestId('watch-input').press('Enter');
  await page.getByTestId('watch-input').fill('agnts.writer');
  await page.getByTestId('watch-input').press('Enter');
  const value = (expr: string) => page.locator(`[data-testid="watch-row"][data-expr="${expr}"] [data-testid="watch-value"]`);
  await expect(value('agents.writer.state')).toHaveText('done');
  const atEnd = Number(await value('harness.tokens').innerText());
  expect(atEnd).toBeGreaterThan(0);
  await page.getByTestId('scrubber').fill('20');
  await expect(value('harness.tokens')).not.toHaveText(String(atEnd));
  expect(Number(await value('harness.tokens').innerText())).toBeLessThan(atEnd);
  await expect(value('agents.writer.state')).toHaveText('blocked');
  await expect(value('agents.nobody.sched.lag')).toHaveText('undefined');
  await expect(value('agnts.writer')).toHaveAttribute('data-error', 'true');
  await expect(value('agnts.writer')).toContainText('unknown name "agnts"');

  await page.reload();
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('watch-row')).toHaveCount(4);
});

test('the context view shows the prompt the agent was sent: system prompt, segments with token counts and where each came from', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  // The researcher's turn after the planner's message and its own tool call.
  await page.getByTestId('filter-type').selectOption('tool.returned');
  await page.locator('[data-testid="event-row"]').filter({ hasText: 'web_search' }).first().click();
  const returned = await cursorRow(page);
  await page.getByTestId('filter-type').selectOption('');
  await page.getByTestId('run-tab-context').click();
  const view = page.getByTestId('context-view');
  await expect(page.getByTestId('context-agent')).toHaveValue('researcher');
  await expect(page.getByTestId('context-sent')).toContainText('sent at');
  await expect(page.getByTestId('context-system')).not.toBeEmpty();
  const segments = page.getByTestId('context-segment');
  expect(await segments.count()).toBeGreaterThan(1);
  for (const t of await page.getByTestId('context-segment-tokens').allInnerTexts()) expect(Number(t)).toBeGreaterThan(0);
  // The planner's message is in the window, put there when the researcher woke to it.
  await expect(view.getByTestId('context-origin').filter({ hasText: 'agent.woke from planner' }).first()).toBeVisible();
  await expect(page.getByTestId('context-wire')).toHaveCount(0); // the sim reads the window itself
  // A later turn (after the tool returned) has the tool's result in it.
  await page.getByTestId('scrubber').fill(String(returned.seq + 8));
  await expect(view.getByTestId('context-origin').filter({ hasText: 'tool.returned web_search' }).first()).toBeVisible();
  // Clicking where a segment came from takes the cursor there.
  await view.getByTestId('context-origin').filter({ hasText: 'tool.returned web_search' }).first().click();
  await expect(page.getByTestId('scrubber')).toHaveValue(String(returned.seq));
});
