/**
 * Builds bench/localCpu.html with vite into node_modules/.cache/harness/page-localCpu (about
 * 2 s; wllama's 8.7 MB wasm is copied as an asset), and serves it with the tiny GGUFs on
 * 127.0.0.1. Used by e2e/local-cpu.spec.ts and by scripts/bench.mjs (--only=localcpu).
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTinyGguf, makeTinyGguf } from '../scripts/make-tiny-gguf.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.gguf': 'application/octet-stream', '.json': 'application/json', '.css': 'text/css' };

export async function buildLocalCpuPage() {
  const outDir = path.join(ROOT, 'node_modules', '.cache', 'harness', 'page-localCpu');
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: path.join(ROOT, 'bench'),
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: path.join(ROOT, 'bench', 'localCpu.html') }, reportCompressedSize: false, chunkSizeWarningLimit: 100_000 },
  });
  return outDir;
}

/**
 * A model whose header is whole but whose architecture llama.cpp does not know ("xxxxx"
 * instead of "llama", same length): it passes the GGUF check and fails in the engine.
 */
export function unknownArchitectureGguf() {
  const bytes = makeTinyGguf({ seed: 1 });
  const key = new TextEncoder().encode('general.architecture');
  let at = -1;
  for (let i = 0; i < bytes.length - key.length && at < 0; i++) if (key.every((b, j) => bytes[i + j] === b)) at = i;
  const value = at + key.length + 4 + 8; // value type (u32), string length (u64)
  if (new TextDecoder().decode(bytes.subarray(value, value + 5)) !== 'llama') throw new Error('general.architecture not found where expected');
  bytes.set(new TextEncoder().encode('xxxxx'), value);
  return bytes;
}

/** Serves `dir`, plus /tiny.gguf (seed 1), /bad-arch.gguf and /notes.gguf (not a GGUF). */
export function serveLocalCpuPage(dir) {
  const extra = {
    '/tiny.gguf': () => readFileSync(ensureTinyGguf({ seed: 1 })),
    '/bad-arch.gguf': () => Buffer.from(unknownArchitectureGguf()),
    '/notes.gguf': () => Buffer.from('{"these": "are notes, not a model"}\n'),
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const make = extra[url.pathname];
    if (make) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(make());
      return;
    }
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}
