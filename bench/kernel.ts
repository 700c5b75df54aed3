/**
 * Kernel throughput in Node: runs a harness document to its stop again and again, one seed per
 * run, for about `ms` milliseconds, and counts events. Bundled by scripts/run-ts.mjs and called
 * from scripts/bench.mjs.
 */
import { Kernel, applyEvent, asRunId, parseHarness, stateFromStart, type EventOf } from '../src/kernel';

export interface KernelBench {
  events: number;
  runs: number;
  ms: number;
  eventsPerSec: number;
  stopReasons: Record<string, number>;
}

export async function benchKernel(documentText: string, ms = 3000, warmupMs = 300): Promise<KernelBench> {
  const parsed = parseHarness(documentText);
  if (!parsed.ok) throw new Error(`bench document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const spec = parsed.spec;
  const once = async (seed: number): Promise<{ events: number; reason: string }> => {
    const k = Kernel.create(spec, { runId: asRunId(`bench-${seed}`), seed });
    await k.runUntil({ maxEvents: 1_000_000 });
    return { events: k.events.length, reason: k.state.stopped?.reason ?? 'not-stopped' };
  };

  let seed = 1;
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) await once(seed++);

  const stopReasons: Record<string, number> = {};
  let events = 0;
  let runs = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    const r = await once(seed++);
    events += r.events;
    runs++;
    stopReasons[r.reason] = (stopReasons[r.reason] ?? 0) + 1;
    now = performance.now();
  }
  const elapsed = now - start;
  return { events, runs, ms: elapsed, eventsPerSec: Math.round((events / elapsed) * 1000), stopReasons };
}

/** The allocator's accounting cost on a long run (kernel/alloc): reducer throughput with and without the ledger. */
export interface AllocOverheadBench {
  events: number;
  /** Median events per second of replaying the run's events through the reducer, with the ledger and without it. */
  withPerSec: number;
  withoutPerSec: number;
  /** withPerSec / withoutPerSec (1 = free; 0.95 = 5% slower). */
  ratio: number;
  rounds: number;
}

/**
 * Runs `documentText` to `events` events once, then replays those events through the reducer
 * (applyEvent, where accounting happens) from a fresh start, alternating a state with the ledger
 * and one without it, `rounds` times each; the ratio is of the medians, in one process. The
 * reducer is the part accounting adds to, so this bounds its share of a live run's cost.
 */
export async function benchAllocOverhead(documentText: string, events = 200_000, rounds = 5): Promise<AllocOverheadBench> {
  const parsed = parseHarness(documentText);
  if (!parsed.ok) throw new Error(`bench document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const k = Kernel.create(parsed.spec, { runId: asRunId('alloc-bench'), seed: 1 });
  await k.runUntil({ maxEvents: events });
  const log = k.events;
  const replay = (ledger: boolean): number => {
    const s = stateFromStart(log[0] as EventOf<'run.started'>);
    if (!ledger) delete s.slabs;
    const t0 = performance.now();
    for (let i = 1; i < log.length; i++) applyEvent(s, log[i]!);
    return performance.now() - t0;
  };
  replay(true);
  replay(false);
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    withMs.push(replay(true));
    withoutMs.push(replay(false));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const withPerSec = Math.round(((log.length - 1) / median(withMs)) * 1000);
  const withoutPerSec = Math.round(((log.length - 1) / median(withoutMs)) * 1000);
  return { events: log.length, withPerSec, withoutPerSec, ratio: Math.round((withPerSec / withoutPerSec) * 1000) / 1000, rounds };
}
