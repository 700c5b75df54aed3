/**
 * Model faults as a person sees them in the studio: a real model on the local wire server
 * answers 429 (retry-after) once, and the event log shows the failed call with its kind, its
 * attempt and when it retries, then the endpoint's throttle; the run completes. A refused key
 * fails the job with the endpoint in its reason, and the run stops as jobs-failed.
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { WireServer } from '../src/providers/testing/wireServer';
import { openAiErrorBody, openAiStream } from '../src/providers/testing/openaiWire';
import { openStudio } from './helpers';

const KEY = 'sk-planted-e2e-faults-8c2f';
const PATH = '/v1/chat/completions';
test.describe.configure({ timeout: 90_000 });

let server: WireServer;
test.beforeEach(async () => {
  server = await WireServer.start();
});
test.afterEach(async () => {
  await server.close();
});

const oneAgent = {
  version: 1, name: 'Faulty endpoint',
  models: [{ id: 'tiny', name: 'Tiny', provider: 'openai-compatible', model: 'tiny-chat' }],
  agents: [{ id: 'solo', name: 'Solo', model: 'tiny', systemPrompt: 'Finish with your answer.', capabilities: [] }],
  limits: { maxSteps: 20 },
  layout: { nodes: { solo: { x: 40, y: 40 }, tiny: { x: 40, y: 240 } } },
};

/** Imports the one-agent document and binds its model to an endpoint on the wire server. */
async function setUp(page: Page, info: TestInfo): Promise<void> {
  await openStudio(page);
  const file = info.outputPath('faulty.harness.json');
  writeFileSync(file, JSON.stringify(oneAgent));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Faulty endpoint');
  await page.getByTestId('settings-button').click();
  await page.getByTestId('endpoint-add').click();
  await page.getByTestId('endpoint-name').fill('Wire server');
  await page.getByTestId('endpoint-kind').selectOption('openai');
  await page.getByTestId('endpoint-url').fill(`${server.url}/v1`);
  await page.getByTestId('endpoint-key').fill(KEY);
  await page.getByTestId('endpoint-save').click();
  await expect(page.getByTestId('endpoint-form')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.getByTestId('node-tiny').click();
  await page.getByTestId('field-endpoint').selectOption('Wire server');
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
}

const finish = { frames: openAiStream({ toolCalls: [{ id: 'c1', name: 'finish', argumentChunks: ['{"text":"Paris"}'] }], finishReason: 'tool_calls', usage: { prompt: 20, completion: 6 } }) };

test('a 429 shows as a failed call with its retry, the endpoint is throttled, and the retried turn completes the run', async ({ page }, info) => {
  await setUp(page, info);
  server.script(PATH, { status: 429, headers: { 'retry-after': '1' }, body: openAiErrorBody('Rate limit reached', 'rate_limit_exceeded', 'rate_limit_exceeded') }, finish);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 20_000 });
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  expect(server.count(PATH)).toBe(2);
  const failed = page.locator('[data-testid="event-row"][data-type="infer.failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(/turn 0 attempt 1 on tiny · rate-limited \(429\) · retry at \d+\.\d{3}s \(in 1000ms\)/);
  await expect(page.locator('[data-testid="event-row"][data-type="sched.throttled"]')).toContainText('endpoint of tiny · rate-limit');
  expect(await page.content()).not.toContain(KEY);
});

test('a refused key fails the job naming the endpoint, and the run stops as jobs-failed', async ({ page }, info) => {
  await setUp(page, info);
  server.script(PATH, { status: 401, body: openAiErrorBody(`Incorrect API key provided: ${KEY}`, 'invalid_request_error', 'invalid_api_key') });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 20_000 });
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'jobs-failed');
  await expect(page.locator('[data-testid="event-row"][data-type="infer.failed"]')).toContainText('auth (401) · no retry: auth is not retryable');
  const job = page.locator('[data-testid="event-row"][data-type="job.failed"]');
  await expect(job).toContainText('infer: model tiny: auth (HTTP 401)');
  await expect(job).toContainText(server.url);
  expect(server.count(PATH)).toBe(1);
  expect(await page.content()).not.toContain(KEY);
});
