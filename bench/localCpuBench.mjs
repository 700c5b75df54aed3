/**
 * Tokens per second of the in-browser CPU on the tiny generated GGUF: wllama in Chromium (the
 * local-CPU worker on bench/localCpu.html, one thread, WebGPU off) side by side with
 * node-llama-cpp in Node on the same file (one thread), in the same run. Each side: a warm-up,
 * then `trials` free-text generations of up to `tokens` tokens from one seed; decode rate =
 * (tokens after the first) / (time after the first), median of the trials. Used by
 * scripts/bench.mjs (--only=localcpu).
 */
import { buildLocalCpuPage, serveLocalCpuPage } from './localCpuPage.mjs';
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const PROMPT = 'Write a long story about a robot.';

async function wllamaSide({ executablePath, args, tokens, trials }) {
  const dir = await buildLocalCpuPage();
  const { server, url } = await serveLocalCpuPage(dir);
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath, args });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/localCpu.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, { timeout: 30_000 });
    const stored = await page.evaluate(() => window.localCpu.store('/tiny.gguf', 'tiny.gguf'));
    if (!stored.ok) throw new Error(stored.message);
    const loaded = await page.evaluate(() => window.localCpu.load('tiny.gguf', { gpu: 'off', threads: 1, contextSize: 1024 }));
    if (!loaded.ok) throw new Error(loaded.message);
    const run = async (maxTokens) => {
      const r = await page.evaluate((req) => window.localCpu.chat(req), { model: 'tiny', system: '', messages: [{ role: 'user', text: PROMPT }], maxTokens, seed: 11, temperature: 0.8 });
      if (!r.ok) throw new Error(r.message);
      const { usage, timing } = r.value.response;
      return { tokens: usage.outputTokens, prefillMs: timing.firstTokenMs, decodeMs: timing.totalMs - timing.firstTokenMs };
    };
    await run(16);
    const rates = [];
    let last;
    for (let i = 0; i < trials; i++) {
      last = await run(tokens);
      rates.push(((last.tokens - 1) / last.decodeMs) * 1000);
    }
    return { tokensPerSec: Math.round(median(rates)), trials: rates.map(Math.round), tokens: last.tokens, firstTokenMs: last.prefillMs, loadMs: loaded.value.info.loadMs };
  } finally {
    await browser.close();
    server.close();
  }
}

async function nodeLlamaSide({ tokens, trials }) {
  let mod;
  try {
    mod = await import('node-llama-cpp');
  } catch {
    return null; // not installed: the figure is null
  }
  const { getLlama, LlamaChatSession } = mod;
  const started = Date.now();
  const llama = await getLlama({ build: 'never', gpu: false, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: ensureTinyGguf({ seed: 1 }) });
  const context = await model.createContext({ contextSize: 1024, threads: 1 });
  const loadMs = Date.now() - started;
  try {
    const run = async (maxTokens) => {
      const session = new LlamaChatSession({ contextSequence: context.getSequence(), autoDisposeSequence: true });
      const t0 = performance.now();
      let first = null;
      let n = 0;
      await session.prompt(PROMPT, {
        maxTokens,
        seed: 11,
        temperature: 0.8,
        onToken: (ts) => {
          first ??= performance.now();
          n += ts.length;
        },
      });
      const end = performance.now();
      session.dispose();
      return { tokens: n, prefillMs: first - t0, decodeMs: end - first };
    };
    await run(16);
    const rates = [];
    let last;
    for (let i = 0; i < trials; i++) {
      last = await run(tokens);
      rates.push(((last.tokens - 1) / last.decodeMs) * 1000);
    }
    return { tokensPerSec: Math.round(median(rates)), trials: rates.map(Math.round), tokens: last.tokens, firstTokenMs: Math.round(last.prefillMs), loadMs };
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

export async function benchLocalCpu({ executablePath, args, quick = false }) {
  const opts = { tokens: quick ? 64 : 192, trials: quick ? 1 : 3 };
  const wllama = await wllamaSide({ executablePath, args, ...opts });
  const nodeLlama = await nodeLlamaSide(opts);
  return { model: 'tiny-s1.gguf (64 wide, 2 layers, Q8_0)', maxTokens: opts.tokens, wllama, nodeLlamaCpp: nodeLlama };
}
