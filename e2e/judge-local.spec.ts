/**
 * A judge goal whose model is the in-browser local CPU: the generated tiny GGUF (random weights:
 * its answer is gibberish, so what it says is beside the point) answers the rubric in llama.cpp,
 * the verdict is recorded on goal.judged with the model's own token counts, charged to the run,
 * and after a reload the verdict shows again with the local model never loaded (no call).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
// @ts-expect-error: a plain .mjs module without type declarations
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.mjs';
import { openStudio } from './helpers';

test.describe.configure({ timeout: 180_000 });

/** A sim writer writes one report; the critic (bound to the local GGUF) judges it. */
const judged = {
  version: 1, name: 'Locally judged report',
  models: [
    { id: 'm', name: 'Sim', provider: 'sim', tokensPerSecond: 100 },
    { id: 'critic', name: 'Critic', provider: 'openai-compatible', model: 'tiny', contextWindow: 1024, priceIn: 1, priceOut: 2 },
  ],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', behaviour: [{ op: 'write', artifact: 'report', text: 'Dear reader, thank you.' }, { op: 'finish', text: 'sent' }] }],
  goals: [{ id: 'polite', name: 'The report thanks the reader', when: { kind: 'judge', artifact: 'report', rubric: 'Does the report thank the reader?', model: 'critic' } }],
  layout: { nodes: { writer: { x: 40, y: 40 }, m: { x: 40, y: 240 }, critic: { x: 320, y: 240 } } },
};

test('a judge on the local GGUF: the verdict and its tokens are recorded and charged; a reload shows it with no call', async ({ page }, info) => {
  const errors = await openStudio(page);
  const file = info.outputPath('judged-local.harness.json');
  writeFileSync(file, JSON.stringify(judged));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Locally judged report');

  await page.getByTestId('settings-button').click();
  await page.getByTestId('local-model-input').setInputFiles({ name: 'tiny.gguf', mimeType: 'application/octet-stream', buffer: readFileSync(ensureTinyGguf({ seed: 1 }) as string) });
  await expect(page.locator('[data-testid="local-model-row"][data-model="tiny.gguf"]')).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await page.getByTestId('node-critic').click();
  await page.getByTestId('field-endpoint').selectOption({ label: 'local: tiny.gguf' });
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('local-cpu-status')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 120_000 });

  // The judgement is the local model's answer, recorded with its own token counts and their cost.
  await page.getByTestId('filter-type').selectOption('goal.judged');
  const rows = page.getByTestId('event-row');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  const detail = page.getByTestId('event-detail');
  await expect(detail).toContainText('"wire": "local"');
  await expect(detail).toContainText('"endpoint": "local:tiny.gguf"');
  await expect(detail).toContainText('"charge"');
  const text = await detail.innerText();
  const reported = /"reported":\s*\{\s*"tokensIn":\s*(\d+),\s*"tokensOut":\s*(\d+)/.exec(text);
  expect(reported).not.toBeNull();
  const charge = /"charge":\s*\{\s*"tokensIn":\s*(\d+),\s*"tokensOut":\s*(\d+),\s*"cost":\s*([\d.e-]+)/.exec(text);
  expect(charge?.slice(1, 3)).toEqual(reported!.slice(1, 3));
  expect(Number(charge![3])).toBeCloseTo((Number(reported![1]) * 1 + Number(reported![2]) * 2) / 1e6, 12);
  await page.getByTestId('run-tab-termination').click();
  const goal = page.getByTestId('goal-row-polite');
  await expect(goal).toContainText(/model critic judged artifact "report": (pass|fail) —|the judge could not answer: model critic answered neither pass nor fail/);
  const verdict = (await goal.textContent())!;

  // After a reload the same verdict is read from the trace: the local model is never loaded.
  await page.reload();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 30_000 });
  await page.getByTestId('run-tab-termination').click();
  await expect(page.getByTestId('goal-row-polite')).toHaveText(verdict);
  await expect(page.getByTestId('local-cpu-status')).toHaveCount(0);
  expect(errors).toEqual([]);
});
