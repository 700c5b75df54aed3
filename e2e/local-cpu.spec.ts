/**
 * The in-browser CPU in Chromium, on a page of its own (bench/localCpu.html, built and served by
 * bench/localCpuPage.mjs): a generated tiny GGUF is stored in the origin-private file system,
 * loaded by llama.cpp (wllama) in the local-CPU worker, and driven through the Provider
 * interface; then the studio itself: Settings' file picker, a model bound to the stored file,
 * and a run on it.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { expect, test } from '@playwright/test';
// @ts-expect-error: a plain .mjs module without type declarations
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.mjs';
import { openStudio } from './helpers';
// @ts-expect-error: a plain .mjs module without type declarations
import { buildLocalCpuPage, serveLocalCpuPage } from '../bench/localCpuPage.mjs';
import type { LocalCpuPage } from '../bench/localCpu';
import type { ChatRequest } from '../src/providers/types';

declare global {
  interface Window {
    localCpu: LocalCpuPage;
  }
}

test.describe('on a page of its own', () => {
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
});

test.describe('in the studio', () => {
  test.describe.configure({ timeout: 180_000 });

  /**
   * One agent on a real model. With random weights the tiny model's answers are gibberish, so
   * whether it calls finish is up to its sampling: the run completes when it stops by itself —
   * by finish, or by maxSteps (3 turns) or the livelock watch — after real generations of the
   * local CPU, each recorded on infer.completed.
   */
  const oneAgent = {
    version: 1,
    name: 'Local agent',
    models: [{ id: 'm', name: 'Tiny', provider: 'openai-compatible', model: 'tiny', contextWindow: 1024 }],
    agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer in one word, then finish.', capabilities: [] }],
    limits: { maxSteps: 3 },
  };
  const tinyFile = () => ({ name: 'tiny.gguf', mimeType: 'application/octet-stream', buffer: readFileSync(ensureTinyGguf({ seed: 1 }) as string) });

  test('a GGUF picked in Settings is stored and listed, a model runs on it, and the run completes with real local generations', async ({ page }) => {
    const errors = await openStudio(page);
    await page.getByTestId('import-input').setInputFiles({ name: 'local-agent.harness.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(oneAgent)) });
    await expect(page.getByTestId('node-solo')).toBeVisible();

    await page.getByTestId('settings-button').click();
    const section = page.getByTestId('local-models');
    await expect(section).toContainText('No local models yet');
    await page.getByTestId('local-model-input').setInputFiles(tinyFile());
    const row = page.locator('[data-testid="local-model-row"][data-model="tiny.gguf"]');
    await expect(row).toBeVisible({ timeout: 15_000 });
    await expect(row.getByTestId('local-model-arch')).toHaveText('llama');
    await expect(row).toContainText('harness-tiny-random-s1');
    await expect(row).toContainText(/\d+ kB/);
    await page.keyboard.press('Escape');

    // Bound like a network endpoint: the model's Endpoint field offers the stored file.
    await page.getByTestId('node-m').click();
    await page.getByTestId('field-endpoint').selectOption({ label: 'local: tiny.gguf' });
    await expect(page.getByTestId('issue-count')).toHaveText('Valid');
    await page.getByTestId('node-solo').click();
    await expect(page.getByTestId('driven-by')).toHaveText(/^Driven by its prompt on tiny at tiny\.gguf, a local GGUF run in this browser\./);

    await page.getByTestId('run-button').click();
    // The load shows in the top bar as it goes, and ends ready.
    await expect(page.getByTestId('local-cpu-status')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 120_000 });
    // It stopped by itself (not by a failure): finished, or held to its step limit, or stopped as
    // livelocked or deadlocked (a random model may wait for a message nobody sends).
    await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', /^(completed|goals-unmet|max-steps|livelock|deadlock)$/);

    // Every turn was a real generation on the local CPU, recorded in the trace.
    await page.getByTestId('filter-type').selectOption('infer.completed');
    const turns = page.getByTestId('event-row');
    expect(await turns.count()).toBeGreaterThanOrEqual(1);
    await turns.first().click();
    const detail = page.getByTestId('event-detail');
    await expect(detail).toContainText('"wire": "local"');
    await expect(detail).toContainText('"endpoint": "local:tiny.gguf"');
    await expect(detail).toContainText('"model": "harness-tiny-random-s1"');
    expect(errors).toEqual([]);
  });

  test('a .gguf dropped on the page is added as a local model (Settings opens on it); a dropped document still imports as a project', async ({ page }) => {
    await openStudio(page);
    const drop = async (name: string, bytes: Buffer): Promise<void> => {
      const dt = await page.evaluateHandle(
        ({ name, b64 }) => {
          const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([data], name));
          return transfer;
        },
        { name, b64: bytes.toString('base64') },
      );
      await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
      await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
    };
    await drop('dropped.gguf', tinyFile().buffer);
    await expect(page.getByRole('dialog', { name: /Settings/ })).toBeVisible();
    const dropped = page.locator('[data-testid="local-model-row"][data-model="dropped.gguf"]');
    await expect(dropped).toContainText('harness-tiny-random-s1', { timeout: 15_000 });
    // Deleting asks first, then the file is gone from the list and from storage.
    await dropped.getByTestId('local-model-delete').click();
    await dropped.getByTestId('local-model-delete-confirm').click();
    await expect(page.getByTestId('local-models')).toContainText('No local models yet');
    expect(await page.evaluate(async () => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('models', { create: true });
      const names: string[] = [];
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      return names;
    })).toEqual([]);
    await page.keyboard.press('Escape');

    await drop('local-agent.harness.json', Buffer.from(JSON.stringify(oneAgent)));
    await expect(page.getByTestId('node-solo')).toBeVisible();
    await expect(page.getByRole('dialog', { name: /Settings/ })).toHaveCount(0);
  });

  test('a file that is not a usable GGUF, picked in Settings, shows why at the picker and stores nothing', async ({ page }) => {
    await openStudio(page);
    await page.getByTestId('settings-button').click();
    await page.getByTestId('local-model-input').setInputFiles({ name: 'notes.gguf', mimeType: 'application/octet-stream', buffer: Buffer.from('{"these": "are notes"}') });
    await expect(page.getByTestId('local-model-error')).toContainText('notes.gguf is not a GGUF model: it starts with "{\\"th" (it looks like JSON), not "GGUF"');
    await expect(page.getByTestId('local-models')).toContainText('No local models yet');
    await expect(page.getByTestId('local-model-row')).toHaveCount(0);
    // Still nothing after a reload: the refused file never reached storage.
    await page.reload();
    await page.getByTestId('settings-button').click();
    await expect(page.getByTestId('local-models')).toContainText('No local models yet');
  });
});
