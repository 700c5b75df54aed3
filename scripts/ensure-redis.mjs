#!/usr/bin/env node
/**
 * Makes sure a redis-server exists for the BullMQ tests (`harness experiment --queue`,
 * `harness worker`), as scripts/ensure-chromium.mjs does for Chromium:
 *   1. REDIS_SERVER, if set (it must be an executable);
 *   2. else redis-server on the PATH, /usr/bin/redis-server, /usr/local/bin/redis-server;
 *   3. else, as root on Debian/Ubuntu: `apt-get update && apt-get install -y redis-server`;
 *   4. else exit 1 saying what to install.
 * Prints the path it found. Also importable: `findRedisServer()` returns a path or null,
 * `ensureRedisServer()` returns a path or throws with the same message.
 * The tests start their own server (127.0.0.1, a free port, no persistence); nothing here starts one.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name, env) {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && executable(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/** The redis-server to use, or null. REDIS_SERVER wins when set, even if it is wrong (reported by ensure). */
export function findRedisServer(env = process.env) {
  if (env.REDIS_SERVER) return env.REDIS_SERVER;
  return onPath('redis-server', env) ?? CANDIDATES.find(executable) ?? null;
}

function run(cmd, args, log) {
  log(`$ ${cmd} ${args.join(' ')}\n`);
  // Output goes to stderr: a caller may read this script's stdout for the path.
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

class EnsureError extends Error {}

/** Finds or installs redis-server; returns its path or throws an Error saying what to do. */
export function ensureRedisServer({ log = (t) => void process.stderr.write(t) } = {}) {
  const fail = (message) => {
    throw new EnsureError(`ensure-redis: ${message}`);
  };
  if (process.env.REDIS_SERVER) {
    const p = process.env.REDIS_SERVER;
    if (!existsSync(p)) fail(`REDIS_SERVER=${p} does not exist. Point it at a redis-server binary, or unset it to look on the PATH.`);
    if (!executable(p)) fail(`REDIS_SERVER=${p} is not executable.`);
    return p;
  }
  const found = findRedisServer();
  if (found) return found;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    log("ensure-redis: no redis-server found; installing Debian's redis-server\n");
    if (run('apt-get', ['update'], log) !== 0) fail('apt-get update failed (see above). Install redis-server yourself, or set REDIS_SERVER.');
    if (run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], log) !== 0) fail('apt-get install -y redis-server failed (see above). Install redis-server yourself, or set REDIS_SERVER.');
    // Debian starts a system service on install; the tests never use it (they start their own on a free port).
    const installed = findRedisServer();
    if (installed) return installed;
    fail(`redis-server was installed but none of ${CANDIDATES.join(', ')} is executable; set REDIS_SERVER to the binary.`);
  }
  const how = hasApt
    ? 'run `sudo apt-get update && sudo apt-get install -y redis-server` (or run this as root and it will do that)'
    : 'install Redis (>= 6.2) with your package manager (e.g. `brew install redis`, `dnf install redis`)';
  fail(`no redis-server found (looked on the PATH and at ${CANDIDATES.join(', ')}): ${how}, or set REDIS_SERVER=/path/to/redis-server.`);
  return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`redis-server: ${ensureRedisServer()}\n`);
  } catch (err) {
    if (!(err instanceof EnsureError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
