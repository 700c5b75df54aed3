/**
 * Dispatch latency: the wall-clock time the scheduler adds to a model call — deciding that an
 * agent is runnable (sched.enqueued) plus picking it onto a slot (sched.picked), measured per
 * dispatch while the contention example runs (8 agents, 2 slots, deadline/rt/fair classes and a
 * team budget). The model call itself (infer.started) is not counted. Bundled by
 * scripts/run-ts.mjs and called from scripts/bench.mjs.
 */
import { Kernel, asRunId, parseHarness } from '../src/kernel';

export interface DispatchBench {
  dispatches: number;
  medianUs: number;
  p95Us: number;
}

export async function benchDispatch(documentText: string, runs = 30): Promise<DispatchBench> {
  const parsed = parseHarness(documentText);
  if (!parsed.ok) throw new Error(`bench document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const samples: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const k = Kernel.create(parsed.spec, { runId: asRunId(`dispatch-${seed}`), seed });
    const pending = new Map<string, number>();
    for (;;) {
      const t0 = performance.now();
      const e = await k.step();
      const dt = performance.now() - t0;
      if (e === null) break;
      if (e.type === 'sched.enqueued') pending.set(e.agent, dt);
      else if (e.type === 'sched.picked') {
        const before = pending.get(e.agent);
        if (before !== undefined && seed > 3) samples.push(before + dt); // the first runs warm the JIT
        pending.delete(e.agent);
      }
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { dispatches: samples.length, medianUs: Math.round(at(0.5) * 1000 * 10) / 10, p95Us: Math.round(at(0.95) * 1000 * 10) / 10 };
}
