/**
 * System-call decision latency: the wall time of the kernel step that decides a tool call
 * (tool.allowed / tool.denied / tool.asked) — the whole policy stack: capability handles, tiers,
 * execute-only, taint and the rules of every scope under the mode — while the injection example
 * runs with its policy grown to `rules` rules spread over the four scopes. Plus the livelock
 * detector's cost per observed turn. Bundled by scripts/run-ts.mjs, called from scripts/bench.mjs.
 */
import { Kernel, LivelockDetector, asRunId, parseHarness } from '../src/kernel';

export interface SyscallBench {
  decisions: number;
  rules: number;
  medianUs: number;
  p95Us: number;
  livelockObserveUs: number;
}

const DECIDED = new Set(['tool.allowed', 'tool.denied', 'tool.asked']);

export async function benchSyscall(documentText: string, runs = 40, rules = 200): Promise<SyscallBench> {
  const doc = JSON.parse(documentText) as { policy: { scopes: { id: string; level: string; rules: { id: string; effect: string; match: string }[] }[] } };
  const levels = ['org', 'project', 'user', 'session'];
  doc.policy.scopes = levels.map((level) => ({
    id: `bench-${level}`, level,
    rules: Array.from({ length: rules / levels.length }, (_, i) => ({
      id: `r-${level}-${i}`, effect: ['allow', 'ask', 'deny'][i % 3]!, match: `tool_${i}(https://*.site${i}.example/**)`,
    })),
  }));
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(`bench document is invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
  const samples: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const k = Kernel.create(parsed.spec, { runId: asRunId(`syscall-${seed}`), seed });
    for (;;) {
      const t0 = performance.now();
      const e = await k.step();
      const dt = performance.now() - t0;
      if (e === null) break;
      if (DECIDED.has(e.type) && seed > 5) samples.push(dt); // the first runs warm the JIT
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;

  // Livelock detector: a long, progressing two-agent dialogue (no finding), cost per turn.
  const detector = new LivelockDetector({});
  const turns = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < turns; i++) {
    const agent = i % 2 === 0 ? 'a' : 'b';
    detector.observe({ agent, seq: i, action: `{"kind":"send","text":"step ${i}","to":"${agent === 'a' ? 'b' : 'a'}"}`, observation: `sent ${i}`, output: `draft ${i} with more words ${i % 97}` });
  }
  const observeUs = ((performance.now() - t0) * 1000) / turns;
  const r1 = (x: number): number => Math.round(x * 10) / 10;
  return { decisions: samples.length, rules, medianUs: r1(at(0.5) * 1000), p95Us: r1(at(0.95) * 1000), livelockObserveUs: Math.round(observeUs * 100) / 100 };
}
