import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

const EDIT = 'EDITED FINDING: the window is a cache of the archive.';

/** The researcher's decisions (infer.completed rows) after event `k` of the selected run, as the event log shows them. */
async function researcherDecisionsAfter(page: Page, k: number): Promise<string[]> {
  await page.getByTestId('run-tab-events').click();
  await page.getByTestId('filter-agent').selectOption('researcher');
  await page.getByTestId('filter-type').selectOption('infer.completed');
  const rows = page.getByTestId('event-row');
  await expect(rows.first()).toBeVisible();
  const out: string[] = [];
  for (const row of await rows.all()) if (Number(await row.getAttribute('data-seq')) > k) out.push(await row.innerText());
  await page.getByTestId('filter-agent').selectOption('');
  await page.getByTestId('filter-type').selectOption('');
  return out;
}

test('edit a tool result at event k and fork: the fork decides on the edit, the original is unchanged; compare marks k+1; a named, pinned run survives a reload', async ({ page }) => {
  // Several runs, a comparison and a reload: longer than one run on this small, shared machine.
  test.setTimeout(90_000);
  const errors = await openStudio(page);
  await runToStop(page);
  const original = await page.locator('[data-testid="run-item"][aria-selected="true"]').getAttribute('data-run');

  // Edit state at the researcher's web_search result (event k).
  await page.getByTestId('run-tab-edit').click();
  const anyResult = page.getByTestId('es-tool-result').filter({ hasText: 'researcher · web_search' });
  const k = Number(await anyResult.getAttribute('data-seq'));
  await page.getByTestId('scrubber').fill(String(k));
  await expect(page.getByTestId('edit-state')).toContainText(`Edit state @ ${k}`);
  const atK = page.locator(`[data-testid="es-tool-result"][data-seq="${k}"]`);
  await atK.getByTestId('es-edit').click();
  await atK.getByTestId('es-draft').fill(EDIT);
  await atK.getByTestId('es-save').click();
  await expect(page.getByTestId('es-pending-edit')).toHaveCount(1);
  await expect(page.getByTestId('es-pending-edit')).toHaveAttribute('data-kind', 'tool-result.edit');
  await page.getByTestId('fork-with-edits').click();
  // The fork is selected, paused after its run.forked (k+1) and the edit (k+2).
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${k + 2} / ${k + 2}`);
  await expect(page.getByTestId('es-pending-edit')).toHaveCount(0);
  await page.getByTestId('run-tab-events').click();
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  const fork = await page.locator('[data-testid="run-item"][aria-selected="true"]').getAttribute('data-run');
  expect(fork).not.toBe(original);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });

  // The fork's next decision reads the edited result; the original's does not.
  const forked = await researcherDecisionsAfter(page, k);
  expect(forked[0]).toContain('EDITED FINDING');
  await page.locator(`[data-testid="run-item"][data-run="${original}"]`).click();
  await expect(page.locator(`[data-testid="run-item"][data-run="${original}"]`)).toHaveAttribute('aria-selected', 'true');
  const kept = await researcherDecisionsAfter(page, k);
  expect(kept[0]).not.toContain('EDITED');
  expect(kept[0]).toContain('Findings on paging and eviction: [1] LRU eviction');

  // Compare the run and its edited fork: first divergence at k+1, the researcher's differences listed.
  await page.locator(`[data-testid="run-item"][data-run="${fork}"]`).click();
  await page.getByTestId('run-tab-compare').click();
  await expect(page.getByTestId('compare-divergence')).toHaveAttribute('data-seq', String(k + 1));
  const researcher = page.locator('[data-testid="compare-agent"][data-agent="researcher"]');
  await expect(researcher).toHaveAttribute('data-differs', 'true');
  await expect(researcher.getByTestId('compare-difference').first()).toContainText('EDITED FINDING');
  await expect(page.locator('[data-testid="compare-agent"][data-agent="planner"]')).toHaveAttribute('data-differs', 'false');
  // The scrubbers move together up to the divergence, and apart after it.
  await page.getByTestId('compare-scrubber-a').fill('5');
  await expect(page.getByTestId('compare-readout-b')).toHaveText('5');
  await page.getByTestId('compare-scrubber-a').fill(String(k + 1));
  await expect(page.getByTestId('compare-readout-b')).toHaveText(String(k + 1));
  await expect(page.getByTestId('compare-event-B')).toHaveAttribute('data-diverged', 'true');
  await expect(page.getByTestId('compare-event-B')).toContainText('run.forked');
  await page.getByTestId('compare-scrubber-a').fill(String(k + 6));
  await expect(page.getByTestId('compare-readout-a')).toHaveText(String(k + 6));
  await expect(page.getByTestId('compare-readout-b')).toHaveText(String(k + 1));

  // Name and pin the original: it goes to the top, and both survive a reload.
  await page.getByTestId('run-tab-events').click();
  const item = page.locator(`[data-testid="run-item"][data-run="${original}"]`);
  await item.getByTestId('run-rename').click();
  await item.getByTestId('run-name-input').fill('baseline');
  await item.getByTestId('run-name-input').press('Enter');
  await expect(item.getByTestId('run-name')).toHaveText('baseline');
  await item.getByTestId('run-pin').click();
  await expect(item.getByTestId('run-pin')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-run', original!);
  await page.reload();
  await expect(page.getByTestId('run-item')).toHaveCount(2, { timeout: 15_000 });
  const first = page.getByTestId('run-item').first();
  await expect(first).toHaveAttribute('data-run', original!);
  await expect(first.getByTestId('run-name')).toHaveText('baseline');
  await expect(first.getByTestId('run-pin')).toHaveAttribute('aria-pressed', 'true');
  expect(errors).toEqual([]);
});
