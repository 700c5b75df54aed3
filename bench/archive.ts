/**
 * Archive search in a real browser: DexieArchive (src/persist) against MiniSearch 7.2.0 (default
 * options, fields ['text']) and MemoryArchive on the same synthetic corpus (bench/corpus.ts), in
 * one page run. For each: index time, top-10 search latency p50/p95, and the JS heap the built
 * index keeps (performance.memory.usedJSHeapSize after gc(); the page needs Chromium's
 * --js-flags=--expose-gc and --enable-precise-memory-info, which scripts/bench.mjs passes).
 * DexieArchive's index lives in IndexedDB, outside the JS heap; its disk use is reported too.
 */
import MiniSearch from 'minisearch';
import type { ArchiveChunk, ArchiveStore } from '../src/kernel';
import { MemoryArchive } from '../src/kernel/memory/memoryArchive';
import { DexieArchive, openDb } from '../src/persist';
import { syntheticCorpus } from './corpus';

export interface EngineFigures {
  indexMs: number;
  insertsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  /** JS heap the built index keeps, MB. */
  heapMB: number;
}

export interface ArchiveFigures {
  chunks: number;
  queries: number;
  batch: number;
  heapSource: string;
  /** DexieArchive: disk use after the bulk load; one-chunk inserts into the loaded store (how the kernel archives), p50/p95 ms. */
  dexie: EngineFigures & { diskMB: number | null; singleInsertP50Ms: number; singleInsertP95Ms: number };
  minisearch: EngineFigures;
  memory: EngineFigures | null;
  /** DexieArchive and MemoryArchive returned the same ids for every query. */
  sameAsMemory: boolean | null;
  /**
   * Figures over MiniSearch's in this run (load on the machine slows both alike): inserts/s
   * (aim >= 1) and search p95 (lower is better), for DexieArchive and MemoryArchive.
   */
  vsMiniSearch: { dexieInserts: number; dexieP95: number; memoryInserts: number | null; memoryP95: number | null };
}

declare global {
  interface Window {
    runArchiveBench(options: { chunks: number; queries: number; batch: number; memory: boolean }): Promise<ArchiveFigures>;
  }
}

const DB_NAME = 'harness-studio-bench-archive';
const STORE = 'bench';
const K = 10;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** usedJSHeapSize after collecting garbage (several passes, with pauses for finalizers). */
async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await pause(50);
  }
  return (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? Number.NaN;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** p50 and p95 ms of `run` over `inputs`, after the first `warmup` as warm-up (JIT, caches). */
async function latencies<T>(inputs: readonly T[], run: (input: T) => Promise<unknown> | unknown, warmup = 20): Promise<{ p50Ms: number; p95Ms: number }> {
  for (const input of inputs.slice(0, warmup)) await run(input);
  const ms: number[] = [];
  for (const input of inputs) {
    const start = performance.now();
    await run(input);
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: round(percentile(ms, 0.5)), p95Ms: round(percentile(ms, 0.95)) };
}

async function deleteDb(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}

async function timedInsert(archive: ArchiveStore, chunks: readonly ArchiveChunk[], batch: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < chunks.length; i += batch) await archive.insert(chunks.slice(i, i + batch));
  return performance.now() - start;
}

window.runArchiveBench = async ({ chunks: n, queries: q, batch, memory: withMemory }) => {
  const corpus = syntheticCorpus(n, q);
  const chunks = corpus.texts.map((text, i): ArchiveChunk => ({ id: `c${i}`, store: STORE, text, source: 'bench', trust: 'trusted', tags: [], t: i }));
  const rate = (ms: number) => Math.round((n / ms) * 1000);
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

  // DexieArchive: a fresh database, inserts in calls of `batch` chunks.
  await deleteDb();
  const base = await heapAfterGc();
  const db = await openDb(DB_NAME);
  const dexie = new DexieArchive(db);
  const dexieIndexMs = await timedInsert(dexie, chunks, batch);
  const dexieHeap = (await heapAfterGc()) - base;
  const dexieLat = await latencies(corpus.queries, (query) => dexie.search(STORE, query, K));
  const estimate = await navigator.storage?.estimate?.();
  const dexieIds = await Promise.all(corpus.queries.map(async (query) => (await dexie.search(STORE, query, K)).map((h) => h.chunk.id).join()));
  const extra = syntheticCorpus(200, 0, { seed: 7 }).texts.map((text, i): ArchiveChunk => ({ id: `single${i}`, store: STORE, text, source: 'bench', trust: 'trusted', tags: [], t: n + i }));
  const single = await latencies(extra, (chunk) => dexie.insert([chunk]), 0);
  db.close();

  // MiniSearch, default options.
  const base2 = await heapAfterGc();
  let mini: MiniSearch | null = new MiniSearch({ fields: ['text'] });
  let start = performance.now();
  mini.addAll(chunks);
  const miniIndexMs = performance.now() - start;
  const miniHeap = (await heapAfterGc()) - base2;
  const miniLat = await latencies(corpus.queries, (query) => mini!.search(query).slice(0, K));
  mini = null;

  // MemoryArchive (the kernel's), optional.
  let memoryFigures: EngineFigures | null = null;
  let sameAsMemory: boolean | null = null;
  if (withMemory) {
    const base3 = await heapAfterGc();
    let mem: MemoryArchive | null = new MemoryArchive();
    start = performance.now();
    await mem.insert(chunks);
    const memIndexMs = performance.now() - start;
    const memHeap = (await heapAfterGc()) - base3;
    const memLat = await latencies(corpus.queries, (query) => mem!.search(STORE, query, K));
    const memIds = await Promise.all(corpus.queries.map(async (query) => (await mem!.search(STORE, query, K)).map((h) => h.chunk.id).join()));
    sameAsMemory = memIds.every((ids, i) => ids === dexieIds[i]);
    mem = null;
    memoryFigures = { indexMs: Math.round(memIndexMs), insertsPerSec: rate(memIndexMs), ...memLat, heapMB: mb(memHeap) };
  }
  await deleteDb();

  const miniRate = rate(miniIndexMs);
  const dexieRate = rate(dexieIndexMs);
  return {
    vsMiniSearch: {
      dexieInserts: round(dexieRate / miniRate),
      dexieP95: round(dexieLat.p95Ms / miniLat.p95Ms, 3),
      memoryInserts: memoryFigures && round(memoryFigures.insertsPerSec / miniRate),
      memoryP95: memoryFigures && round(memoryFigures.p95Ms / miniLat.p95Ms, 3),
    },
    chunks: n,
    queries: q,
    batch,
    heapSource: Number.isNaN(base) ? 'unavailable' : (globalThis as { gc?: unknown }).gc ? 'performance.memory.usedJSHeapSize after gc()' : 'performance.memory.usedJSHeapSize (no gc(): rough)',
    dexie: { indexMs: Math.round(dexieIndexMs), insertsPerSec: rate(dexieIndexMs), ...dexieLat, heapMB: mb(dexieHeap), diskMB: estimate?.usage === undefined ? null : mb(estimate.usage), singleInsertP50Ms: single.p50Ms, singleInsertP95Ms: single.p95Ms },
    minisearch: { indexMs: Math.round(miniIndexMs), insertsPerSec: rate(miniIndexMs), ...miniLat, heapMB: mb(miniHeap) },
    memory: memoryFigures,
    sameAsMemory,
  };
};
document.getElementById('status')!.textContent = 'ready';
