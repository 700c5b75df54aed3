/**
 * Real models, as a new user meets them: Settings, an endpoint on a local wire server (the
 * providers' test server, on 127.0.0.1, started here), Test listing its models, and a planted
 * key that must appear nowhere but the worker's endpoint table.
 */
import { expect, test, type Page } from '@playwright/test';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiErrorBody, openAiModelList } from '../src/providers/testing/openaiWire';
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
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
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
