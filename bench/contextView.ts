/**
 * The context view's cost at a cursor near the end of a long run, before and after its replay
 * was kept (issue #16): "before" replays the run from event 0 for each question (kernel
 * promptAt, what the worker did), "after" asks the worker's ContextCache over the same live
 * kernel, as the view does when the cursor moves (ten moves back from the head, one agent). The
 * first question after opening still replays the run once: it is reported on its own. Bundled by
 * scripts/run-ts.mjs and called from scripts/bench.mjs (`npm run bench -- --only=context`).
 */
import { Kernel, asRunId, loadEncodingsFor, parseHarness, promptAt } from '../src/kernel';
import { ContextCache, answerOf } from '../src/worker/contextAt';
import { longRunDocument } from './scaleLong';

export interface ContextViewBench {
  events: number;
  /** ms per question replaying from event 0 (median of the moves). */
  beforeMs: number;
  /** ms of the first question with the cache (it replays once). */
  firstMs: number;
  /** ms per question with the cache, after the first (median of the moves). */
  afterMs: number;
  /** beforeMs / afterMs, the same run and cursors. */
  ratio: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (n: number): number => Math.round(n * 100) / 100;

export async function benchContextView(n: number, moves = 10): Promise<ContextViewBench> {
  const parsed = parseHarness(longRunDocument(10, Math.ceil(n / 40), n));
  if (!parsed.ok) throw new Error(`bench document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  await loadEncodingsFor(parsed.spec);
  const k = Kernel.create(parsed.spec, { runId: asRunId('context-view'), seed: 1 });
  await k.runUntil({ maxEvents: n });
  const head = k.head;
  const agent = 'a0';
  const cursors = Array.from({ length: moves }, (_, i) => head - i * 7);
  const before: number[] = [];
  for (const c of cursors) {
    const t0 = performance.now();
    answerOf(k.document, promptAt(k.document, k.seed, k.events, c, agent));
    before.push(performance.now() - t0);
  }
  const cache = new ContextCache();
  const src = { spec: k.document, seed: k.seed, head, events: (from: number, to: number) => k.events.slice(from, to + 1), stateAt: (s: number) => k.stateAt(s) };
  const t0 = performance.now();
  await cache.answer('r', src, head - moves * 7, agent);
  const firstMs = performance.now() - t0;
  const after: number[] = [];
  for (const c of cursors) {
    const t1 = performance.now();
    await cache.answer('r', src, c, agent);
    after.push(performance.now() - t1);
  }
  const beforeMs = median(before);
  const afterMs = median(after);
  return { events: head + 1, beforeMs: r2(beforeMs), firstMs: r2(firstMs), afterMs: r2(afterMs), ratio: Math.round((beforeMs / afterMs) * 10) / 10 };
}

// Run alone: `node scripts/run-ts.mjs bench/contextView.ts [events]` (the last line is one JSON object).
if (process.argv[1]?.endsWith('contextView.ts')) {
  const r = await benchContextView(Number(process.argv[2] ?? 100_000));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
