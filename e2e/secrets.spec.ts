/**
 * Secrets (issue #12, item 4) in the studio: a document declaring a secret of each kind (a vault
 * tool's result, a store document, a core memory block) is run; every view that shows what the
 * run did is opened, and the whole page (text, attributes, form values) is searched for the
 * values, as is every download the studio offers and every console message. The values flowed
 * (`[secret redacted]` stands where they did). Then an API key planted in Settings is searched
 * for the same way after a Test the server refused while echoing the key.
 *
 * The document editor (Monaco) and the inspector show the document the user wrote, secrets and
 * all: they are the user's own input and are left out of the search (README, Secrets).
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiErrorBody } from '../src/providers/testing/openaiWire';
import { PLANTED, secretsDoc } from '../src/worker/testing/secretsDoc';
import { openStudio, runToStop } from './helpers';

const REDACTED = '[secret redacted]';
test.describe.configure({ timeout: 90_000 });

/** Every console message of the page and its workers, as text. */
function recordConsole(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (msg) => messages.push(`${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => messages.push(`pageerror: ${err.message}\n${err.stack ?? ''}`));
  return messages;
}

/** The page as a person or a script could read it: text, every attribute, every form value; the user's own document (editor, inspector) left out. */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const own = (el: Element) => el.closest('.monaco-editor, [data-testid="inspector"]') !== null;
    const parts: string[] = [document.title, location.href];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      if (own(el)) continue;
      for (const attr of Array.from(el.attributes)) parts.push(attr.value);
      for (const node of Array.from(el.childNodes)) if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) parts.push(el.value);
    }
    return parts.join('\n');
  });
}

/** Fails naming each planted value the page shows, and where. */
async function expectNoSecret(page: Page, where: string, secrets: readonly string[] = PLANTED): Promise<string> {
  const text = await pageText(page);
  for (const s of secrets) expect(text.includes(s), `${s} shown in ${where}`).toBe(false);
  return text;
}

async function downloaded(download: Promise<Download>): Promise<string> {
  const stream = await (await download).createReadStream();
  return Buffer.concat(await stream.toArray()).toString('utf8');
}

test('a run of a document declaring secrets shows and exports none of them', async ({ page }, info) => {
  const consoleText = recordConsole(page);
  await openStudio(page);
  const file = info.outputPath('secrets.harness.json');
  writeFileSync(file, JSON.stringify(secretsDoc()));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('node-assistant')).toBeVisible();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await runToStop(page);

  // The event log, and the detail of each kind of event that carries a value.
  await page.getByTestId('run-tab-events').click();
  const marked = new Set<string>();
  expect(await expectNoSecret(page, 'the event log')).toContain(REDACTED);
  for (const type of ['run.started', 'job.published', 'tool.returned', 'mem.faulted', 'infer.completed', 'artifact.written', 'msg.sent', 'agent.woke', 'tool.called', 'tool.allowed', 'agent.finished']) {
    await page.getByTestId('filter-type').selectOption(type);
    const rows = page.locator('[data-testid="event-row"]', { hasText: type });
    await expect(rows.first(), `an ${type} event`).toBeVisible();
    for (const row of await rows.all()) {
      await row.click();
      await expect(page.getByTestId('event-detail')).toContainText(type);
      await expectNoSecret(page, `the detail of ${type}`);
      if ((await page.getByTestId('event-detail').innerText()).includes(REDACTED)) marked.add(type);
    }
  }
  // Where each value flowed, the marker stands.
  expect([...marked].sort()).toEqual(['agent.finished', 'agent.woke', 'artifact.written', 'infer.completed', 'job.published', 'mem.faulted', 'msg.sent', 'run.started', 'tool.called', 'tool.returned']);
  await page.getByTestId('filter-type').selectOption('');
  await expect(page.getByTestId('artifacts')).toContainText(REDACTED);

  // Every other view of the run.
  for (const tab of ['scheduler', 'memory', 'permissions', 'messages', 'termination']) {
    await page.getByTestId(`run-tab-${tab}`).click();
    await expectNoSecret(page, `the ${tab} view`);
  }
  // Memory: each agent's context (the core block, the fault, the message), and the secret store searched.
  await page.getByTestId('run-tab-memory').click();
  for (const agent of ['assistant', 'clerk']) {
    await page.getByTestId('memory-agent').selectOption(agent);
    await expectNoSecret(page, `${agent}'s memory`);
    for (const seg of await page.locator('[data-testid="memory-view"] [data-testid="segment-row"]').all()) {
      await seg.click();
      await expectNoSecret(page, `a segment of ${agent}'s context`);
    }
  }
  await page.getByTestId('memory-agent').selectOption('assistant');
  await expect(page.getByTestId('memory-view')).toContainText(REDACTED);
  await page.getByTestId('archive-query').fill('door code');
  await expect(page.getByTestId('archive-hit').first()).toContainText(REDACTED);
  await expectNoSecret(page, 'the archive browser');
  await page.getByTestId('run-tab-messages').click();
  await expect(page.getByTestId('messages-view')).toContainText(REDACTED);
  await expectNoSecret(page, 'the messages view');

  // Every download: the project export and the run's trace.
  await page.getByTestId('run-tab-events').click();
  const project = await downloaded(Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]).then(([d]) => d));
  const trace = await downloaded(Promise.all([page.waitForEvent('download'), page.getByTestId('run-export-trace').first().click()]).then(([d]) => d));
  for (const [name, text] of [['project export', project], ['trace JSONL', trace]] as const) {
    for (const s of PLANTED) expect(text.includes(s), `${s} in the ${name}`).toBe(false);
    expect(text, name).toContain(REDACTED);
  }
  expect(trace.trim().split('\n').length).toBeGreaterThan(20);
  expect(trace).toMatch(/"type":"tool.returned"[^\n]*"result":"\[secret redacted\]"/);

  for (const s of PLANTED) expect(consoleText.join('\n').includes(s), `${s} in the console`).toBe(false);
});

test('a key planted in Settings shows nowhere after a Test the server refused while echoing it', async ({ page }) => {
  const KEY = 'sk-settings-PLANTED-e2e-4244';
  const server = await WireServer.start();
  try {
    server.script('/v1/models', { status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') });
    const consoleText = recordConsole(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await openStudio(page);
    await page.getByTestId('settings-button').click();
    await page.getByTestId('endpoint-add').click();
    await page.getByTestId('endpoint-name').fill('Echo server');
    await page.getByTestId('endpoint-kind').selectOption('openai');
    await page.getByTestId('endpoint-url').fill(`${server.url}/v1`);
    await page.getByTestId('endpoint-key').fill(KEY);
    await page.getByTestId('endpoint-save').click();
    await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
    await page.getByTestId('endpoint-test').click();
    await expect(page.getByTestId('endpoint-test-result')).toHaveAttribute('data-ok', 'false');
    expect(server.requests.some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    await expectNoSecret(page, 'Settings after the refused Test', [KEY]);
    await page.getByTestId('endpoint-edit').click();
    await expectNoSecret(page, 'the endpoint being edited', [KEY]);
    await page.keyboard.press('Escape');
    const project = await downloaded(Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]).then(([d]) => d));
    expect(project).not.toContain(KEY);
    expect(requests.join('\n')).not.toContain(KEY);
    expect(consoleText.join('\n')).not.toContain(KEY);
  } finally {
    await server.close();
  }
});
