#!/usr/bin/env node
/**
 * Makes sure a Chromium for Playwright exists (Playwright cannot download browsers here).
 *   1. CHROMIUM_PATH, if set (it must exist);
 *   2. else /usr/bin/chromium, /usr/lib/chromium/chromium;
 *   3. else, as root on Debian/Ubuntu: `apt-get update && apt-get install -y chromium`;
 *   4. else exit 1 saying what to do.
 * Prints the path it found. Also importable: `findChromium()` returns a path or null.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to use, or null. CHROMIUM_PATH wins when set, even if it is wrong (reported by ensure). */
export function findChromium(env = process.env) {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return CANDIDATES.find(executable) ?? null;
}

function run(cmd, args) {
  process.stdout.write(`$ ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function fail(message) {
  process.stderr.write(`ensure-chromium: ${message}\n`);
  process.exit(1);
}

export function ensureChromium() {
  if (process.env.CHROMIUM_PATH) {
    const p = process.env.CHROMIUM_PATH;
    if (!existsSync(p)) fail(`CHROMIUM_PATH=${p} does not exist. Point it at a Chromium binary, or unset it to use /usr/bin/chromium.`);
    if (!executable(p)) fail(`CHROMIUM_PATH=${p} is not executable.`);
    return p;
  }
  const found = findChromium();
  if (found) return found;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    process.stdout.write('ensure-chromium: no Chromium found; installing Debian\'s chromium (about 25 s)\n');
    if (run('apt-get', ['update']) !== 0) fail('apt-get update failed (see above). Install Chromium yourself, or set CHROMIUM_PATH.');
    if (run('apt-get', ['install', '-y', 'chromium']) !== 0) {
      fail('apt-get install -y chromium failed (see above). Install Chromium yourself, or set CHROMIUM_PATH.');
    }
    const installed = findChromium();
    if (installed) return installed;
    fail(`chromium was installed but none of ${CANDIDATES.join(', ')} is executable; set CHROMIUM_PATH to the binary.`);
  }
  const how = hasApt
    ? 'run `sudo apt-get update && sudo apt-get install -y chromium` (or run this as root and it will do that)'
    : 'install Chromium with your package manager';
  fail(`no Chromium found (looked at ${CANDIDATES.join(', ')}). Playwright cannot download browsers here: ${how}, or set CHROMIUM_PATH=/path/to/chromium.`);
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const p = ensureChromium();
  process.stdout.write(`chromium: ${p}\n`);
}
