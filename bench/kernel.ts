/**
 * Kernel throughput in Node: runs a harness document to its stop again and again, one seed per
 * run, for about `ms` milliseconds, and counts events. Bundled by scripts/run-ts.mjs and called
 * from scripts/bench.mjs.
 */
import { Kernel, asRunId, parseHarness } from '../src/kernel';

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
