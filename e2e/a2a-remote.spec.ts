/**
 * Remote agents in the studio: a person adds a remote A2A agent (built by this test only from
 * @a2a-js/sdk's server classes, on 127.0.0.1, with CORS for the page) by its Agent Card URL, sees
 * its card and skills, connects a local agent to it with a channel, runs, and reads the remote's
 * answer in the log; stepping back and seeking send nothing more.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';
import { startTestAgent, type TestAgent } from '../src/providers/a2aRemote.testing';

let agent: TestAgent;
test.beforeAll(async () => {
  agent = await startTestAgent({ cors: '*' });
});
test.afterAll(async () => {
  await agent?.close();
});

/** A writer whose script asks "translator" and reads its answer, before the remote agent is declared. */
const writer = {
  version: 1,
  name: 'A2A in the studio',
  models: [{ id: 'sim', name: 'Sim' }],
  agents: [{
    id: 'writer', name: 'Writer', model: 'sim',
    behaviour: [
      { op: 'send', to: 'translator', text: 'good morning' },
      { op: 'recv', from: 'translator', as: 'answer' },
      { op: 'finish', text: '{{var.answer}}' },
    ],
  }],
  layout: { nodes: { sim: { x: 40, y: 260 }, writer: { x: 40, y: 80 } } },
};

test('add a remote agent by its card URL, see its skills, connect a channel, run: its answer is in the log, and stepping back sends nothing', async ({ page }, info) => {
  test.slow();
  await openStudio(page);
  const file = info.outputPath('a2a.harness.json');
  writeFileSync(file, JSON.stringify(writer));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('A2A in the studio');

  // The worker reads the card: the agent, its skill and modes, and a node on the canvas.
  await page.getByTestId('remote-url').fill(agent.cardUrl);
  await page.getByTestId('remote-add').click();
  const entry = page.getByTestId('remote-agent-translator');
  await expect(entry).toBeVisible({ timeout: 15_000 });
  await expect(entry.getByTestId('remote-skill-translate')).toContainText('Translate');
  await expect(entry.getByTestId('remote-card')).toContainText('text/plain → text/plain');
  const node = page.getByTestId('node-translator');
  await expect(node).toBeVisible();
  await expect(node).toContainText('Remote agent');
  await expect(page.getByTestId('remote-skills-translator')).toContainText('Translate');
  expect(agent.rpcRequests).toBe(0);

  // A channel: drag from the writer's message handle to the remote agent.
  const handle = page.locator('[data-testid="node-writer"] .hs-handle--out');
  const from = (await handle.boundingBox())!;
  const to = (await node.locator('.hs-handle').first().boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  // Run: the message reaches the remote agent, and its answer is recorded and read.
  await runToStop(page);
  expect(agent.rpcRequests).toBe(1);
  expect(agent.received).toEqual(['good morning']);
  const replied = page.locator('[data-testid="event-row"]', { hasText: 'remote.replied' });
  await expect(replied).toHaveCount(1);
  await replied.click();
  await expect(page.getByTestId('event-detail')).toContainText('translated: GOOD MORNING');
  await expect(page.locator('[data-testid="event-row"]', { hasText: 'agent.finished' })).toContainText('translated: GOOD MORNING');

  // Back and a seek read the record: the remote agent sees nothing more.
  await page.getByTestId('step-back-button').click();
  await page.locator('[data-testid="event-row"]').first().click();
  await replied.click();
  await expect(page.getByTestId('event-detail')).toContainText('translated: GOOD MORNING');
  expect(agent.rpcRequests).toBe(1);
});

test('a remote agent that cannot be reached: the palette says why, naming CORS and the headers it needs', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('remote-url').fill('http://127.0.0.1:9/.well-known/agent-card.json');
  await page.getByTestId('remote-add').click();
  const error = page.getByTestId('remote-error');
  await expect(error).toBeVisible({ timeout: 15_000 });
  await expect(error).toHaveAttribute('data-kind', 'cors');
  await expect(error).toContainText('Access-Control-Allow-Headers content-type, a2a-version');
});
