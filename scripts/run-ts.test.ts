/** run-ts: bundles a TS entry for Node, keeps npm packages external, reuses a fresh bundle, rebuilds a stale one. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { bundleTs } from './run-ts.mjs';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'harness');
const NAME = `run-ts-test-${process.pid}`;
const DIR = path.join(CACHE, NAME);
const bundle = (entry: string): Promise<string> => bundleTs(entry, { name: NAME }) as Promise<string>;

afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  for (const f of readdirSync(CACHE)) if (f.includes(NAME)) rmSync(path.join(CACHE, f), { force: true });
});

describe('run-ts', () => {
  mkdirSync(DIR, { recursive: true });
  const entry = path.join(DIR, 'entry.ts');
  const dep = path.join(DIR, 'dep.ts');
  writeFileSync(dep, "export const answer: number = 41;\n");
  writeFileSync(entry, "import { z } from 'zod';\nimport { answer } from './dep';\nconst n: number = z.number().parse(answer + 1);\nconsole.log(`answer ${n} ${process.argv.slice(2).join(',')}`);\n");

  it('bundles TypeScript, keeps npm packages external, and reuses a fresh bundle', async () => {
    const out = await bundle(entry);
    const code = readFileSync(out, 'utf8');
    expect(code).toMatch(/from ["']zod["']/);
    expect(code).not.toContain(': number');
    const built = statSync(out).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await bundle(entry)).toBe(out);
    expect(statSync(out).mtimeMs).toBe(built);
  });

  it('rebuilds when an imported file changes', async () => {
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(dep, "export const answer: number = 99;\n");
    const out = await bundle(entry);
    expect(readFileSync(out, 'utf8')).toContain('parse(100)');
  });

  it('runs an entry with its arguments from the command line', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.mjs'), path.relative(ROOT, entry), 'a', 'b'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('answer 100 a,b');
    expect(r.status).toBe(0);
  });
});
