import { expect, test, type Locator, type Page } from '@playwright/test';
import { openStudio } from './helpers';

const NOTE = 'ORIGINAL NOTE: cite two sources.';
const EDITED = 'EDITED WHILE PAUSED: cite three sources.';

/** Gives the researcher a core-memory block through the inspector (the research team declares none). */
async function addCoreBlock(page: Page): Promise<void> {
  await page.getByTestId('node-researcher').click();
  await page.getByTestId('add-core-block').click();
  await page.getByTestId('core-block-value').fill(NOTE);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
}

/** Starts a paused run and steps over to the end of the researcher's first turn (F10 twice): the run is paused at its head. */
async function pauseAfterFirstTurn(page: Page, runs: number): Promise<number> {
  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('F10');
  await expect(page.getByTestId('run-item')).toHaveCount(runs);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await page.keyboard.press('F10');
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"] .rp-type')).toHaveText('infer.completed');
  const m = /(\d+)\s*\/\s*(\d+)/.exec(await page.getByTestId('cursor-readout').innerText())!;
  expect(m[1]).toBe(m[2]);
  return Number(m[2]);
}

/** Edits the researcher's core block inline in the Memory view and applies it to the paused run itself. */
async function editCoreInPlace(page: Page, head: number): Promise<void> {
  await page.getByTestId('run-tab-memory').click();
  await page.getByTestId('memory-agent').selectOption('researcher');
  const block = page.locator('[data-testid="mv-core-block"][data-label="persona"]');
  await editAndApplyInPlace(page, block, head);
  await expect(block).toContainText(EDITED);
}

/** Edits the core block shown by `block` (NOTE → EDITED) and applies it, paused at the head: in this run (human.edited), no fork. */
async function editAndApplyInPlace(page: Page, block: Locator, head: number): Promise<void> {
  await expect(block).toContainText(NOTE);
  await block.getByTestId('es-edit').click();
  await block.getByTestId('es-draft').fill(EDITED);
  await block.getByTestId('es-save').click();
  await expect(page.getByTestId('es-pending-edit')).toHaveAttribute('data-kind', 'core.edit');
  await expect(page.getByTestId('es-apply')).toHaveAttribute('data-in-place', 'true');
  await expect(page.getByTestId('apply-edits')).toBeInViewport();
  await page.getByTestId('apply-edits').click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head + 1} / ${head + 1}`);
  await expect(page.getByTestId('es-pending-edit')).toHaveCount(0);
}

/** The researcher's first turn after the edit at `head + 1` (the run played to its stop) was sent with EDITED, not NOTE: the Context view at its infer.started. */
async function expectNextTurnSees(page: Page, head: number): Promise<void> {
  await page.getByTestId('run-tab-events').click();
  await page.getByTestId('filter-agent').selectOption('researcher');
  await page.getByTestId('filter-type').selectOption('infer.started');
  let turn = -1;
  for (const row of await page.getByTestId('event-row').all()) {
    const seq = Number(await row.getAttribute('data-seq'));
    if (seq > head + 1) {
      turn = seq;
      break;
    }
  }
  await page.getByTestId('filter-agent').selectOption('');
  await page.getByTestId('filter-type').selectOption('');
  expect(turn).toBeGreaterThan(head + 1);
  await page.getByTestId('scrubber').fill(String(turn));
  await page.getByTestId('run-tab-context').click();
  await page.getByTestId('context-agent').selectOption('researcher');
  await expect(page.getByTestId('context-sent')).toContainText(String(turn));
  await expect(page.locator('[data-testid="context-segment"][data-kind="system"]')).toContainText(EDITED);
  await expect(page.getByTestId('context-view')).toContainText(EDITED);
  await expect(page.getByTestId('context-view')).not.toContainText(NOTE);
}

async function traceHash(page: Page): Promise<string> {
  const chip = page.getByTestId('run-trace-hash');
  await expect(chip).toHaveAttribute('data-hash', /^[0-9a-f]{16}$/);
  return (await chip.getAttribute('data-hash'))!;
}

test('pause, edit a core-memory block inline in the Memory view, apply to the same run: the next turn sees it, the trace records human.edited and replays to the same hash', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = await openStudio(page);
  await addCoreBlock(page);

  // Run A: paused at the end of the researcher's first turn, edited in place, played to its stop.
  const head = await pauseAfterFirstTurn(page, 1);
  const run = await page.locator('[data-testid="run-item"][aria-selected="true"]').getAttribute('data-run');
  await editCoreInPlace(page, head);
  // Still one run, the same one, paused, with the edit recorded at its head.
  await page.getByTestId('run-tab-events').click();
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.locator('[data-testid="run-item"][aria-selected="true"]')).toHaveAttribute('data-run', run!);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toContainText('human.edited');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  const straight = await traceHash(page);

  // The researcher's next turn was asked with the edited block (the Context view at its infer.started).
  await expectNextTurnSees(page, head);

  // Run B: the same edit at the same event, then the page reloads: the run is rebuilt from its
  // stored trace (the edit included) and played on. It replays to run A's trace hash.
  await page.getByTestId('run-tab-events').click();
  page.once('dialog', (d) => void d.accept());
  await page.locator(`[data-testid="run-item"][data-run="${run}"]`).getByTestId('run-delete').click();
  await expect(page.getByTestId('run-item')).toHaveCount(0);
  expect(await pauseAfterFirstTurn(page, 1)).toBe(head);
  await page.getByTestId('run-tab-events').click();
  await editCoreInPlace(page, head);
  await page.reload();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 15_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  expect(await traceHash(page)).toBe(straight);
  expect(errors).toEqual([]);
});

test('pause, edit a core-memory block in the Context view where the prompt shows it, apply to the same run: the next turn is sent with it', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  const errors = await openStudio(page);
  await addCoreBlock(page);
  const head = await pauseAfterFirstTurn(page, 1);

  // The prompt the researcher's first turn was sent: the document's block is in its system segment, editable there.
  await page.getByTestId('run-tab-context').click();
  await page.getByTestId('context-agent').selectOption('researcher');
  const system = page.locator('[data-testid="context-segment"][data-kind="system"]');
  await expect(system).toContainText(NOTE);
  const block = system.locator('[data-testid="cx-core-block"][data-label="persona"]');
  await editAndApplyInPlace(page, block, head);
  // The turn already sent still shows what it was sent, marked as changed since.
  await expect(system).toContainText(NOTE);
  await expect(system.getByTestId('context-segment-moved')).toBeVisible();

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expectNextTurnSees(page, head);
  await page.getByTestId('run-tab-events').click();
  await expect(page.getByTestId('run-item')).toHaveCount(1); // in place: no fork
  expect(errors).toEqual([]);
});
