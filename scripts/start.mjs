#!/usr/bin/env node
/**
 * `npm start`: builds the studio and serves dist/ on http://127.0.0.1:5173 (PORT overrides).
 * Installs nothing: everything it needs comes with `npm ci`. The default harness runs on the
 * offline sim CPU, so no network or API key is needed.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const HOST = '127.0.0.1';
const PORT = process.env.PORT ?? '5173';

const step = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step([path.join(ROOT, 'scripts', 'run-ts.mjs'), 'src/cli/emitSchema.ts']);
step([VITE, 'build', '--logLevel', 'warn']);

const url = `http://${HOST}:${PORT}/`;
const preview = spawn(process.execPath, [VITE, 'preview', '--host', HOST, '--port', PORT, '--strictPort'], { cwd: ROOT, stdio: ['inherit', 'pipe', 'inherit'] });
let announced = false;
preview.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && String(chunk).includes(`${HOST}:${PORT}`)) {
    announced = true;
    process.stdout.write(`\nHarness Studio is running at ${url}  (Ctrl+C to stop)\n\n`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => preview.kill(signal));
preview.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
