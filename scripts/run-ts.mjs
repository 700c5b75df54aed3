#!/usr/bin/env node
/**
 * Runs a TypeScript entry in Node 20 with nothing beyond `npm ci`:
 *   node scripts/run-ts.mjs src/cli/main.ts [args...]
 *
 * The entry is bundled with rolldown (a dependency of vite 8) for platform node, with every
 * npm package left external, into node_modules/.cache/harness/<name>.mjs, then imported with
 * process.argv rewritten to [node, <entry>, ...args]. The bundle is reused while none of its
 * source files changed (mtime and size of every bundled module, recorded beside it).
 *
 * Also usable as a module: `import { bundleTs } from './run-ts.mjs'` returns the bundle path.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'harness');

/** A bare specifier (an npm package or a node: builtin) stays external. */
function isExternal(id) {
  if (id.startsWith('\0')) return false;
  if (id.startsWith('.') || path.isAbsolute(id)) return false;
  return true;
}

function bundleName(entryAbs) {
  const rel = path.relative(ROOT, entryAbs).replace(/\.[cm]?tsx?$/, '');
  return rel.replace(/[\\/]+/g, '-').replace(/[^A-Za-z0-9_.-]/g, '_');
}

async function fingerprint(file) {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

async function isFresh(outFile, metaFile) {
  if (!existsSync(outFile) || !existsSync(metaFile)) return false;
  let meta;
  try {
    meta = JSON.parse(await readFile(metaFile, 'utf8'));
  } catch {
    return false;
  }
  if (!meta || typeof meta.files !== 'object' || meta.runTs !== (await fingerprint(fileURLToPath(import.meta.url)))) return false;
  const entries = Object.entries(meta.files);
  const prints = await Promise.all(entries.map(([file]) => fingerprint(file)));
  return entries.every(([, print], i) => prints[i] === print);
}

/**
 * Bundles `entry` (a path relative to the repo root or absolute) unless a fresh bundle exists.
 * Returns the absolute path of the .mjs bundle.
 */
export async function bundleTs(entry, { force = false, name } = {}) {
  const entryAbs = path.resolve(ROOT, entry);
  if (!existsSync(entryAbs)) throw new Error(`run-ts: no such file: ${entry}`);
  const base = name ?? bundleName(entryAbs);
  const outFile = path.join(CACHE_DIR, `${base}.mjs`);
  const metaFile = path.join(CACHE_DIR, `${base}.meta.json`);
  if (!force && (await isFresh(outFile, metaFile))) return outFile;

  const { rolldown } = await import('rolldown');
  const warnings = [];
  // Every module in the graph, including ones whose code was fully inlined into others (they
  // are missing from the chunk's moduleIds, yet a change to them must rebuild the bundle).
  let graph = [];
  const track = {
    name: 'run-ts:track-inputs',
    buildEnd() {
      graph = [...this.getModuleIds()];
    },
  };
  const build = await rolldown({
    plugins: [track],
    input: entryAbs,
    cwd: ROOT,
    platform: 'node',
    external: (id) => isExternal(id),
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'warn',
    onLog: (level, log) => {
      if (level === 'warn') warnings.push(log.message);
    },
  });
  let output;
  try {
    ({ output } = await build.generate({ format: 'esm', codeSplitting: false, sourcemap: 'inline' }));
  } finally {
    await build.close();
  }
  const chunk = output.find((o) => o.type === 'chunk' && o.isEntry);
  if (!chunk) throw new Error(`run-ts: rolldown produced no entry chunk for ${entry}`);
  for (const w of warnings) process.stderr.write(`run-ts: ${w}\n`);

  const files = {};
  // Every real file read (npm packages are external, so these are the project's own).
  const ids = [...new Set([...graph, ...chunk.moduleIds])].filter((id) => path.isAbsolute(id) && existsSync(id));
  const prints = await Promise.all(ids.map((id) => fingerprint(id)));
  ids.forEach((id, i) => (files[id] = prints[i]));
  files[path.join(ROOT, 'tsconfig.json')] = await fingerprint(path.join(ROOT, 'tsconfig.json'));

  await mkdir(CACHE_DIR, { recursive: true });
  // Write then rename, so a concurrent run never imports a half-written bundle.
  const tmp = `${outFile}.${process.pid}.tmp`;
  await writeFile(tmp, chunk.code);
  await rename(tmp, outFile);
  const tmpMeta = `${metaFile}.${process.pid}.tmp`;
  await writeFile(tmpMeta, JSON.stringify({ entry: entryAbs, runTs: await fingerprint(fileURLToPath(import.meta.url)), files }, null, 1));
  await rename(tmpMeta, metaFile);
  return outFile;
}

async function main() {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write('usage: node scripts/run-ts.mjs <entry.ts> [args...]\n');
    process.exit(2);
  }
  let outFile;
  try {
    outFile = await bundleTs(entry);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  process.setSourceMapsEnabled?.(true);
  process.argv = [process.argv[0] ?? 'node', path.resolve(ROOT, entry), ...args];
  await import(pathToFileURL(outFile).href);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
