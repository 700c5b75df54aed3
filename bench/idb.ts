/**
 * IndexedDB write throughput in a real browser: `benchEventWrites(db, n)` from src/persist
 * writes n kernel events through the studio's own Dexie database (a separate database name, so
 * the bench never touches a user's projects). scripts/bench.mjs builds this page with vite,
 * serves it on 127.0.0.1 and calls `window.runIdbBench(n)` from Playwright.
 */
import { benchEventWrites, openDb, type StudioDb } from '../src/persist';

declare global {
  interface Window {
    runIdbBench(n: number): Promise<{ events: number; ms: number }>;
  }
}

let db: Promise<StudioDb> | null = null;

window.runIdbBench = async (n: number) => {
  db ??= openDb('harness-studio-bench');
  return benchEventWrites(await db, n);
};
document.getElementById('status')!.textContent = 'ready';
