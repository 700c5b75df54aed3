/**
 * The coordinator's overhead per run on Redis (bundled by scripts/run-ts.mjs, called from
 * scripts/bench.mjs's experiments group): `harness experiment --queue` runs an experiment through
 * BullMQ while `harness worker` processes (started by the caller) run the jobs. This process is
 * only the coordinator, so its CPU time (user + system) over the experiment, divided by the runs,
 * is what coordinating costs per run: storing the experiment, enqueuing, reading the events,
 * checking and collecting the records. Wall time and runs/s are reported beside it.
 *
 * Every round renames the experiment, so its hash, and so its job ids, are new: results kept in
 * Redis from an earlier round (a run is idempotent by its key) would otherwise answer at once.
 */
import { loadExperiment, runExperiment } from '../src/kernel';
import { openQueueExecutor } from '../src/cli/experimentQueue';

export interface QueueFigure {
  runs: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPerRun: number;
  wallMsPerRun: number;
  runsPerSec: number;
}

/** Runs `text` (an experiment file, `seeds` seeds, renamed by `round`) on the queue at `url` and times this process. */
export async function benchQueueRound(url: string, text: string, read: (p: string) => string, seeds: number, round: string): Promise<QueueFigure> {
  const file = JSON.parse(text) as { name: string };
  const loaded = loadExperiment(JSON.stringify({ ...file, name: `${file.name} (bench ${round})`, seeds: { count: seeds } }), read);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('; '));
  const exp = loaded.experiment;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const executor = await openQueueExecutor(exp, url);
  if (typeof executor === 'string') throw new Error(executor);
  let outcome;
  try {
    outcome = await runExperiment(exp, { executor });
  } finally {
    await executor.close();
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu0);
  const cpuMs = (used.user + used.system) / 1000;
  const runs = outcome.records.length;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return { runs, wallMs: Math.round(wallMs), cpuMs: Math.round(cpuMs), cpuMsPerRun: r2(cpuMs / runs), wallMsPerRun: r2(wallMs / runs), runsPerSec: Math.round((runs / wallMs) * 10_000) / 10 };
}
