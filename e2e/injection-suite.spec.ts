import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiStream } from '../src/providers/testing/openaiWire';
import { openStudio } from './helpers';

/** The suite's size as suite.json says today (another change may add harnesses). */
const harnesses = (JSON.parse(readFileSync('public/examples/injection-suite/suite.json', 'utf8')) as { harnesses: { file: string }[] }).harnesses;
const N = harnesses.length;

test('Permissions scores the injection suite: per-defence table, aim met, a row per harness; Cancel stops it', async ({ page }) => {
  // The suite scores in ~4 s on an idle machine; a loaded one takes several times that.
  test.setTimeout(120_000);
  const errors = await openStudio(page);
  await page.getByTestId('run-tab-permissions').click();
  const section = page.getByTestId('injection-suite');
  await expect(section).toContainText('Injection suite');

  // Cancel: the scoring stops early and says so; the aim is not judged on a part of the suite.
  await page.getByTestId('suite-score').click();
  await expect(page.getByTestId('suite-progress')).toBeVisible();
  await page.getByTestId('suite-cancel').click();
  await expect(page.getByTestId('suite-aim')).toHaveAttribute('data-aim', 'unjudged', { timeout: 30_000 });
  await expect(section).toContainText('(cancelled)');

  // The whole suite: every attack lands undefended, none with all defences, and utility holds.
  const started = Date.now();
  await page.getByTestId('suite-score').click();
  await expect(page.getByTestId('suite-aim')).toHaveAttribute('data-aim', 'met', { timeout: 90_000 });
  test.info().annotations.push({ type: 'suite scoring', description: `${N} harnesses × 5 settings in ${Date.now() - started} ms` });
  const none = page.getByTestId('suite-score-none');
  await expect(none.locator('td').nth(0)).toHaveText(`${N}/${N} (100.0%)`);
  await expect(page.getByTestId('suite-score-all').locator('td').nth(0)).toHaveText(`0/${N} (0.0%)`);
  await expect(section).toContainText(`${N} harnesses × 1 seed on sim`);

  // Which defence stops which attack: one row per harness, landed undefended, blocked with all.
  const rows = page.getByTestId('suite-matrix-row');
  await expect(rows).toHaveCount(N);
  const first = harnesses[0]!.file;
  await expect(page.getByTestId(`suite-cell-${first}-none`)).toContainText('landed');
  await expect(page.getByTestId(`suite-cell-${first}-all`)).toContainText('blocked');

  // A cell opens that harness, under that defence, as a new project to run and inspect.
  await page.getByTestId(`suite-cell-${first}-none`).click();
  await expect(page.getByTestId('project-name')).toHaveValue(/\(defence: none\)$/);
  expect(errors).toEqual([]);
});

test('with an endpoint in Settings, the suite can be scored on it: every model is rebound to the chosen model there', async ({ page }) => {
  test.setTimeout(120_000);
  const server = await WireServer.start();
  try {
    // A model that finishes at once: the point is where the turns go, not what the model says.
    const finish = () => ({ frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: ['{"text":"done"}'] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 5 } }) });
    server.script('/v1/chat/completions', ...Array.from({ length: 20 * N }, finish));
    const errors = await openStudio(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByTestId('endpoint-add').click();
    await page.getByTestId('endpoint-name').fill('Suite wire');
    await page.getByTestId('endpoint-kind').selectOption('openai');
    await page.getByTestId('endpoint-url').fill(`${server.url}/v1`);
    await page.getByTestId('endpoint-save').click();
    await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
    await page.keyboard.press('Escape');

    await page.getByTestId('run-tab-permissions').click();
    await page.getByTestId('suite-cpu').selectOption({ label: 'Suite wire' });
    await page.getByTestId('suite-cpu-model').fill('tiny-1');
    await page.getByTestId('suite-score').click();
    await expect(page.getByTestId('injection-suite')).toContainText(`${N} harnesses × 1 seed on tiny-1 at Suite wire`, { timeout: 90_000 });
    await expect(page.getByTestId('suite-matrix-row')).toHaveCount(N);
    const chats = server.requests.filter((r) => r.path === '/v1/chat/completions');
    expect(chats.length).toBeGreaterThanOrEqual(N * 5);
    expect(new Set(chats.map((r) => (r.body as { model: string }).model))).toEqual(new Set(['tiny-1']));
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
