/**
 * The in-browser CPU in Chromium, on a page of its own (bench/localCpu.html, built and served by
 * bench/localCpuPage.mjs): a generated tiny GGUF is stored in the origin-private file system,
 * loaded by llama.cpp (wllama) in the local-CPU worker, and driven through the Provider
 * interface. The studio's own file picker and Settings flow come with the UI wiring.
 */
import type { Server } from 'node:http';
import { expect, test } from '@playwright/test';
// @ts-expect-error: a plain .mjs module without type declarations
import { buildLocalCpuPage, serveLocalCpuPage } from '../bench/localCpuPage.mjs';
import type { LocalCpuPage } from '../bench/localCpu';
import type { ChatRequest } from '../src/providers/types';

declare global {
  interface Window {
    localCpu: LocalCpuPage;
  }
}

let server: Server;
let base = '';

test.beforeAll(async () => {
  const dir = (await buildLocalCpuPage()) as string;
  ({ server, url: base } = (await serveLocalCpuPage(dir)) as { server: Server; url: string });
});
test.afterAll(() => server?.close());

test.beforeEach(async ({ page }) => {
  await page.goto(`${base}/localCpu.html`);
  await expect(page.locator('#status')).toHaveText('ready');
});

const callRequest: ChatRequest = {
  model: 'tiny',
  system: 'You look things up.',
  messages: [{ role: 'user', text: 'What is the weather in Oslo?' }],
  tools: [{ name: 'search', description: 'Search the web.', parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 8 } }, required: ['city'], additionalProperties: false } }],
  toolChoice: 'required',
  maxTokens: 60,
  seed: 2,
};

test('a GGUF stored in OPFS runs in the local-CPU worker: tokens stream, a function call comes back parsed, an abort keeps the partial', async ({ page }) => {
  const stored = await page.evaluate(() => window.localCpu.store('/tiny.gguf', 'tiny.gguf'));
  expect(stored).toMatchObject({ ok: true, value: { name: 'tiny.gguf', bytes: expect.any(Number) } });
  expect((await page.evaluate(() => window.localCpu.list())).map((m) => m.name)).toContain('tiny.gguf');

  const loaded = await page.evaluate(() => window.localCpu.load('tiny.gguf', { gpu: 'off', contextSize: 1024 }));
  expect(loaded).toMatchObject({ ok: true, value: { phases: ['checking', 'loading', 'verifying', 'ready'], info: { architecture: 'llama', name: 'harness-tiny-random-s1', contextSize: 1024 } } });

  const text = await page.evaluate(() =>
    window.localCpu.chat({ model: 'tiny', system: 'Be brief.', messages: [{ role: 'user', text: 'hello' }], maxTokens: 24, seed: 1, temperature: 0.8 }),
  );
  if (!text.ok) throw new Error(text.message);
  const { response, deltas } = text.value;
  expect(deltas.length).toBeGreaterThan(3);
  expect(deltas.map((d) => (d.kind === 'text' ? d.text : '')).join('')).toBe(response.text);
  expect(response).toMatchObject({ wire: 'local', endpoint: 'local:tiny.gguf', model: 'harness-tiny-random-s1', toolCalls: [], requested: { seed: 1, temperature: 0.8, maxTokens: 24 } });
  // Counted by the model's own tokenizer: the answer hit its limit, so exactly 24 tokens.
  expect(response.usage?.outputTokens).toBe(24);
  expect(response.usage?.inputTokens).toBeGreaterThan(5);

  const call = await page.evaluate((req) => window.localCpu.chat(req), callRequest);
  if (!call.ok) throw new Error(call.message);
  const tc = call.value.response.toolCalls;
  expect(call.value.response.finishReason).toBe('tool-calls');
  expect(tc).toHaveLength(1);
  expect(tc[0]).toMatchObject({ ok: true, name: 'search' });
  const args = tc[0]!.ok ? tc[0]!.args : {};
  expect(typeof args.city).toBe('string');
  expect((args.city as string).length).toBeLessThanOrEqual(8);
  // The arguments streamed as tool-call fragments that add up to what was recorded.
  const fragments = call.value.deltas.filter((d) => d.kind === 'tool-call');
  expect(fragments.length).toBeGreaterThan(2);
  expect(fragments.map((d) => (d.kind === 'tool-call' ? d.argumentsDelta : '')).join('')).toBe(tc[0]!.argumentsJson);

  // An abort (after the 4th delta) keeps the partial answer.
  const cut = await page.evaluate(() =>
    window.localCpu.chat({ model: 'tiny', system: '', messages: [{ role: 'user', text: 'tell me a story' }], maxTokens: 400, seed: 5 }, 4),
  );
  if (!cut.ok) throw new Error(cut.message);
  expect(cut.value.response.finishReason).toBe('aborted');
  expect(cut.value.response.text.length).toBeGreaterThan(0);
  expect(cut.value.response.text).toBe(cut.value.deltas.map((d) => (d.kind === 'text' ? d.text : '')).join(''));
  // The abort crosses a worker boundary while tokens keep coming, so how many arrive first
  // depends on the machine's load; that it stopped well short of the 400 asked for is the point.
  expect(cut.value.deltas.length).toBeLessThan(200);
});

test('a file that is not a usable GGUF gets a clear error, and a good one still loads after', async ({ page }) => {
  const notes = await page.evaluate(() => window.localCpu.store('/notes.gguf', 'notes.gguf'));
  expect(notes).toMatchObject({ ok: false });
  expect(notes.ok ? '' : notes.message).toContain('notes.gguf is not a GGUF model: it starts with "{\\"th" (it looks like JSON), not "GGUF"');
  expect((await page.evaluate(() => window.localCpu.list())).map((m) => m.name)).not.toContain('notes.gguf');

  // A whole header, but an architecture llama.cpp does not know: caught by the load check.
  expect((await page.evaluate(() => window.localCpu.store('/bad-arch.gguf', 'bad-arch.gguf'))).ok).toBe(true);
  const bad = await page.evaluate(() => window.localCpu.load('bad-arch.gguf', { gpu: 'off' }));
  expect(bad).toMatchObject({ ok: false, kind: 'model-file' });
  expect(bad.ok ? '' : bad.message).toMatch(/bad-arch\.gguf \(xxxxx\) did not load in llama\.cpp/);
  await page.evaluate(() => window.localCpu.remove('bad-arch.gguf'));
  expect((await page.evaluate(() => window.localCpu.list())).map((m) => m.name)).not.toContain('bad-arch.gguf');

  await page.evaluate(() => window.localCpu.store('/tiny.gguf', 'tiny.gguf'));
  expect((await page.evaluate(() => window.localCpu.load('tiny.gguf', { gpu: 'off' }))).ok).toBe(true);
});
