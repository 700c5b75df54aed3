/**
 * IndexedDB write throughput in a real browser: `benchEventWrites(db, n)` from src/persist
 * writes n kernel events through the studio's own Dexie database. scripts/bench.mjs builds this
 * page with vite, serves it on 127.0.0.1 and calls `window.runIdbBench(n)` from Playwright.
 */
import * as persist from '../src/persist';

interface BenchApi {
  runIdbBench(n: number): Promise<{ events: number; ms: number }>;
}

type PersistModule = typeof persist & Record<string, unknown>;

/** The studio's Dexie database, however src/persist exposes it. */
async function openDb(mod: PersistModule): Promise<unknown> {
  for (const name of ['openDb', 'openDatabase', 'createDb', 'getDb']) {
    const fn = mod[name];
    if (typeof fn === 'function') return await (fn as (name?: string) => unknown)('harness-bench');
  }
  if (mod.db) return mod.db;
  throw new Error(`src/persist exports no database (looked for openDb, openDatabase, createDb, getDb, db); exports: ${Object.keys(mod).join(', ')}`);
}

const api: BenchApi = {
  async runIdbBench(n) {
    const mod = persist as PersistModule;
    const bench = mod.benchEventWrites;
    if (typeof bench !== 'function') throw new Error('src/persist does not export benchEventWrites(db, n)');
    const db = await openDb(mod);
    return await (bench as (db: unknown, n: number) => Promise<{ events: number; ms: number }>)(db, n);
  },
};

(window as unknown as BenchApi).runIdbBench = api.runIdbBench;
document.getElementById('status')!.textContent = 'ready';
