#!/usr/bin/env node
/**
 * `npm run bench`: seven figures, each printed with its label and aim; the LAST line is one
 * JSON object of all of them (null where a figure could not be measured).
 *
 *   kernelEventsPerSec  the research-team example run again and again (one seed per run) through
 *                       the bundled kernel in Node for ~3 s            aim >= 200,000 events/s
 *   allocOverhead       the allocator's accounting (kernel/alloc) on a long run: its events replayed
 *                       through the reducer with the slab ledger and without, alternated, as a ratio
 *                       of median events/s (bench/kernel.ts benchAllocOverhead)     aim >= 0.9
 *   idbEventsPerSec     kernel events persisted into IndexedDB by src/persist's
 *                       benchEventWrites(db, n) in Chromium (bench/idb.html, median of 5)
 *                                                                      aim >= 50,000 events/s
 *   entryGzipKB         gzip size of the entry chunk of `vite build` (the script dist/index.html
 *                       loads)                                         aim <= 250 kB
 *   schedPicksPerSec    per scheduling class and runqueue size (10, 1,000, 10,000 runnable
 *                       agents): pickNext + dequeue + account + enqueue cycles per second in Node
 *                       (bench/sched.ts)          aim fair >= 1,000,000 at 10,000, cost ~ log n
 *   objectivePick       the objective class's picks/s at 10, 1,000, 10,000 queued agents, main's
 *                       scan+sort ("before") and the kinetic tournament ("after") in the same run
 *                       (bench/objective.ts)      aim: scores per pick grow <= 5x from 10 to 10,000
 *   dispatchMedianUs    wall time the scheduler adds per model call (enqueue + pick decisions)
 *                       while the contention example runs (bench/dispatch.ts)   aim < 50 µs
 *   archive             DexieArchive vs MiniSearch 7.2.0 (and MemoryArchive) in Chromium on a synthetic
 *                       corpus of ~450-char chunks (bench/archive.html), at 10,000 and 100,000 chunks
 *                       (10,000 only with --quick): inserts/s, top-10 search p50/p95, JS heap kept
 *                                      aim DexieArchive p95 <= 20 ms at 100,000, less heap than MiniSearch
 *   tokensPerSec        gpt-tokenizer countTokens over the same corpus in Node (bench/tokens.ts)
 *   tokens1MBms         the kernel's countTokens on 1 MB without a break (one word, CJK, base64), the
 *                       slowest of the three in ms (bench/tokens.ts)                 aim < 1,000 ms
 *   syscall             the kernel step that decides a tool call (the whole policy stack) with 200
 *                       rules over four scopes, median/p95 µs, and the livelock detector's cost per
 *                       turn, in Node (bench/syscall.ts)                       aim median < 50 µs
 *   localCpu            decode tokens/s of the in-browser CPU (wllama, one thread) on the generated
 *                       tiny GGUF in Chromium, beside node-llama-cpp (one thread) on the same file
 *                       in Node, in the same run (bench/localCpuBench.mjs)
 *   realModel           a one-agent harness on an OpenAI-compatible endpoint (the wire server on
 *                       127.0.0.1, answers streamed word by word), in Node (bench/realModel.ts):
 *                       the wall time the kernel adds from a streamed answer's last byte to the
 *                       agent's next dispatch, median/p95          aim median < 1 ms;
 *                       events/s replaying that recorded run (RecordedCpu) vs the sim on the same
 *                       harness in the same process                 aim ratio >= 1;
 *                       bytes of the trace's recordings per generated token   aim <= 16
 *   scaleLong           one long run of 10 sim agents (bench/scaleLong.ts; 1,000,000 events, 100,000
 *                       with --quick): time and peak RSS, the last tenth's cost over the first's
 *                       (aim <= 1.3), stored trace bytes per event (aim <= 150), state at 100k vs
 *                       the end (aim <= 2x), seek p50/p95 at 10k / 100k / 1M    aim p95 < 50 ms
 *   scaleAgents         the `scale` group's agent figures: events/s of a generated document of 10, 100 and
 *                       1,000 agents (teams of the research-team example; 10/100/300 with --quick) run to
 *                       their stop in one process (bench/scaleAgents.ts)   aim 1,000 agents >= 0.5x of 10
 *   scaleRun            the `scale` group's run-view figures, in Chromium on the built studio (bench/scaleRun.mjs):
 *                       a 100-agent run streamed (fps, long tasks, DOM nodes; 30 agents with --quick) and a
 *                       1,000,000-event run (100,000 with --quick) scrubbed after loading it from IndexedDB
 *                       aim >= 50 fps, no long task > 50 ms, DOM bounded, scrub p95 < 100 ms
 *   scaleCanvas         the `scale` group's canvas figures, in Chromium on the built studio (bench/scaleCanvas.mjs):
 *                       a generated document of 1,000 and 5,000 nodes (500 with --quick) imported through
 *                       the file input: import -> first node shown (aim < 2 s at 1,000), zoom and pan fps
 *                       (aim >= 50 at 1,000, pan >= 30 at 5,000), long tasks, auto-layout time at 1,000
 *                       (aim < 3 s, in a worker, no task >= 200 ms meanwhile)
 *   experiments         runs/s of the distractors experiment (public/examples/distractors.experiment.json)
 *                       on the worker-thread pool of `harness experiment`, 1 worker and all cores, in Node
 *                       (bench/experiments.ts), and in Chromium on the studio's Web Worker pool, 1 worker and
 *                       navigator.hardwareConcurrency (bench/experimentsChromium.*): warm pools given the same
 *                       runs alternately, median round (bench/experimentsCompare.ts)   aim speed-up >= 0.8 x cores
 *   experimentsQueue    the same experiment through Redis: `harness experiment --queue` (this process) with two
 *                       `harness worker` processes on a redis-server started at a free port (bench/queue.ts):
 *                       the coordinator's CPU ms per run, wall ms per run, runs/s     aim < 2 ms per run
 *   contextView         the context view at cursors near the end of a 100k-event run (20k with --quick): ms per
 *                       cursor move replaying from event 0 (before) vs the worker's kept replay (bench/contextView.ts),
 *                       and their ratio on the same run and cursors                         aim ratio >= 10
 *   validity            CPU µs per event of a run whose store declares validity checks (contradiction, stale),
 *                       at 10 and 1,000 agents, with the checks and without (bench/validity.ts); the ratio
 *                       1,000 / 10 with checks              aim <= 2x the ratio without (no scan of every window)
 *   spawnScale          events/s of N leads each spawning a sub-agent with a carve (half overspend it), at
 *                       10, 100, 1,000 leads (bench/spawnScale.ts)            aim: 1,000 / 10 >= 0.1x
 *
 * Options: --quick (shorter runs), --no-build (measure the existing dist/),
 *          --only=kernel,idb,bundle,sched,dispatch,archive,tokens,syscall,localcpu,real,scale,experiments,context,validity,objective,spawn. Exit 1 if a figure could not be measured.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleTs } from './run-ts.mjs';
import { findChromium } from './ensure-chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'public', 'examples', 'research-team.json');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const NO_BUILD = argv.includes('--no-build');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const want = (name) => ONLY === null || ONLY.has(name);

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const verdict = (ok) => (ok ? 'ok' : 'MISSES AIM');

function line(label, value, aim) {
  process.stdout.write(`${label.padEnd(34)} ${value.padStart(14)}   ${aim}\n`);
}

// ---- (a) kernel events per second in Node ------------------------------------------------

async function benchKernel() {
  const bundle = await bundleTs('bench/kernel.ts');
  const { benchKernel: run } = await import(bundle);
  const r = await run(readFileSync(EXAMPLE, 'utf8'), QUICK ? 1000 : 3000, QUICK ? 100 : 300);
  const reasons = Object.entries(r.stopReasons).map(([k, v]) => `${k} ${v}`).join(', ');
  line('kernel events/s (Node)', fmt(r.eventsPerSec), `aim >= 200,000  ${verdict(r.eventsPerSec >= 200_000)}  (${fmt(r.events)} events, ${fmt(r.runs)} runs in ${(r.ms / 1000).toFixed(1)} s; ${reasons})`);
  return r.eventsPerSec;
}

// ---- (a2) the allocator's accounting overhead on a long run (kernel/alloc) ------------------

async function benchAllocAccounting() {
  const { benchAllocOverhead } = await import(await bundleTs('bench/kernel.ts'));
  const { longRunDocument } = await import(await bundleTs('bench/scaleLong.ts'));
  const n = QUICK ? 50_000 : 200_000;
  // As bench/scaleLong.ts sizes it: enough script steps that no agent finishes early.
  const r = await benchAllocOverhead(longRunDocument(10, Math.ceil((n / 10 / 5) * 1.2), n), n, QUICK ? 3 : 5);
  line('alloc accounting: reduce with/without', r.ratio.toFixed(3), `aim >= 0.9  ${verdict(r.ratio >= 0.9)}  (long run, ${fmt(r.events)} events replayed: ${fmt(r.withPerSec)} events/s with the ledger, ${fmt(r.withoutPerSec)} without; median of ${r.rounds} alternated rounds)`);
  return r;
}

// ---- (b) IndexedDB events persisted per second in Chromium --------------------------------

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };

function serveStatic(dir) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, ''));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Builds bench/<name>.html with vite into node_modules/.cache/harness/bench-<name>. */
async function buildBenchPage(name) {
  const outDir = path.join(ROOT, 'node_modules', '.cache', 'harness', `bench-${name}`);
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: path.join(ROOT, 'bench'),
    base: './',
    logLevel: 'warn',
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: path.join(ROOT, 'bench', `${name}.html`) }, reportCompressedSize: false, chunkSizeWarningLimit: 100_000 },
  });
  return outDir;
}

async function benchIdb() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  const outDir = await buildBenchPage('idb');
  const server = await serveStatic(outDir);
  const { port } = server.address();
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/idb.html`);
    await page.waitForFunction(() => typeof window.runIdbBench === 'function' || document.getElementById('status')?.textContent !== 'loading', null, { timeout: 15_000 }).catch(() => {});
    const ready = await page.evaluate(() => typeof window.runIdbBench === 'function');
    if (!ready) throw new Error(`the bench page did not load${errors.length ? `: ${errors.join('; ')}` : ''}`);
    const n = QUICK ? 20_000 : 100_000;
    await page.evaluate((k) => window.runIdbBench(k), Math.min(5_000, n)); // warm-up: JIT, schema creation
    const trials = [];
    for (let i = 0; i < (QUICK ? 1 : 5); i++) {
      const r = await page.evaluate((k) => window.runIdbBench(k), n);
      if (!r || typeof r.events !== 'number' || typeof r.ms !== 'number' || r.ms <= 0) throw new Error(`benchEventWrites returned ${JSON.stringify(r)}, expected { events, ms }`);
      trials.push((r.events / r.ms) * 1000);
    }
    trials.sort((a, b) => a - b);
    const median = trials[Math.floor(trials.length / 2)];
    line('IndexedDB events/s (Chromium)', fmt(median), `aim >= 50,000  ${verdict(median >= 50_000)}  (${n.toLocaleString('en-US')} events per trial; trials ${trials.map(fmt).join(', ')})`);
    return Math.round(median);
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- (c) gzip size of the entry chunk -------------------------------------------------------

/** Groups a chunk's modules by npm package or src/ layer, largest first (raw rendered bytes). */
function contributors(chunk) {
  const by = new Map();
  for (const [id, m] of Object.entries(chunk.modules ?? {})) {
    const nm = id.lastIndexOf('/node_modules/');
    let key;
    if (nm >= 0) {
      const rest = id.slice(nm + '/node_modules/'.length).split('/');
      key = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? id);
    } else {
      const rel = path.relative(ROOT, id.replace(/^\0/, '').replace(/[?#].*$/, '')).split(path.sep);
      key = rel[0] === 'src' && rel.length > 2 ? `src/${rel[1]}` : rel.join('/');
    }
    by.set(key, (by.get(key) ?? 0) + (m.renderedLength ?? 0));
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]);
}

async function benchBundle() {
  const dist = path.join(ROOT, 'dist');
  let outputs = null;
  if (!NO_BUILD) {
    const schema = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.mjs'), 'src/cli/emitSchema.ts'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (schema.status !== 0) throw new Error('npm run schema failed');
    const { build } = await import('vite');
    const result = await build({ root: ROOT, logLevel: 'warn' });
    outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output ?? []);
  }
  const htmlFile = path.join(dist, 'index.html');
  if (!existsSync(htmlFile)) throw new Error('dist/index.html is missing: run `npm run build`');
  const html = readFileSync(htmlFile, 'utf8');
  const entry = /<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/i.exec(html) ?? /<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*\btype=["']module["']/i.exec(html);
  if (!entry?.[1]) throw new Error('no <script type="module" src=…> in dist/index.html');
  const read = (src) => readFileSync(path.join(dist, src.replace(/^\.?\//, '')));
  const entryCode = read(entry[1]);
  const gz = gzipSync(entryCode).length / 1000;
  // Chunks the entry imports statically are preloaded too: report them beside the entry.
  const preloads = [...html.matchAll(/<link\b[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/gi)].map((m) => m[1]).filter(Boolean);
  const initial = gz + preloads.reduce((sum, src) => sum + gzipSync(read(src)).length / 1000, 0);
  line('entry chunk gzip (kB)', gz.toFixed(1), `aim <= 250  ${verdict(gz <= 250)}  (${entry[1]}, ${(entryCode.length / 1000).toFixed(0)} kB raw; with ${preloads.length} preloaded chunk${preloads.length === 1 ? '' : 's'}: ${initial.toFixed(1)} kB)`);
  const chunk = outputs?.find((o) => o.type === 'chunk' && entry[1].endsWith(o.fileName));
  if (chunk) {
    const top = contributors(chunk).slice(0, 6).map(([k, v]) => `${k} ${(v / 1000).toFixed(0)} kB`);
    process.stdout.write(`${''.padEnd(34)} largest in the entry (raw): ${top.join(', ')}\n`);
  }
  return Math.round(gz * 10) / 10;
}

// ---- (d) scheduling-class picks per second --------------------------------------------------

async function benchSchedClasses() {
  const bundle = await bundleTs('bench/sched.ts');
  const { benchSched, formatSchedBench } = await import(bundle);
  const r = benchSched(QUICK ? 150 : 400);
  for (const row of formatSchedBench(r).split('\n')) process.stdout.write(`${''.padEnd(2)}${row}\n`);
  const fair = r.fair['10000'];
  const growth = r.fair['10'] / fair;
  // log2(10,000) / log2(10) = 4: a log-n structure costs at most ~4x more at 10,000 than at 10.
  const ok = fair >= 1_000_000 && growth <= 4;
  line('fair picks/s at 10,000 (Node)', fmt(fair), `aim >= 1,000,000, cost growth <= 4x  ${verdict(ok)}  (${growth.toFixed(1)}x from 10 to 10,000)`);
  return r;
}

// ---- (d2) the objective class's pick, before and after its kinetic tournament ---------------

async function benchObjectivePick() {
  const { benchObjective, formatObjectiveBench } = await import(await bundleTs('bench/objective.ts'));
  const r = benchObjective(QUICK ? 150 : 400);
  for (const row of formatObjectiveBench(r).split('\n')) process.stdout.write(`${''.padEnd(2)}${row}\n`);
  // Scores computed per cycle (the work, not the wall time of a shared machine): log2 n grows 4x from
  // 10 to 10,000; the tournament also re-decides the nodes whose certificates expired (a little more).
  const work = r['after scores/cycle'];
  const growth = work['10000'] / work['10'];
  line('objective picks/s at 10,000', fmt(r.after['10000']), `aim: work per pick grows <= 5x from 10 to 10,000 (log n: 4x)  ${verdict(growth <= 5)}  (${growth.toFixed(1)}x: ${work['10']} -> ${work['10000']} scores per cycle; main's scan+sort: ${r['before scores/cycle']['10000']}; wall-time growth ${(r.after['10'] / r.after['10000']).toFixed(1)}x)`);
  return r;
}

// ---- (e) dispatch latency the scheduler adds to a model call --------------------------------

async function benchDispatchLatency() {
  const bundle = await bundleTs('bench/dispatch.ts');
  const { benchDispatch } = await import(bundle);
  const r = await benchDispatch(readFileSync(path.join(ROOT, 'public', 'examples', 'contention.json'), 'utf8'), QUICK ? 10 : 30);
  line('dispatch latency, median (Node)', `${r.medianUs} µs`, `aim < 50 µs  ${verdict(r.medianUs < 50)}  (p95 ${r.p95Us} µs over ${fmt(r.dispatches)} dispatches of the contention example; AIOS batches every 1 s)`);
  return r.medianUs;
}

// ---- (f) archive search: DexieArchive vs MiniSearch in Chromium ------------------------------

const ms1 = (n) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

async function benchArchive() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  const outDir = await buildBenchPage('archive');
  const server = await serveStatic(outDir);
  const { port } = server.address();
  const { chromium } = await import('@playwright/test');
  // gc() and unquantised performance.memory, so heap figures mean something.
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/archive.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'loading', null, { timeout: 15_000 }).catch(() => {});
    if (!(await page.evaluate(() => typeof window.runArchiveBench === 'function'))) throw new Error(`the archive bench page did not load${errors.length ? `: ${errors.join('; ')}` : ''}`);
    const out = {};
    for (const chunks of QUICK ? [10_000] : [10_000, 100_000]) {
      const r = await page.evaluate((o) => window.runArchiveBench(o), { chunks, queries: 200, batch: 1000, memory: true });
      const row = (name, f, extra = '') =>
        process.stdout.write(`  ${name.padEnd(13)} index ${(f.indexMs / 1000).toFixed(1).padStart(5)} s (${fmt(f.insertsPerSec).padStart(6)}/s)   search p50 ${ms1(f.p50Ms).padStart(5)} ms  p95 ${ms1(f.p95Ms).padStart(5)} ms   heap ${String(f.heapMB).padStart(6)} MB${extra}\n`);
      process.stdout.write(`archive, ${fmt(chunks)} chunks of ~450 chars, ${r.queries} queries of 2-3 Zipf terms, top 10 (${r.heapSource}):\n`);
      row('DexieArchive', r.dexie, `   disk ${r.dexie.diskMB ?? 'n/a'} MB   (inserts of ${fmt(r.batch)}; one-chunk inserts p50 ${ms1(r.dexie.singleInsertP50Ms)} / p95 ${ms1(r.dexie.singleInsertP95Ms)} ms)`);
      row('MiniSearch', r.minisearch);
      if (r.memory) row('MemoryArchive', r.memory, `   same top 10 as DexieArchive: ${r.sameAsMemory}`);
      const v = r.vsMiniSearch;
      line(`archive inserts vs MiniSearch at ${fmt(chunks)}`, `${v.dexieInserts.toFixed(2)}x`, `aim >= 1  ${verdict(v.dexieInserts >= 1)}  (DexieArchive over MiniSearch in this run; MemoryArchive ${v.memoryInserts?.toFixed(2) ?? 'n/a'}x; search p95 ${v.dexieP95} / ${v.memoryP95 ?? 'n/a'} of MiniSearch's)`);
      out[String(chunks)] = r;
    }
    const big = out['100000'];
    if (big) {
      const ok = big.dexie.p95Ms <= 20 && big.dexie.heapMB < big.minisearch.heapMB;
      line('archive p95 at 100,000 (Chromium)', `${ms1(big.dexie.p95Ms)} ms`, `aim <= 20 ms and less heap than MiniSearch  ${verdict(ok)}  (MiniSearch p95 ${ms1(big.minisearch.p95Ms)} ms; heap ${big.dexie.heapMB} vs ${big.minisearch.heapMB} MB)`);
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}

// ---- (g) tokens counted per second in Node --------------------------------------------------

async function benchTokenCount() {
  const bundle = await bundleTs('bench/tokens.ts');
  const { benchTokens, benchLongStrings } = await import(bundle);
  const r = benchTokens(QUICK ? 10_000 : 100_000);
  line('tokens counted/s (Node)', fmt(r.tokensPerSec), `gpt-tokenizer countTokens, o200k  (${fmt(r.tokens)} tokens in ${fmt(r.chunks)} chunks, ${(r.chars / r.tokens).toFixed(1)} chars/token, ${(r.ms / 1000).toFixed(1)} s)`);
  const long = benchLongStrings();
  line('1 MB without a break, counted (ms)', fmt(long.base64Ms), `kernel countTokens: base64 ${Math.round(long.base64Ms)} ms (${fmt(long.base64Tokens)} tokens${long.base64Estimated ? ', tail estimated' : ''}), one word ${Math.round(long.oneWordMs)} ms, CJK ${Math.round(long.cjkMs)} ms  (aim < 1,000 ms each)`);
  figures.tokens1MBms = Math.round(Math.max(long.base64Ms, long.oneWordMs, long.cjkMs));
  return Math.round(r.tokensPerSec);
}

// ---- (h) system-call decisions through the policy stack ---------------------------------------

async function benchSyscallLatency() {
  const bundle = await bundleTs('bench/syscall.ts');
  const { benchSyscall } = await import(bundle);
  const r = await benchSyscall(readFileSync(path.join(ROOT, 'public', 'examples', 'injection.json'), 'utf8'), QUICK ? 15 : 40, 200);
  line('syscall decision, median (Node)', `${r.medianUs} µs`, `aim < 50 µs  ${verdict(r.medianUs < 50)}  (p95 ${r.p95Us} µs over ${fmt(r.decisions)} decisions, ${r.rules} rules in 4 scopes)`);
  line('livelock check per turn (Node)', `${r.livelockObserveUs} µs`, 'repeat + oscillation (own and dialogue) + similarity, window 6');
  return r;
}

// ---- (i) the in-browser CPU beside node-llama-cpp ---------------------------------------------

async function benchLocalCpuSpeed() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  const { benchLocalCpu } = await import('../bench/localCpuBench.mjs');
  const r = await benchLocalCpu({ executablePath, args: CHROMIUM_ARGS, quick: QUICK });
  const w = r.wllama;
  line('local CPU tok/s, wllama (Chromium)', fmt(w.tokensPerSec), `${r.model}, ${w.tokens} tokens, trials ${w.trials.map(fmt).join(', ')}; first token ${w.firstTokenMs} ms, load ${w.loadMs} ms`);
  const n = r.nodeLlamaCpp;
  if (n) line('local CPU tok/s, node-llama-cpp', fmt(n.tokensPerSec), `same file, one thread, ${n.tokens} tokens, trials ${n.trials.map(fmt).join(', ')}; first token ${n.firstTokenMs} ms, load ${n.loadMs} ms`);
  else line('local CPU tok/s, node-llama-cpp', 'n/a', 'node-llama-cpp is not installed');
  return r;
}

// ---- (j) real models: hand-off latency, replay speed, recorded bytes per token ----------------

async function benchRealModels() {
  const bundle = await bundleTs('bench/realModel.ts');
  const { benchRealModel } = await import(bundle);
  const r = await benchRealModel(QUICK ? 30 : 60, QUICK ? 800 : 1500);
  line('last byte -> next dispatch, median', `${r.handoffMedianUs} µs`, `aim < 1,000 µs  ${verdict(r.handoffMedianUs < 1000)}  (p95 ${r.handoffP95Us} µs over ${r.turns} streamed turns; run ${r.stopReason})`);
  line('replayed real run events/s (Node)', fmt(r.replayEventsPerSec), `aim >= the sim's  ${verdict(r.replayVsSim >= 1)}  (sim on the same harness ${fmt(r.simEventsPerSec)}/s, ratio ${r.replayVsSim}; ${r.replayEvents} events a run; same trace hash: ${r.sameHashOnReplay})`);
  const b = r.bytesBy;
  line('recorded bytes per generated token', `${r.recordBytesPerToken}`, `aim <= 16  ${verdict(r.recordBytesPerToken <= 16)}  (${fmt(r.recordBytes)} bytes of infer.completed.record for ${fmt(r.generatedTokens)} tokens; whole infer.completed lines ${r.lineBytesPerToken} bytes/token: text ${fmt(b.eventText)}, action ${fmt(b.action)}, record text ${fmt(b.recordResponseText)}, calls ${fmt(b.recordToolCalls)}, rest ${fmt(b.recordRest)})`);
  if (!r.sameHashOnReplay) throw new Error('the replay of the recorded run gave another trace hash');
  return { handoffMedianUs: r.handoffMedianUs, handoffP95Us: r.handoffP95Us, replayEventsPerSec: r.replayEventsPerSec, simEventsPerSec: r.simEventsPerSec, replayVsSim: r.replayVsSim, recordBytesPerToken: r.recordBytesPerToken, lineBytesPerToken: r.lineBytesPerToken };
}

// ---- (k) one long run: cost per event, memory, trace bytes and seek at any length ------------

/**
 * V8's old-space cap for the long run's own process. Uncapped, V8 lets garbage (every seek's
 * state, the projection's build) pile up to gigabytes before a full collection, so the process's
 * peak would measure the collector's laziness; capped, it collects sooner, and a run whose
 * reachable memory did not fit would fail here instead of passing.
 */
const LONG_RUN_HEAP_MB = 512;

async function benchScaleLongRun() {
  await bundleTs('bench/scaleLong.ts');
  const { spawn } = await import('node:child_process');
  const n = QUICK ? 100_000 : 1_000_000;
  process.stdout.write(`long run, 10 sim agents, ${fmt(n)} events (in its own process, --max-old-space-size=${LONG_RUN_HEAP_MB}):\n`);
  // Its own process: the peak RSS is the run's (with the projections it builds), not the bench's.
  const r = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${LONG_RUN_HEAP_MB}`, '--expose-gc', path.join(ROOT, 'scripts', 'run-ts.mjs'), 'bench/scaleLong.ts', String(n)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let last = null;
    child.stdout.on('data', (c) => {
      out += c.toString();
      for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
        const l = out.slice(0, i);
        out = out.slice(i + 1);
        if (l.startsWith('{')) last = l;
        else process.stdout.write(`${l}\n`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 && last ? resolve(JSON.parse(last)) : reject(new Error(`the long run's process exited with ${code}`))));
  });
  line('long run time (Node)', `${(r.ms / 1000).toFixed(1)} s`, `aim < 30 s at 1M  ${QUICK ? '' : verdict(r.ms < 30_000)}  (${fmt(r.events)} events, ${fmt(r.eventsPerSec)}/s, stop: ${r.stopReason})`);
  line('long run peak RSS', `${fmt(r.peakRssMB)} MB`, `aim < 1,000 MB  ${verdict(r.peakRssMB < 1000)}  (the whole process, projections and trace encoding included; reachable at ${fmt(r.events)} events with kernel and projection: ${r.liveMB ?? '?'} MB)`);
  line('last tenth / first tenth cost', `${r.lastOverFirst}`, `aim <= 1.3  ${verdict(r.lastOverFirst <= 1.3)}  (stretches ${r.stretchMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s)`);
  line('stored trace bytes per event', `${r.storedBytesPerEvent}`, `aim <= 150  ${verdict(r.storedBytesPerEvent <= 150)}  (JSONL ${r.jsonlBytesPerEvent})`);
  const growth = r.stateAtEnd / Math.max(1, r.stateAt100k);
  line('state at the end / at 100k', `${growth.toFixed(2)}x`, `aim <= 2x  ${verdict(growth <= 2)}  (${fmt(r.stateAt100k)} -> ${fmt(r.stateAtEnd)} chars as JSON)`);
  for (const f of r.seek) {
    const worst = Math.max(f.kernelP95Ms, f.projectionP95Ms);
    line(`seek p95 at ${fmt(f.at)}`, `${worst} ms`, `aim < 50 ms  ${verdict(worst < 50)}  (kernel p50 ${f.kernelP50Ms} / p95 ${f.kernelP95Ms}, projection p50 ${f.projectionP50Ms} / p95 ${f.projectionP95Ms}; projection built in ${fmt(f.projectionBuildMs)} ms)`);
  }
  return r;
}

// ---- (l) scale: cost per event against the number of agents ----------------------------------

async function benchScaleAgentsGroup() {
  const bundle = await bundleTs('bench/scaleAgents.ts');
  const { benchScaleAgents } = await import(bundle);
  const sizes = QUICK ? [10, 100, 300] : [10, 100, 1000];
  const rows = await benchScaleAgents(readFileSync(EXAMPLE, 'utf8'), sizes, QUICK ? 500 : 2000);
  for (const r of rows) line(`scale: ${fmt(r.agents)} agents, events/s`, fmt(r.eventsPerSec), `(${fmt(r.events)} events, ${r.runs} run${r.runs === 1 ? '' : 's'} in ${(r.ms / 1000).toFixed(1)} s)`);
  const ratio = rows[rows.length - 1].eventsPerSec / rows[0].eventsPerSec;
  const judged = sizes[sizes.length - 1] === 1000 ? verdict(ratio >= 0.5) : 'judged at 1,000 agents (without --quick)';
  line(`scale: ${fmt(sizes[sizes.length - 1])} vs 10 agents`, `${ratio.toFixed(2)}x`, `aim >= 0.5x at 1,000  ${judged}`);
  return { eventsPerSec: Object.fromEntries(rows.map((r) => [String(r.agents), r.eventsPerSec])), ratio: Math.round(ratio * 100) / 100 };
}

// ---- (m) scale: the canvas at 1,000 and 5,000 nodes, in Chromium --------------------------------

async function benchScaleCanvasGroup() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  if (!NO_BUILD && !want('bundle')) await (await import('vite')).build({ root: ROOT, logLevel: 'warn' }); // else the bundle figure built it
  const { benchCanvasGroup } = await import('../bench/scaleCanvas.mjs');
  const { scaleCanvasDoc } = await import(await bundleTs('bench/scaleCanvasDoc.ts'));
  const server = await serveStatic(path.join(ROOT, 'dist'));
  try {
    const baseUrl = `http://127.0.0.1:${server.address().port}/index.html`;
    return await benchCanvasGroup({ quick: QUICK, executablePath, args: CHROMIUM_ARGS, baseUrl, makeDoc: scaleCanvasDoc, line, verdict });
  } finally {
    server.close();
  }
}

// ---- (m2) scale: the run views with a 100-agent run and a 1M-event run, in Chromium -------------

async function benchScaleRunGroup() {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  // dist/ is fresh: the canvas figures of this group built it just before.
  const { benchRunGroup } = await import('../bench/scaleRun.mjs');
  const { agentsDocument } = await import(await bundleTs('bench/scaleAgents.ts'));
  const { longRunDocument } = await import(await bundleTs('bench/scaleLong.ts'));
  const team = readFileSync(EXAMPLE, 'utf8');
  const server = await serveStatic(path.join(ROOT, 'dist'));
  try {
    const baseUrl = `http://127.0.0.1:${server.address().port}/index.html`;
    const log = (l) => process.stdout.write(`${l}\n`);
    return await benchRunGroup({
      quick: QUICK, executablePath, args: CHROMIUM_ARGS, baseUrl, line, verdict, log,
      makeAgentsDoc: (n) => agentsDocument(team, n),
      // As bench/scaleLong.ts sizes it: enough script steps that no agent finishes early.
      makeLongDoc: (events) => longRunDocument(10, Math.ceil((events / 10 / 5) * 1.2), events),
    });
  } finally {
    server.close();
  }
}

// ---- (n) experiment runs per second on worker threads, 1 worker vs all cores --------------------

async function benchExperimentsGroup() {
  const bundle = await bundleTs('bench/experiments.ts');
  const { benchExperimentPools } = await import(bundle);
  const { availableParallelism, loadavg } = await import('node:os');
  const file = path.join(ROOT, 'public', 'examples', 'distractors.experiment.json');
  const read = (rel) => readFileSync(path.join(path.dirname(file), rel), 'utf8');
  const cores = availableParallelism();
  // Same runs for both pools, alternated (1, all, 1, all, …), each pool warm (bench/experiments.ts says why).
  const workers = cores > 1 ? [1, cores] : [1];
  const r = await benchExperimentPools(readFileSync(file, 'utf8'), read, bundle, { workers, warmPerWorker: QUICK ? 2000 : 4000, roundRuns: QUICK ? 3000 : 6000, rounds: QUICK ? 3 : 5 });
  for (const w of workers) {
    const m = r.median[w];
    const all = r.rounds.filter((x) => x.workers === w).map((x) => x.runsPerSec.toFixed(0));
    line(`experiment runs/s, ${w} worker${w === 1 ? '' : 's'} (Node)`, m.runsPerSec.toFixed(1), `distractors, warm pool: ${fmt(m.runs)} runs in ${(m.ms / 1000).toFixed(2)} s (median of ${all.length}: ${all.join(', ')}); start-up ${fmt(r.startupMs[w])} ms (threads load the bundle + a first run each)`);
  }
  const speedUp = r.speedUp;
  line(`experiment speed-up, ${cores} cores (Node)`, `${speedUp.toFixed(2)}x`, `aim >= ${(0.8 * cores).toFixed(1)}x (0.8 x cores)  ${verdict(speedUp >= 0.8 * cores)}  (round by round ${r.roundRatios.map((x) => x.toFixed(2)).join(', ')}; load average ${loadavg()[0].toFixed(1)})`);
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found: run `node scripts/ensure-chromium.mjs` (or set CHROMIUM_PATH)');
  const { benchExperimentsChromium } = await import('../bench/experimentsChromium.mjs');
  const chromium = await benchExperimentsChromium({ root: ROOT, quick: QUICK, executablePath, args: CHROMIUM_ARGS, buildBenchPage, serveStatic, line, fmt, verdict });
  return { cores, runsPerSec1: r.median[1].runsPerSec, runsPerSecAll: r.median[workers.at(-1)].runsPerSec, speedUp, roundRatios: r.roundRatios, startupMs1: r.startupMs[1], startupMsAll: r.startupMs[workers.at(-1)], chromium };
}

// ---- (o) the coordinator's overhead per run on Redis (BullMQ), two harness worker processes ------

async function benchQueueGroup() {
  const { findRedisServer } = await import('./ensure-redis.mjs');
  const server = findRedisServer();
  if (!server) throw new Error('no redis-server: run `node scripts/ensure-redis.mjs` (or set REDIS_SERVER)');
  const { spawn } = await import('node:child_process');
  const { createServer: netServer } = await import('node:net');
  const port = await new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const children = [];
  const start = (cmd, args, ready) =>
    new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
      children.push(child);
      let text = '';
      const seen = (c) => {
        text += c.toString();
        if (ready.test(text)) resolve(child);
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('exit', (code) => reject(new Error(`${path.basename(cmd)} exited (${code}) before it was ready: ${text.slice(-300)}`)));
    });
  try {
    await start(server, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    const cli = path.join(ROOT, 'scripts', 'run-ts.mjs');
    await bundleTs('src/cli/main.ts'); // once, before two workers race to build it
    await Promise.all(['bench-1', 'bench-2'].map((name) => start(process.execPath, [cli, 'src/cli/main.ts', 'worker', '--queue', url, '--name', name], /taking runs from/)));
    const { benchQueueRound } = await import(await bundleTs('bench/queue.ts'));
    const file = path.join(ROOT, 'public', 'examples', 'distractors.experiment.json');
    const read = (rel) => readFileSync(path.join(path.dirname(file), rel), 'utf8');
    const seeds = QUICK ? 100 : 500;
    await benchQueueRound(url, readFileSync(file, 'utf8'), read, 20, 'warm-up'); // connections, workers' first runs
    const r = await benchQueueRound(url, readFileSync(file, 'utf8'), read, seeds, `${Date.now()}`);
    line('queue coordinator CPU per run (Redis, BullMQ)', `${r.cpuMsPerRun.toFixed(2)} ms`, `aim < 2 ms  ${verdict(r.cpuMsPerRun < 2)}  (distractors, ${fmt(r.runs)} runs on 2 harness worker processes: ${r.wallMsPerRun.toFixed(2)} ms wall per run, ${r.runsPerSec.toFixed(1)} runs/s)`);
    return r;
  } finally {
    for (const c of children.reverse()) c.kill('SIGTERM');
  }
}

// ---- (n) the context view at a cursor near the end of a long run: replayed from 0 vs kept --

async function benchContextViewCost() {
  const bundle = await bundleTs('bench/contextView.ts');
  const { benchContextView } = await import(bundle);
  const r = await benchContextView(QUICK ? 20_000 : 100_000);
  line('context view near the end, per move', `${r.afterMs} ms`, `aim: 10x cheaper than a replay from 0  ${verdict(r.ratio >= 10)}  (${r.ratio}x: ${r.beforeMs} ms replaying from event 0 before, ${r.afterMs} ms kept; the first question replays once, ${r.firstMs} ms; ${fmt(r.events)} events, 10 agents)`);
  return r;
}

// ---- (o) validity checks: cost per event against the number of agents ----------------------

async function benchValidityChecks() {
  const { benchValidity } = await import(await bundleTs('bench/validity.ts'));
  const r = await benchValidity(10, QUICK ? 300 : 1000, QUICK ? 500 : 1000, QUICK ? 1 : 3);
  for (const f of r.figures) line(`validity: ${fmt(f.agents)} agents, checks ${f.checks ? 'on' : 'off'}`, `${f.usPerEvent} µs/ev`, `(CPU time; ${fmt(f.events)} events, ${fmt(f.verdicts)} verdicts, ${f.runs} run${f.runs === 1 ? '' : 's'})`);
  const large = r.figures[1].agents;
  line(`validity: ${fmt(large)} vs 10 agents`, `${r.ratio}x`, `aim <= 2x the kernel's own ${r.ratioWithout}x  ${verdict(r.ratio <= 2 * r.ratioWithout)}`);
  return r;
}

// ---- (p) delegation: cost per event against the number of spawned sub-agents ----------------

async function benchSpawnScaleGroup() {
  const { benchSpawnScale } = await import(await bundleTs('bench/spawnScale.ts'));
  const r = await benchSpawnScale(QUICK ? 1000 : 3000);
  for (const f of r.figures) line(`spawn: ${fmt(f.leads)} leads`, `${fmt(f.eventsPerSec)} ev/s`, `(${fmt(f.events)} events, ${f.runs} run${f.runs === 1 ? '' : 's'}, ${f.exhausted} children budget-exhausted)`);
  line('spawn: 1,000 vs 10 leads, events/s', `${r.ratio1000to10}x`, `aim >= 0.1x (before the delegation index: 0.025-0.054x)  ${verdict(r.ratio1000to10 >= 0.1)}`);
  return r;
}

// ---- main -----------------------------------------------------------------------------------

const figures = { kernelEventsPerSec: null, allocOverhead: null, idbEventsPerSec: null, entryGzipKB: null, schedPicksPerSec: null, dispatchMedianUs: null, archive: null, tokensPerSec: null, tokens1MBms: null, syscall: null, localCpu: null, realModel: null, scaleLong: null, scaleAgents: null, scaleCanvas: null, scaleRun: null, experiments: null, experimentsQueue: null, contextView: null, validity: null, objectivePick: null, spawnScale: null };
let failed = 0;
async function measure(key, name, fn) {
  if (!want(name)) return;
  try {
    figures[key] = await fn();
  } catch (err) {
    failed++;
    line(`${name}: not measured`, 'n/a', err instanceof Error ? err.message.split('\n')[0] : String(err));
  }
}

process.stdout.write(`Harness Studio bench (node ${process.version}${QUICK ? ', quick' : ''})\n`);
await measure('kernelEventsPerSec', 'kernel', benchKernel);
await measure('allocOverhead', 'kernel', benchAllocAccounting);
await measure('idbEventsPerSec', 'idb', benchIdb);
await measure('entryGzipKB', 'bundle', benchBundle);
await measure('schedPicksPerSec', 'sched', benchSchedClasses);
await measure('objectivePick', 'objective', benchObjectivePick);
await measure('dispatchMedianUs', 'dispatch', benchDispatchLatency);
await measure('archive', 'archive', benchArchive);
await measure('tokensPerSec', 'tokens', benchTokenCount);
await measure('syscall', 'syscall', benchSyscallLatency);
await measure('localCpu', 'localcpu', benchLocalCpuSpeed);
await measure('realModel', 'real', benchRealModels);
await measure('scaleLong', 'scale', benchScaleLongRun);
await measure('scaleAgents', 'scale', benchScaleAgentsGroup);
await measure('scaleCanvas', 'scale', benchScaleCanvasGroup);
await measure('scaleRun', 'scale', benchScaleRunGroup);
await measure('experiments', 'experiments', benchExperimentsGroup);
await measure('experimentsQueue', 'experiments', benchQueueGroup);
await measure('contextView', 'context', benchContextViewCost);
await measure('validity', 'validity', benchValidityChecks);
await measure('spawnScale', 'spawn', benchSpawnScaleGroup);
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exitCode = failed > 0 ? 1 : 0;
