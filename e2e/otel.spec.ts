/**
 * OpenTelemetry export in the studio: run the Research team example, download its OTLP JSON from
 * the run toolbar and check its span tree (decoded with the official OpenTelemetry protobuf
 * classes); set a collector in Settings (a stand-in HTTP server on 127.0.0.1 that allows this
 * origin by CORS and records what it gets) and Send the run there with its header, which the
 * page never shows again.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Download } from '@playwright/test';
import { decodeOtlpJson, type DecodedSpan } from '../src/providers/testing/otelDecode';
import { openStudio, runToStop } from './helpers';

test.describe.configure({ timeout: 90_000 });

const HEADER = 'Basic cGstbGYtZTJlOnNrLWxmLWUyZS1zZWNyZXQ=';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
test.beforeAll(async () => {
  server = createServer((req, res) => {
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-headers': 'content-type, authorization', 'access-control-allow-methods': 'POST' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { ...cors, 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function downloaded(download: Promise<Download>): Promise<{ name: string; text: string }> {
  const d = await download;
  const stream = await d.createReadStream();
  return { name: d.suggestedFilename(), text: Buffer.concat(await stream.toArray()).toString('utf8') };
}

function checkTree(spans: DecodedSpan[]): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => s.parentSpanId === '');
  expect(roots.map((s) => s.name)).toEqual(['invoke_workflow Research team']);
  const op = (s: DecodedSpan) => s.attributes['gen_ai.operation.name'];
  const turns = spans.filter((s) => op(s) === 'invoke_agent');
  expect(new Set(turns.map((s) => s.name))).toEqual(new Set(['invoke_agent planner', 'invoke_agent researcher', 'invoke_agent writer']));
  for (const t of turns) expect(t.parentSpanId).toBe(roots[0]!.spanId);
  const leaves = spans.filter((s) => op(s) === 'chat' || op(s) === 'execute_tool');
  expect(leaves.length + turns.length + 1).toBe(spans.length);
  for (const s of leaves) expect(op(byId.get(s.parentSpanId)!)).toBe('invoke_agent');
  expect(spans.some((s) => s.name === 'chat sim-1' && typeof s.attributes['gen_ai.usage.output_tokens'] === 'number')).toBe(true);
  expect(spans.some((s) => s.name === 'execute_tool web_search')).toBe(true);
  for (const s of spans) expect(s.attributes['harness.time.virtual']).toBe(true);
}

test('a run downloads as OTLP JSON with its span tree, and Send posts it to the collector set in Settings', async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);

  const { name, text } = await downloaded(Promise.all([page.waitForEvent('download'), page.getByTestId('run-export-otlp').click()]).then(([d]) => d));
  expect(name).toMatch(/^Research-team-[0-9a-f-]{8}\.otlp\.json$/);
  const { spans } = decodeOtlpJson(text);
  checkTree(spans);

  // No collector yet: Send says where to set one.
  await page.getByTestId('run-send-otlp').click();
  await expect(page.getByTestId('otel-send-status')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('otel-send-status')).toContainText('Settings › OpenTelemetry collector');

  await page.getByTestId('settings-button').click();
  await page.getByTestId('otel-url').fill(base);
  await page.getByTestId('otel-headers').fill(`Authorization: ${HEADER}`);
  await page.getByTestId('otel-save').click();
  await expect(page.getByTestId('otel-status')).toHaveText(`Saved: runs are sent to ${base}/v1/traces`);
  await page.keyboard.press('Escape');

  await page.getByTestId('run-send-otlp').click();
  await expect(page.getByTestId('otel-send-status')).toHaveText(`${spans.length} spans sent to ${base}/v1/traces`);
  expect(received).toHaveLength(1);
  expect(received[0]!.path).toBe('/v1/traces');
  expect(received[0]!.headers.authorization).toBe(HEADER);
  expect(received[0]!.headers['content-type']).toBe('application/json');
  expect(received[0]!.body).toBe(text);

  // The header is kept like a key: Settings shows its name only.
  await page.getByTestId('settings-button').click();
  await expect(page.getByTestId('otel-headers')).toHaveAttribute('placeholder', /Stored: Authorization/);
  await expect(page.getByTestId('otel-headers')).toHaveValue('');
  expect(await page.content()).not.toContain(HEADER);
  expect(errors).toEqual([]);
});
