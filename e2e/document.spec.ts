/** Editing is safe: undo works, export and import round-trip, nothing is lost on reload. */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test('editing a prompt and undoing it restores the original', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('node-planner').click();
  const prompt = page.getByTestId('field-system-prompt');
  await expect(prompt.locator('.view-lines')).toContainText('You are the planner', { timeout: 15_000 });
  await prompt.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(' Always answer in haiku.');
  await expect(prompt.locator('.view-lines')).toContainText('Always answer in haiku.');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('undo-button').click();
  await expect(prompt.locator('.view-lines')).not.toContainText('haiku');
  await page.getByTestId('redo-button').click();
  await expect(prompt.locator('.view-lines')).toContainText('Always answer in haiku.');
});

test('export then import gives the same harness as a new project', async ({ page }, info) => {
  await openStudio(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  expect(download.suggestedFilename()).toMatch(/Research team.*\.json$/);
  const file = info.outputPath('exported.json');
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported.agents.map((a: { id: string }) => a.id)).toEqual(['planner', 'researcher', 'writer']);
  expect(JSON.stringify(exported)).not.toMatch(/api[-_]?key/i);
  // Exported as saved: signed with this browser's key, which stays in the browser (no private part).
  expect(Object.keys(exported.signatures.agents)).toEqual(['planner', 'researcher', 'writer']);
  expect(exported.signatures.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
  expect(exported.signatures.publicKey).not.toHaveProperty('d');

  exported.name = 'Imported team';
  const edited = info.outputPath('imported.json');
  writeFileSync(edited, JSON.stringify(exported));
  await page.getByTestId('import-input').setInputFiles(edited);
  await expect(page.getByTestId('project-name')).toHaveValue('Imported team');
  await expect(page.getByTestId('node-writer')).toBeVisible();
  await page.getByTestId('projects-button').click();
  await expect(page.getByTestId('project-row')).toHaveCount(2);
});

test('reloading mid-run keeps the project and every committed event; the run resumes', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('node-writer').click();
  await page.getByTestId('field-name').fill('Writer (edited)');
  // Quick clicks on Step with no run make exactly one run.
  await page.getByTestId('step-turn-button').click();
  await page.getByTestId('step-turn-button').click();
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  // One event at a time (Step over follows one agent's turns and may reach the run's end).
  for (let i = 0; i < 10; i++) {
    const before = await page.getByTestId('cursor-readout').innerText();
    await page.getByTestId('step-event-button').click();
    await expect(page.getByTestId('cursor-readout')).not.toHaveText(before);
  }
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  const before = await page.getByTestId('cursor-readout').innerText();
  const head = Number(/\/\s*(\d+)/.exec(before)![1]);
  expect(head).toBeGreaterThan(10);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await page.reload();
  await expect(page.getByTestId('node-writer')).toContainText('Writer (edited)', { timeout: 15_000 });
  await expect(page.getByTestId('run-item')).toHaveCount(1);
  await expect(page.getByTestId('run-item').first()).toHaveAttribute('data-status', 'interrupted', { timeout: 15_000 });
  await expect(page.getByTestId('cursor-readout')).toContainText(`/ ${head}`);
  await expect(page.locator(`[data-testid="event-row"][data-seq="${head}"]`)).toHaveCount(1);

  await page.getByTestId('run-resume').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
});
