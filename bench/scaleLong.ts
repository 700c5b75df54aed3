/**
 * The long-run scale bench (issue #13): one run of 10 agents thinking, calling a search tool and
 * filling their windows for N events, measured as it grows. Reports the time of the run and the
 * process's peak RSS (scripts/bench.mjs runs it in a process of its own, V8's old space capped),
 * the cost of the last 100k events against the first 100k, the trace's bytes per event as
 * the studio stores it (compressed blocks) and as JSONL, the state's size at 100k and at the end,
 * and seek p50/p95 (Kernel.stateAt and Projection.stateAt) at 10k / 100k / 1M events. Bundled by
 * scripts/run-ts.mjs and called from scripts/bench.mjs (or run alone:
 * `node scripts/run-ts.mjs bench/scaleLong.ts 100000`, whose last line is one JSON object).
 */
import { Kernel, Projection, asRunId, parseHarness, type EventReader, type SpillOptions } from '../src/kernel';
import { ZLIB_CODEC } from '../src/cli/zlibCodec';
import { EVENT_BLOCK_SIZE, compressedBlocks } from '../src/persist/eventBlocks';

export { ZLIB_CODEC };

export interface SeekFigures {
  at: number;
  kernelP50Ms: number;
  kernelP95Ms: number;
  projectionP50Ms: number;
  projectionP95Ms: number;
  /** Time to build the Projection from the run's events (as the UI does on load). */
  projectionBuildMs: number;
  /** Reachable memory with both built (see ScaleLongBench.liveMB). */
  liveMB: number | null;
}

export interface ScaleLongBench {
  events: number;
  agents: number;
  ms: number;
  eventsPerSec: number;
  /** The whole process's peak resident memory (the kernel's run, the projections built to seek, the trace's encoding), in MB. */
  peakRssMB: number;
  /**
   * What stays reachable at the last mark with the kernel and the projection built there (heap and
   * external memory after a full collection), in MB; null where the collector is not exposed
   * (`node --expose-gc`).
   */
  liveMB: number | null;
  /** Seconds per 100k-event stretch, in order. */
  stretchMs: number[];
  /** Last 100k events' time over the first 100k's (aim <= 1.3). */
  lastOverFirst: number;
  /** Stored bytes per event: compressed event blocks as the studio writes them (aim <= 150). */
  storedBytesPerEvent: number;
  jsonlBytesPerEvent: number;
  /** State as JSON, characters, at 100k events and at the end (aim: end <= 2x). */
  stateAt100k: number;
  stateAtEnd: number;
  seek: SeekFigures[];
  stopReason: string;
}

const WORDS = 'paging eviction window recall archive summary budget scheduler slot quantum deadline lease token context memory fault segment compaction pressure queue agent harness kernel trace replay snapshot projection search corpus note report plan draft review'.split(' ');

/** A small seeded generator (bench only: the document must be the same every time). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function sentence(rnd: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
  return `${out.join(' ')}.`;
}

/**
 * A document of `agents` sim agents, each with `steps` script steps (thinking, web searches,
 * archival notes now and then), small windows so eviction and compaction run all the time, and
 * limits high enough for `events`.
 */
export function longRunDocument(agents: number, steps: number, events: number): string {
  const rnd = lcg(7);
  const docs = Array.from({ length: 40 }, (_, i) => ({ text: `Doc ${i}: ${sentence(rnd, 18)}`, tags: [WORDS[i % WORDS.length]!] }));
  const agentDefs = Array.from({ length: agents }, (_, a) => {
    const behaviour: unknown[] = [];
    for (let i = 0; i < steps; i++) {
      const r = rnd();
      if (r < 0.5) behaviour.push({ op: 'think', text: `Step ${i}: ${sentence(rnd, 6 + Math.floor(rnd() * 14))}`, tokens: 20 + Math.floor(rnd() * 60) });
      else behaviour.push({ op: 'call', tool: 'web_search', args: { query: `${WORDS[Math.floor(rnd() * WORDS.length)]} ${WORDS[Math.floor(rnd() * WORDS.length)]}` } });
    }
    behaviour.push({ op: 'finish', text: 'done' });
    return {
      id: `a${a}`, name: `Agent ${a}`, model: 'sim', systemPrompt: `You are agent ${a}. You research and think.`,
      temperature: 0.2, behaviour, capabilities: [{ target: 'web_search', access: 'use' }], memory: { window: 1024 },
    };
  });
  return JSON.stringify({
    version: 1,
    name: 'Long run',
    models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 8192, priceIn: 0.15, priceOut: 0.6, quality: 2, slots: 4, tokensPerSecond: 80 }],
    tools: [{
      id: 'web_search', name: 'web.search', description: 'Search the corpus.', args: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      sideEffect: 'read', tier: 'shared', impl: { kind: 'search', store: 'corpus', topK: 2, latencyMs: 300 },
    }],
    stores: [{ id: 'corpus', name: 'Corpus', kind: 'knowledge', documents: docs }],
    agents: agentDefs,
    limits: { maxSteps: 1_000_000_000, maxEvents: events + 1000 },
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const r2 = (n: number): number => Math.round(n * 100) / 100;

function seekFigures(k: Kernel, samples: number, spill: SpillOptions | undefined): SeekFigures {
  const head = k.head;
  const rnd = lcg(head);
  const seqs = Array.from({ length: samples }, () => Math.floor(rnd() * (head + 1)));
  const kernelMs: number[] = [];
  // Untimed warm-up seeks: the figures are of a studio that has been scrubbing, not of the JIT.
  for (const seq of seqs.slice(0, 5)) k.stateAt(seq);
  for (const seq of seqs) {
    const t0 = performance.now();
    k.stateAt(seq);
    kernelMs.push(performance.now() - t0);
  }
  const t0 = performance.now();
  const p = new Projection(500, spill);
  for (let from = 0; from <= head; from += 4096) p.append(k.trace.slice(from, from + 4096));
  const projectionBuildMs = performance.now() - t0;
  const gc = (globalThis as { gc?: () => void }).gc;
  let liveMB: number | null = null;
  if (gc) {
    gc();
    const m = process.memoryUsage();
    liveMB = Math.round((m.heapUsed + m.external) / 1e6);
  }
  const projectionMs: number[] = [];
  for (const seq of seqs.slice(0, 5)) p.stateAt(seq);
  for (const seq of seqs) {
    const t1 = performance.now();
    p.stateAt(seq);
    projectionMs.push(performance.now() - t1);
  }
  return {
    at: head + 1,
    kernelP50Ms: r2(pct(kernelMs, 0.5)), kernelP95Ms: r2(pct(kernelMs, 0.95)),
    projectionP50Ms: r2(pct(projectionMs, 0.5)), projectionP95Ms: r2(pct(projectionMs, 0.95)),
    projectionBuildMs: Math.round(projectionBuildMs),
    liveMB,
  };
}

/** Bytes of the trace as the studio stores it (full blocks compressed, the last one plain) and as JSONL. */
async function traceBytes(events: EventReader): Promise<{ stored: number; jsonl: number }> {
  let stored = 0;
  const full = Math.floor(events.length / EVENT_BLOCK_SIZE);
  for (let first = 0; first < full; first += 64) {
    // compressedBlocks indexes by seq: hand it these 64 blocks' events at their seqs.
    const last = Math.min(full, first + 64) - 1;
    const part = events.slice(first * EVENT_BLOCK_SIZE, (last + 1) * EVENT_BLOCK_SIZE);
    const bySeq = new Proxy(part, { get: (t, p, r) => (typeof p === 'string' && /^\d+$/.test(p) ? t[Number(p) - first * EVENT_BLOCK_SIZE] : p === 'slice' ? (a: number, b: number) => t.slice(a - first * EVENT_BLOCK_SIZE, b - first * EVENT_BLOCK_SIZE) : Reflect.get(t, p, r)) });
    for (const row of await compressedBlocks('long', bySeq, first, last)) stored += row.gz!.byteLength;
  }
  stored += Buffer.byteLength(JSON.stringify(events.slice(full * EVENT_BLOCK_SIZE)));
  let jsonl = 0;
  for (const e of events) jsonl += Buffer.byteLength(JSON.stringify(e)) + 1;
  return { stored, jsonl };
}

/**
 * `spill` (default: zlib blocks, newest 4096 events kept as objects) is how the kernel and the
 * projection keep old events; null keeps every event an object (the run before spilling existed).
 */
export async function benchScaleLong(n: number, agents = 10, seekSamples = 40, log: (line: string) => void = () => {}, spillOpt: SpillOptions | null = { codec: ZLIB_CODEC }): Promise<ScaleLongBench> {
  const spill = spillOpt ?? undefined;
  // ~7 events per script step on this document: enough steps that nobody finishes early.
  const steps = Math.ceil((n / agents / 5) * 1.2);
  const parsed = parseHarness(longRunDocument(agents, steps, n));
  if (!parsed.ok) throw new Error(`long-run document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const k = Kernel.create(parsed.spec, { runId: asRunId('long'), seed: 1, ...(spill ? { spill } : {}) });
  // The first and last tenth of the run (100k each at 1M events).
  const STRETCH = Math.max(1000, Math.floor(n / 10));
  const marks = [10_000, 100_000, 1_000_000].filter((m) => m <= n);
  const stretchMs: number[] = [];
  const seek: SeekFigures[] = [];
  let stateAt100k = 0;
  let peakRss = process.memoryUsage().rss;
  let runMs = 0;
  let stretchStart = 0;
  let stopReason = 'limit';
  while (k.head + 1 < n) {
    const nextMark = marks.find((m) => m > k.head + 1) ?? n;
    const step = STRETCH / 10;
    const chunk = Math.min(step - ((k.head + 1) % step), n - (k.head + 1), nextMark - (k.head + 1));
    const t0 = performance.now();
    const r = await k.runUntil({ maxEvents: chunk });
    const dt = performance.now() - t0;
    runMs += dt;
    stretchStart += dt;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const count = k.head + 1;
    if (count % STRETCH === 0 || r.reason !== 'limit' || count >= n) {
      if (count % STRETCH === 0) {
        stretchMs.push(Math.round(stretchStart));
        log(`  ${count.toLocaleString('en-US')} events: last ${STRETCH.toLocaleString('en-US')} in ${(stretchStart / 1000).toFixed(1)} s, RSS ${Math.round(peakRss / 1e6)} MB`);
      }
      stretchStart = count % STRETCH === 0 ? 0 : stretchStart;
    }
    if (count === 100_000 || (n < 100_000 && count === n)) stateAt100k = JSON.stringify(k.state).length;
    if (marks.includes(count)) {
      const f = seekFigures(k, seekSamples, spill);
      seek.push(f);
      log(`  seek at ${count.toLocaleString('en-US')}: kernel p50 ${f.kernelP50Ms} / p95 ${f.kernelP95Ms} ms, projection p50 ${f.projectionP50Ms} / p95 ${f.projectionP95Ms} ms (built in ${f.projectionBuildMs} ms)`);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    if (r.reason !== 'limit') {
      stopReason = r.reason === 'stopped' ? (k.state.stopped?.reason ?? 'stopped') : r.reason;
      break;
    }
  }
  const events = k.head + 1;
  const stateAtEnd = JSON.stringify(k.state).length;
  // A run that stopped before 100k events compares its end with itself.
  if (stateAt100k === 0) stateAt100k = stateAtEnd;
  const bytes = await traceBytes(k.trace);
  // The process's own peak (getrusage; kilobytes on Linux), not only the samples taken between chunks.
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const first = stretchMs[0];
  const last = stretchMs[stretchMs.length - 1];
  return {
    events, agents, ms: Math.round(runMs), eventsPerSec: Math.round((events / runMs) * 1000), peakRssMB: Math.round(peakRss / 1e6),
    liveMB: seek[seek.length - 1]?.liveMB ?? null,
    stretchMs, lastOverFirst: first && last ? r2(last / first) : 1,
    storedBytesPerEvent: r2(bytes.stored / events), jsonlBytesPerEvent: r2(bytes.jsonl / events),
    stateAt100k, stateAtEnd, seek, stopReason,
  };
}

// Run alone: `node scripts/run-ts.mjs bench/scaleLong.ts [events]`.
if (process.argv[1]?.endsWith('scaleLong.ts')) {
  const n = Number(process.argv[2] ?? 100_000);
  const r = await benchScaleLong(n, 10, 40, (l) => process.stdout.write(`${l}\n`));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
