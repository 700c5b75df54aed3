/**
 * MCP tools in the studio: a person adds the reference server (@modelcontextprotocol/server-everything,
 * started by this test on 127.0.0.1 over Streamable HTTP) by its URL, sees its tools, drags one
 * onto the canvas, grants it to an agent, runs, and sees the recorded result; stepping back and
 * seeking never call the server again.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio, runToStop } from './helpers';
import { startEverythingHttp, type EverythingHttp } from '../src/providers/testing/everythingServer';

let server: EverythingHttp;
test.beforeAll(async () => {
  server = await startEverythingHttp();
});
test.afterAll(async () => {
  await server?.stop();
});

/** An agent whose script calls the server's echo tool, before the tool or the server is declared. */
const calculator = {
  version: 1,
  name: 'MCP in the studio',
  models: [{ id: 'sim', name: 'Sim' }],
  agents: [{
    id: 'calc', name: 'Calculator', model: 'sim',
    behaviour: [
      { op: 'call', tool: 'mcp__everything__echo', args: { message: 'hello from the studio' } },
      { op: 'finish', text: 'done' },
    ],
  }],
  layout: { nodes: { sim: { x: 40, y: 260 }, calc: { x: 40, y: 120 } } },
};

test('add an MCP server by URL, drag its echo tool onto the canvas, grant it, run: the result is recorded, and stepping back calls nothing', async ({ page }, info) => {
  // Many steps, a server and a run: three times the usual budget on a loaded machine.
  test.slow();
  await openStudio(page);
  const file = info.outputPath('mcp.harness.json');
  writeFileSync(file, JSON.stringify(calculator));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('MCP in the studio');

  // Connect: the worker lists the server's tools.
  await page.getByTestId('mcp-url').fill(server.url);
  await page.getByTestId('mcp-connect').click();
  await expect(page.getByTestId('mcp-server-everything')).toBeVisible({ timeout: 15_000 });
  const echo = page.getByTestId('mcp-tool-echo');
  await expect(echo).toBeVisible();
  await expect(page.getByTestId('mcp-tool-get-sum')).toBeVisible();
  await expect(echo).toHaveAttribute('title', /Echoes back the input/);

  // Drag it onto the canvas: a tool node.
  await echo.dragTo(page.getByTestId('canvas'), { targetPosition: { x: 580, y: 90 } });
  const node = page.getByTestId('node-mcp__everything__echo');
  await expect(node).toBeVisible();

  // Grant it: drag from the agent's top handle (capability) to the tool's handle.
  const handle = page.locator('[data-testid="node-calc"] .hs-handle--res');
  const from = (await handle.boundingBox())!;
  const to = (await node.locator('.hs-handle').first().boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await page.getByTestId('node-calc').click();
  await expect(page.getByTestId('inspector')).toContainText('mcp__everything__echo');

  // Run: the call reaches the server and its answer is recorded.
  const before = server.requests();
  await runToStop(page);
  expect(server.requests()).toBeGreaterThan(before);
  const returned = page.locator('[data-testid="event-row"]', { hasText: 'tool.returned' });
  await expect(returned).toHaveCount(1);
  await returned.click();
  await expect(page.getByTestId('event-detail')).toContainText('Echo: hello from the studio');
  await expect(page.getByTestId('event-detail')).toContainText('everything');

  // Back and a seek read the record: the server sees nothing more.
  const afterRun = server.requests();
  await page.getByTestId('step-back-button').click();
  await page.locator('[data-testid="event-row"]').first().click();
  await returned.click();
  await expect(page.getByTestId('event-detail')).toContainText('Echo: hello from the studio');
  expect(server.requests()).toBe(afterRun);
});

test('a server that cannot be reached: the palette says why, naming CORS and the headers it needs', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('mcp-url').fill('http://127.0.0.1:9/mcp');
  await page.getByTestId('mcp-connect').click();
  const error = page.getByTestId('mcp-error');
  await expect(error).toBeVisible({ timeout: 15_000 });
  await expect(error).toHaveAttribute('data-kind', 'cors');
  await expect(error).toContainText('Access-Control-Expose-Headers: Mcp-Session-Id');
  await expect(error).toContainText('harness mcp-proxy');
});

test('a local stdio server behind harness mcp-proxy: the studio connects through it and lists its tools', async ({ page }) => {
  test.slow();
  const { startMcpProxy } = await import('../src/cli/mcpProxy');
  const { EVERYTHING_STDIO } = await import('../src/providers/testing/everythingServer');
  const proxy = await startMcpProxy({ ...EVERYTHING_STDIO, port: 0 });
  try {
    await openStudio(page);
    await page.getByTestId('mcp-url').fill(proxy.url);
    await page.getByTestId('mcp-connect').click();
    await expect(page.getByTestId('mcp-server-everything')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('mcp-tool-get-sum')).toBeVisible();
  } finally {
    await proxy.close();
  }
});
