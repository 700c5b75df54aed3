/**
 * Cost per event against the number of spawned sub-agents, in Node: N leads, each spawning its own
 * worker over a delegate channel with a carve out of the lead's group, waiting on its task and
 * finishing; half the workers overspend their carve and exit budget-exhausted (the delegation
 * source's check of a carve spent for good, kernel/loop/spawnSources.ts). Events per second at
 * each N, one process. Run: `node scripts/run-ts.mjs bench/spawnScale.ts [ms] [fit]` (`fit`: no
 * worker overspends); the last line is one JSON object.
 */
import { Kernel, asRunId, parseHarness } from '../src/kernel';

/** A document of `n` leads, each with one worker template it spawns (with `overspend`, odd workers overspend their 300-token carve). */
export function spawnDocument(n: number, overspend = true): string {
  const agents: unknown[] = [];
  const channels: unknown[] = [];
  const groups: unknown[] = [];
  for (let i = 0; i < n; i++) {
    groups.push({ id: `g${i}`, name: `Group ${i}`, tokens: 5000 });
    agents.push({
      id: `lead${i}`, name: `Lead ${i}`, model: 'sim', systemPrompt: 'You delegate.', sched: { class: 'fair', group: `g${i}` },
      behaviour: [
        { op: 'spawn', agent: `worker${i}`, task: 'Count.', tokens: 300 },
        { op: 'recv', from: `worker${i}`, as: 'r' },
        { op: 'finish', text: '{{var.r}}' },
      ],
    });
    agents.push({
      id: `worker${i}`, name: `Worker ${i}`, model: 'sim', systemPrompt: 'You count.', sched: { class: 'fair' },
      behaviour: [{ op: 'think', text: 'Counting.', tokens: overspend && i % 2 === 1 ? 600 : 40 }, { op: 'finish', text: 'Counted.' }],
    });
    channels.push({ id: `c${i}`, from: `lead${i}`, to: `worker${i}`, kind: 'delegate', spawn: { tokens: 300 } });
  }
  return JSON.stringify({
    version: 1, name: `${n} spawns`, models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 4096, priceIn: 0.15, priceOut: 0.6, quality: 3, slots: 4, tokensPerSecond: 80 }],
    groups, agents, channels, goals: [], limits: { maxSteps: 100 * n },
  });
}

/** Events per second of the n-lead document, runs repeated for about `ms` milliseconds. */
export async function spawnFigure(n: number, ms: number, overspend = true): Promise<{ leads: number; events: number; runs: number; eventsPerSec: number; exhausted: number; stop: string }> {
  const parsed = parseHarness(spawnDocument(n, overspend));
  if (!parsed.ok) throw new Error(`the ${n}-lead document is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  let events = 0;
  let runs = 0;
  let exhausted = 0;
  let stop = '';
  const start = performance.now();
  while (runs === 0 || performance.now() - start < ms) {
    const k = Kernel.create(parsed.spec, { runId: asRunId(`spawn-${n}-${runs}`), seed: runs + 1 });
    await k.runUntil({ maxEvents: 10_000_000 });
    events += k.events.length;
    exhausted = k.events.filter((e) => e.type === 'spawn.exited' && e.code === 'budget-exhausted').length;
    stop = k.state.stopped?.reason ?? 'not-stopped';
    runs++;
  }
  const elapsed = performance.now() - start;
  return { leads: n, events, runs, eventsPerSec: Math.round((events / elapsed) * 1000), exhausted, stop };
}

/** Events per second at 10, 100 and 1,000 leads, and the 1,000-to-10 ratio (1 = flat; the kernel's cost per event does not grow). */
export async function benchSpawnScale(ms: number, overspend = true, log: (line: string) => void = () => undefined) {
  await spawnFigure(10, Math.min(300, ms), overspend); // warm-up
  const figures = [];
  for (const n of [10, 100, 1000]) {
    const f = await spawnFigure(n, ms, overspend);
    log(`${n} leads: ${f.eventsPerSec} events/s (${f.events} events, ${f.runs} runs, ${f.exhausted} exhausted, stop ${f.stop})`);
    figures.push(f);
  }
  return { overspend, figures, ratio1000to10: Number((figures[2]!.eventsPerSec / figures[0]!.eventsPerSec).toFixed(3)) };
}

if (process.argv[1]?.endsWith('spawnScale.ts')) {
  const r = await benchSpawnScale(Number(process.argv[2] ?? 3000), process.argv[3] !== 'fit', console.log);
  console.log(JSON.stringify({ bench: 'spawnScale', ...r }));
}
