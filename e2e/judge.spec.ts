/**
 * A judge goal in the studio: the judging model on a Settings endpoint (the providers' wire server
 * on 127.0.0.1, answering by a fixed rule: a TEST STAND-IN, NOT A MODEL), its verdict in the
 * Termination checklist, and after a reload the same verdict with no further request.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { EVENT_STREAM_HEADERS, WireServer, type RecordedRequest } from '../src/providers/testing/wireServer';
import { openAiStream } from '../src/providers/testing/openaiWire';
import { openStudio, runToStop } from './helpers';

test.describe.configure({ timeout: 90_000 });

let server: WireServer;
test.beforeEach(async () => {
  server = await WireServer.start();
});
test.afterEach(async () => {
  await server.close();
});

/** A sim writer drafts the report twice; the critic (a real model's slot, on the wire) judges each draft. */
const judged = {
  version: 1, name: 'Judged report',
  models: [
    { id: 'm', name: 'Sim', provider: 'sim', tokensPerSecond: 100 },
    { id: 'critic', name: 'Critic', provider: 'openai-compatible', model: 'critic-stand-in' },
  ],
  agents: [{ id: 'writer', name: 'Writer', model: 'm', behaviour: [{ op: 'write', artifact: 'report', text: 'draft' }, { op: 'think', text: 'polish' }, { op: 'write', artifact: 'report', text: 'Dear reader, thank you.' }, { op: 'finish', text: 'sent' }] }],
  goals: [{ id: 'polite', name: 'The report thanks the reader', when: { kind: 'judge', artifact: 'report', rubric: 'Does the report thank the reader?', model: 'critic' } }],
  layout: { nodes: { writer: { x: 40, y: 40 }, m: { x: 40, y: 240 }, critic: { x: 320, y: 240 } } },
};

function critic(req: RecordedRequest) {
  const text = (req.body as { messages: { content: string }[] }).messages.at(-1)!.content;
  return { headers: EVENT_STREAM_HEADERS, frames: openAiStream({ text: [/<<<[\s\S]*thank[\s\S]*>>>/.test(text) ? 'PASS it thanks the reader.' : 'FAIL it does not thank the reader.'], usage: { prompt: 50, completion: 6 } }) };
}

test('a judge goal asks its model on the endpoint, shows the verdict at the goal, and a reload shows it again with no request', async ({ page }, info) => {
  const errors = await openStudio(page);
  const file = info.outputPath('judged.harness.json');
  writeFileSync(file, JSON.stringify(judged));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Judged report');

  await page.getByTestId('settings-button').click();
  await page.getByTestId('endpoint-add').click();
  await page.getByTestId('endpoint-name').fill('Wire server');
  await page.getByTestId('endpoint-kind').selectOption('openai');
  await page.getByTestId('endpoint-url').fill(`${server.url}/v1`);
  await page.getByTestId('endpoint-save').click();
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.getByTestId('node-critic').click();
  await page.getByTestId('field-endpoint').selectOption('Wire server');
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  server.always('/v1/chat/completions', critic);
  await runToStop(page);
  expect(server.count('/v1/chat/completions')).toBe(2);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  await page.getByTestId('run-tab-termination').click();
  const row = page.getByTestId('goal-row-polite');
  await expect(row).toHaveAttribute('data-met', 'true');
  await expect(row).toContainText('model critic judged artifact "report": pass — it thanks the reader.');

  await page.reload();
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 20_000 }) // a reload reopens the project from IndexedDB: seconds on a loaded machine;
  await page.getByTestId('run-tab-termination').click();
  await expect(page.getByTestId('goal-row-polite')).toContainText('pass — it thanks the reader.');
  expect(server.count('/v1/chat/completions')).toBe(2);
  expect(errors).toEqual([]);
});
