/**
 * An experiment on a real CPU in the studio: the runs go to an endpoint from Settings (the
 * providers' wire server on 127.0.0.1, answering each agent's scripted plan as function calls: a
 * TEST STAND-IN, NOT A MODEL), a few requests at once, with progress, and cost and tokens from the
 * usage the endpoint reported. The key stays in the browser's storage: the export holds none.
 * And on the in-browser local model (the generated tiny GGUF in llama.cpp), one run at a time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { parseHarness } from '../src/kernel';
import { harnessStandIn } from '../src/providers/testing/standInTask';
import { WireServer } from '../src/providers/testing/wireServer';
// @ts-expect-error: a plain .mjs module without type declarations
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.mjs';
import { openStudio } from './helpers';

test.describe.configure({ timeout: 120_000 });

const PATH = '/v1/chat/completions';
const KEY = 'sk-experiment-stand-in-0123456789';

/** A writer who writes the report and finishes; priced, so its cost is the reported usage's. */
const writer = {
  version: 1,
  name: 'Report writer',
  models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100, priceIn: 1, priceOut: 2 }],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', systemPrompt: 'You write the report.', behaviour: [{ op: 'write', artifact: 'report', text: 'status: approved' }, { op: 'finish', text: 'done' }] }],
  goals: [{ id: 'approved', name: 'the report is approved', when: { kind: 'artifact', name: 'report', contains: 'approved' } }],
  layout: { nodes: { writer: { x: 40, y: 40 }, m: { x: 40, y: 240 } } },
};

let server: WireServer;
/** The usage each answer reported. */
let usages: { prompt: number; completion: number }[] = [];
test.beforeEach(async () => {
  server = await WireServer.start();
  const spec = parseHarness(writer);
  if (!spec.ok) throw new Error('bad test document');
  const standIn = harnessStandIn(spec.spec);
  usages = [];
  server.always(PATH, (req) => {
    const answer = standIn.respond(req);
    for (const frame of answer.frames ?? []) {
      const u = /"prompt_tokens":(\d+),"completion_tokens":(\d+)/.exec(frame);
      if (u) usages.push({ prompt: Number(u[1]), completion: Number(u[2]) });
    }
    return answer;
  });
});
test.afterEach(async () => {
  await server.close();
});

test('an experiment runs on a Settings endpoint, a few requests at once, with progress and the cost of the reported usage; the export holds no key', async ({ page }, info) => {
  const errors = await openStudio(page);
  const file = info.outputPath('writer.harness.json');
  writeFileSync(file, JSON.stringify(writer));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Report writer');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await page.getByTestId('settings-button').click();
  await page.getByTestId('endpoint-add').click();
  await page.getByTestId('endpoint-name').fill('Wire server');
  await page.getByTestId('endpoint-kind').selectOption('openai');
  await page.getByTestId('endpoint-url').fill(`${server.url}/v1`);
  await page.getByTestId('endpoint-key').fill(KEY);
  await page.getByTestId('endpoint-save').click();
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByTestId('experiments-button').click();
  await page.getByTestId('exp-new').click();
  await page.getByTestId('seeds-count').fill('6');
  await page.getByTestId('exp-cpu').selectOption({ label: 'Wire server (every model)' });
  await page.getByTestId('exp-cpu-model').fill('stand-in');
  // An endpoint's rate limit: a visible setting, a few at once by default.
  await expect(page.getByTestId('exp-concurrency')).toHaveValue('4');
  await page.getByTestId('exp-concurrency').fill('2');
  await expect(page.getByTestId('exp-workers')).toHaveCount(0);
  await page.waitForTimeout(500); // the edit is saved 300 ms after it is made

  await page.getByTestId('exp-run').click();
  const progress = page.getByTestId('exp-progress');
  await expect(progress).toHaveAttribute('data-total', '6');
  await expect(progress).toHaveAttribute('data-done', '6', { timeout: 60_000 });
  await expect(page.getByTestId('exp-throughput')).toContainText('runs/s');
  // Every turn went over the wire with the stored key: 6 runs × 2 turns (write, finish).
  expect(server.count(PATH)).toBe(12);
  expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  await expect(page.getByTestId('exp-cell-base-pass')).toContainText('6/6');

  // Cost from the reported usage, at the document's prices (1 and 2 per million).
  expect(usages).toHaveLength(12);
  const tokensIn = usages.reduce((a, u) => a + u.prompt, 0);
  const tokensOut = usages.reduce((a, u) => a + u.completion, 0);
  const rows = page.locator('[data-testid="exp-run-row"]');
  await expect(rows).toHaveCount(6);
  const costs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[4]?.getAttribute('data-value'))));
  expect(costs.every((c) => c > 0)).toBe(true);
  expect(costs.reduce((a, b) => a + b, 0)).toBeCloseTo((tokensIn * 1 + tokensOut * 2) / 1e6, 9);

  // The export (the experiment with its results) names no key.
  const download = page.waitForEvent('download');
  await page.getByTestId('exp-export').click();
  const text = readFileSync((await (await download).path())!, 'utf8');
  expect(text).toContain('"records"');
  expect(text).not.toContain(KEY);

  // Every run opens in the debugger from the trace kept when it finished (the model's answers
  // recorded in it): at its stop (every goal was met), without asking the model again.
  const row = rows.nth(2);
  const seed = await row.getAttribute('data-seed');
  await row.getByTestId('exp-run-open').click();
  await expect(page.getByTestId('experiments-view')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('run-seed').or(page.getByTestId('runs-list'))).toContainText(seed!);
  const selected = page.locator('[data-testid="event-row"][aria-selected="true"]');
  await expect(selected).toHaveAttribute('data-type', 'run.stopped');
  const readout = page.getByTestId('cursor-readout');
  const head = /event (\d+) \/ (\d+)/.exec((await readout.textContent()) ?? '');
  expect(head?.[1]).toBe(head?.[2]);
  // Its two turns are the endpoint's recorded answers.
  await expect(page.locator('[data-testid="event-row"][data-type="infer.completed"]')).toHaveCount(2);
  expect(server.count(PATH)).toBe(12);
  // Stepping through it reads the recorded trace: still no request.
  const scrubber = page.getByTestId('scrubber');
  await scrubber.focus();
  await page.keyboard.press('Home');
  await expect(readout).toHaveText(`event 0 / ${head![2]}`);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(readout).toHaveText(`event 3 / ${head![2]}`);
  await expect(selected).toHaveAttribute('data-seq', '3');
  await page.keyboard.press('End');
  await expect(readout).toHaveText(`event ${head![2]} / ${head![2]}`);
  expect(server.count(PATH)).toBe(12);
  await expect(page.locator('body')).not.toContainText(KEY);
  expect(errors).toEqual([]);
});

test('an experiment runs on the in-browser local model (the generated tiny GGUF), one request at a time, its tokens counted by the model', async ({ page }, info) => {
  test.setTimeout(240_000);
  const errors = await openStudio(page);
  const local = {
    version: 1,
    name: 'Local agent',
    models: [{ id: 'm', name: 'Tiny', provider: 'openai-compatible', model: 'tiny', contextWindow: 1024, priceIn: 1, priceOut: 2 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer in one word, then finish.', capabilities: [] }],
    limits: { maxSteps: 2 },
    layout: { nodes: { solo: { x: 40, y: 40 }, m: { x: 40, y: 240 } } },
  };
  const file = info.outputPath('local.harness.json');
  writeFileSync(file, JSON.stringify(local));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Local agent');
  await page.getByTestId('settings-button').click();
  await page.getByTestId('local-model-input').setInputFiles({ name: 'tiny.gguf', mimeType: 'application/octet-stream', buffer: readFileSync(ensureTinyGguf({ seed: 1 }) as string) });
  await expect(page.locator('[data-testid="local-model-row"][data-model="tiny.gguf"]')).toBeVisible({ timeout: 15_000 });
  await page.keyboard.press('Escape');

  await page.getByTestId('experiments-button').click();
  await page.getByTestId('exp-new').click();
  await page.getByTestId('seeds-count').fill('2');
  await page.getByTestId('exp-cpu').selectOption({ label: 'local: tiny.gguf (every model)' });
  await expect(page.getByTestId('exp-cpu-model')).toHaveCount(0);
  await expect(page.getByTestId('exp-concurrency')).toHaveValue('1');
  await page.waitForTimeout(500);
  await page.getByTestId('exp-run').click();
  const progress = page.getByTestId('exp-progress');
  await expect(progress).toHaveAttribute('data-total', '2');
  await expect(progress).toHaveAttribute('data-done', '2', { timeout: 180_000 });
  // Real generations: each run's cost is its tokens (counted by the model's own tokenizer) at the document's prices.
  const rows = page.locator('[data-testid="exp-run-row"]');
  await expect(rows).toHaveCount(2);
  const costs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[4]?.getAttribute('data-value'))));
  expect(costs.every((c) => c > 0)).toBe(true);
  expect(errors).toEqual([]);
});
