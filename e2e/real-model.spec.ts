/**
 * Real models, as a new user meets them: Settings, an endpoint on a local wire server (the
 * providers' test server, on 127.0.0.1, started here), Test listing its models, a run whose
 * tokens are seen arriving, travel in time and a reload that never call the model again, and a
 * planted key that must appear nowhere but the worker's endpoint table.
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiErrorBody, openAiModelList, openAiStream } from '../src/providers/testing/openaiWire';
import { openStudio } from './helpers';

const KEY = 'sk-planted-e2e-5b1d7c9e3a';
test.describe.configure({ timeout: 90_000 });

let server: WireServer;
test.beforeEach(async () => {
  server = await WireServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** Every IndexedDB store's rows as JSON, by store name. */
async function indexedDbDump(page: Page): Promise<Record<string, string>> {
  return page.evaluate(async () => {
    const out: Record<string, string> = {};
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
        out[`${info.name}/${store}`] = JSON.stringify(rows);
      }
      db.close();
    }
    return out;
  });
}

async function addEndpoint(page: Page, name: string, url: string, key: string): Promise<void> {
  await page.getByTestId('endpoint-add').click();
  await page.getByTestId('endpoint-name').fill(name);
  await page.getByTestId('endpoint-kind').selectOption('openai');
  await page.getByTestId('endpoint-url').fill(url);
  await page.getByTestId('endpoint-key').fill(key);
  await page.getByTestId('endpoint-save').click();
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
}

test('Settings: add an endpoint, Test lists its models, a refused key names the endpoint and the fix; the key stays in the worker', async ({ page }) => {
  await openStudio(page);
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: /Settings/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('No endpoints yet');

  await addEndpoint(page, 'Wire server', `${server.url}/v1`, KEY);
  const row = page.locator('[data-testid="endpoint-row"][data-endpoint="Wire server"]');
  await expect(row).toContainText('key stored');

  server.script('/v1/models', { body: openAiModelList(['tiny-chat', 'tiny-code']) });
  await row.getByTestId('endpoint-test').click();
  await expect(row.getByTestId('endpoint-models')).toHaveText(/tiny-chat\s*tiny-code/);
  expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

  server.script('/v1/models', { status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') });
  await row.getByTestId('endpoint-test').click();
  const failure = row.getByTestId('endpoint-test-result');
  await expect(failure).toHaveAttribute('data-kind', 'auth');
  await expect(failure).toContainText(server.url);
  await expect(failure).not.toContainText(KEY);

  // Editing the URL without retyping the key keeps it.
  await row.getByTestId('endpoint-edit').click();
  await expect(page.getByTestId('endpoint-key')).toHaveValue('');
  await page.getByTestId('endpoint-name').fill('Wire');
  await page.getByTestId('endpoint-save').click();
  const renamed = page.locator('[data-testid="endpoint-row"][data-endpoint="Wire"]');
  await expect(renamed).toContainText('key stored');
  server.script('/v1/models', { body: openAiModelList(['tiny-chat']) });
  await renamed.getByTestId('endpoint-test').click();
  await expect(renamed.getByTestId('endpoint-models')).toHaveText('tiny-chat');
  expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);

  // Escape closes; the endpoint survives a reload; the key is in no page and no other store.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 20_000 }) // a reload reopens the project from IndexedDB: seconds on a loaded machine;
  await page.getByTestId('settings-button').focus();
  await page.keyboard.press('Enter');
  await expect(renamed).toContainText('key stored');
  expect(await page.content()).not.toContain(KEY);
  const dump = await indexedDbDump(page);
  const holders = Object.entries(dump).filter(([, rows]) => rows.includes(KEY)).map(([store]) => store);
  expect(holders).toEqual(['harness-studio/endpoints']);

  await renamed.getByTestId('endpoint-delete').click();
  await renamed.getByTestId('endpoint-delete-confirm').click();
  await expect(dialog).toContainText('No endpoints yet');
  expect(Object.values(await indexedDbDump(page)).some((rows) => rows.includes(KEY))).toBe(false);
});

test('the inspector says what drives an agent, and a real model points at a Settings endpoint that is not in the document', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('settings-button').click();
  await addEndpoint(page, 'Wire server', `${server.url}/v1`, KEY);
  await page.keyboard.press('Escape');

  await page.getByTestId('node-planner').click();
  await expect(page.getByTestId('driven-by')).toHaveText(/^Driven by its behaviour script \(sim\)/);
  await expect(page.getByText('System prompt (unused on sim)')).toBeVisible();

  await page.getByTestId('node-sim-small').click();
  await page.getByTestId('field-provider').selectOption('openai-compatible');
  await page.getByTestId('field-endpoint').selectOption('Wire server');
  await page.getByTestId('node-planner').click();
  await expect(page.getByTestId('driven-by')).toHaveText(/^Driven by its prompt on sim-1 at Wire server\./);
  await expect(page.getByText('Behaviour (unused: a real model reads the prompt)')).toBeVisible();

  // The choice survives a reload, and the exported document holds neither the endpoint, its URL nor the key.
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.reload();
  await page.getByTestId('node-planner').click();
  await expect(page.getByTestId('driven-by')).toContainText('at Wire server');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const text = await (await (await download).createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(text).toContain('openai-compatible');
  for (const secret of [KEY, 'Wire server', server.url]) expect(text).not.toContain(secret);
});

/** A one-agent harness on an OpenAI-compatible model (its endpoint is chosen in the studio, not in the file). */
const oneAgent = {
  version: 1, name: 'One real agent',
  models: [{ id: 'tiny', name: 'Tiny', provider: 'openai-compatible', model: 'tiny-chat', tokensPerSecond: 20 }],
  agents: [{ id: 'solo', name: 'Solo', model: 'tiny', systemPrompt: 'Think aloud once, then finish with your answer.', capabilities: [] }],
  limits: { maxSteps: 20 },
  layout: { nodes: { solo: { x: 40, y: 40 }, tiny: { x: 40, y: 240 } } },
};

/** A streamed answer whose words arrive 70 ms apart, over seconds (then a finish call, when given). */
function slowAnswer(words: string[], finish?: string) {
  return {
    frameDelayMs: 70,
    frames: openAiStream({
      text: words,
      ...(finish ? { toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: [JSON.stringify({ text: finish })] }], finishReason: 'tool_calls' } : {}),
      usage: { prompt: 31, completion: 57 },
    }),
  };
}

test('a real run as a new user: tokens stream live; stepping back, scrubbing, reloading and replaying never call the model; no key in any store or the export', async ({ page, context }, info) => {
  await openStudio(page);
  const file = info.outputPath('one-real-agent.harness.json');
  writeFileSync(file, JSON.stringify(oneAgent));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('One real agent');

  // Settings: an endpoint on the wire server, tested.
  await page.getByTestId('settings-button').click();
  await addEndpoint(page, 'Wire server', `${server.url}/v1`, KEY);
  server.script('/v1/models', { body: openAiModelList(['tiny-chat']) });
  const row = page.locator('[data-testid="endpoint-row"][data-endpoint="Wire server"]');
  await row.getByTestId('endpoint-test').click();
  await expect(row.getByTestId('endpoint-models')).toHaveText('tiny-chat');
  await page.keyboard.press('Escape');

  // The model runs on it.
  await page.getByTestId('node-tiny').click();
  await page.getByTestId('field-endpoint').selectOption('Wire server');
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  // Two turns: one thinks aloud (with markup that must stay text), the next finishes.
  const think = Array.from({ length: 30 }, (_, i) => (i === 3 ? '<b id="planted">not bold</b> ' : `thought${i} `));
  const answer = Array.from({ length: 60 }, (_, i) => `answer${i} `);
  server.script('/v1/chat/completions', slowAnswer(think), slowAnswer(answer, 'Done: the answer.'));
  // The Scheduler view loads on first opening: open it once now, so it is quick while the model streams.
  await page.getByTestId('run-tab-scheduler').click();
  await expect(page.getByTestId('scheduler-view')).toBeVisible();
  await page.getByTestId('run-tab-events').click();
  await page.getByTestId('run-button').click();

  // Turn 0 streams: the live row's token count grows before the turn completes.
  const live = page.locator('[data-testid="live-row"][data-agent="solo"][data-turn="0"]');
  await expect(live).toBeVisible({ timeout: 15_000 });
  const first = Number(await live.getAttribute('data-tokens'));
  await expect.poll(async () => Number(await live.getAttribute('data-tokens'))).toBeGreaterThan(first);
  await expect(live.getByTestId('live-row-head')).toHaveText(/^solo · streaming · \d+ tokens$/);
  await expect(page.locator('[data-testid="process-row"][data-agent="solo"]')).toHaveAttribute('data-live', 'generating');
  await expect(live.getByTestId('live-row-text')).toContainText('<b id="planted">not bold</b>');
  await expect(page.locator('#planted')).toHaveCount(0);

  // Turn 1 streams while the Scheduler is open: the running bar's live end moves on.
  await expect(page.locator('[data-testid="live-row"][data-agent="solo"][data-turn="1"]')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('run-tab-scheduler').click();
  await expect(page.getByTestId('sched-live')).toContainText('solo generating');
  const gantt = page.getByTestId('sched-gantt');
  const end0 = Number(await gantt.getAttribute('data-live-end'));
  await expect.poll(async () => Number(await gantt.getAttribute('data-live-end'))).toBeGreaterThan(end0);
  await page.getByTestId('run-tab-events').click();

  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 20_000 });
  await expect(page.getByTestId('live-rows')).toHaveCount(0);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  expect(server.count('/v1/chat/completions')).toBe(2);

  // The turn's detail: the provider's usage beside the tokenizer's estimate.
  await page.getByTestId('filter-type').selectOption('infer.completed');
  await page.locator('[data-testid="event-row"][data-type="infer.completed"]').last().click();
  await expect(page.getByTestId('usage-out')).toHaveAttribute('data-reported', '57');
  await expect(page.getByTestId('usage-out')).not.toHaveAttribute('data-estimate', '57');
  await page.getByTestId('filter-type').selectOption('');

  // With the network to the model blocked (any request is counted and fails), travel in time.
  let blocked = 0;
  await context.route(`${server.url}/**`, (route) => {
    blocked++;
    return route.abort();
  });
  const served = server.count();
  const [at, head] = /(\d+)\s*\/\s*(\d+)/.exec(await page.getByTestId('cursor-readout').innerText())!.slice(1).map(Number) as [number, number];
  for (let i = 0; i < 3; i++) await page.getByTestId('step-back-button').click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${at - 3} / ${head}`);
  await page.getByTestId('scrubber').fill('2');
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event 2 / ${head}`);
  await page.locator('[data-testid="event-row"][data-seq="4"]').click();
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event 4 / ${head}`);
  await page.getByTestId('run-tab-scheduler').click();
  await expect(page.getByTestId('sched-gantt')).toBeVisible();
  await page.getByTestId('run-tab-events').click();

  // A reload replays the finished run from storage: its events are all there, nothing is asked.
  await page.reload();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 20_000 }) // a reload reopens the project from IndexedDB: seconds on a loaded machine;
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event ${head} / ${head}`);
  await page.getByTestId('filter-type').selectOption('infer.completed');
  await expect(page.locator('[data-testid="event-row"][data-type="infer.completed"]')).toHaveCount(2);
  await page.locator('[data-testid="event-row"][data-type="infer.completed"]').first().click();
  await expect(page.getByTestId('event-detail')).toContainText('thought29');
  await page.locator('[data-testid="event-row"][data-type="infer.completed"]').last().click();
  await expect(page.getByTestId('event-detail')).toContainText('answer59');
  await page.getByTestId('filter-type').selectOption('');
  await page.getByTestId('scrubber').fill('1');
  await expect(page.getByTestId('cursor-readout')).toHaveText(`event 1 / ${head}`);
  expect(blocked).toBe(0);
  expect(server.count()).toBe(served);

  // The key is nowhere but the worker's endpoint table: not in the page, the export or any other store.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-button').click();
  const text = await (await (await download).createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(text).toContain('One real agent');
  expect(text).not.toContain(KEY);
  expect(await page.content()).not.toContain(KEY);
  const dump = await indexedDbDump(page);
  expect(Object.entries(dump).filter(([, rows]) => rows.includes(KEY)).map(([store]) => store)).toEqual(['harness-studio/endpoints']);
  // The run's trace is stored (a replay needs it) and holds the answers, never the key.
  expect(Object.entries(dump).some(([store, rows]) => store.endsWith('eventBlocks') && rows.includes('answer59'))).toBe(true);
});
