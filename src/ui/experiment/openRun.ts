/**
 * Every run of an experiment can be opened in the debugger: the variant's document (with its
 * dataset input bound) runs at the record's seed through the studio's own run machinery, as a
 * stored run of the open project, and the debugger opens it at the event where its goal failed
 * (the record's `failure`, found by the kernel from the trace: term/goalFailure.ts), or at its
 * stop when every goal was met. A run made on a real CPU is not run again (that would ask the
 * model again, and get other answers): the trace kept when it finished, with the model's
 * answers recorded, becomes the stored run instead (StudioApi.openExperimentRun). Two runs side
 * by side show the first event where their traces differ.
 */
import { studio } from '../../bridge/client';
import type { RunMeta } from '../../bridge/api';
import { canonicalEvent, runKey, type Experiment, type KernelEvent, type RunRecord } from '../../kernel';
import { useStudio } from '../../store';
import { showRunAt } from '../run/runController';

const runsMade = new Map<string, RunMeta>();

/** Where an experiment's runs were made: null for the sim (run again from the seed), else the stored experiment holding their kept traces. */
export type RunSource = { keptIn: string } | null;

/** The record's run as a stored run of the project, played to its stop or made of its kept trace (made once per page). */
async function storedRun(exp: Experiment, record: RunRecord, source: RunSource): Promise<RunMeta> {
  const projectId = useStudio.getState().projectId;
  if (projectId === null) throw new Error('open a project first');
  const key = `${projectId}|${exp.hash}|${source?.keptIn ?? ''}|${record.variant}|${record.seed}|${record.input ?? ''}`;
  const made = runsMade.get(key);
  if (made && (await studio().getRun(made.id))) return made;
  if (source !== null) {
    const kept = await studio().openExperimentRun(projectId, source.keptIn, runKey(record));
    runsMade.set(key, kept);
    return kept;
  }
  const started = await studio().startRun(projectId, exp.spec(record.variant, record.input), record.seed);
  if (!started.ok) throw new Error(`the variant's document cannot run: ${started.issues.map((i) => i.message).join('; ')}`);
  const done = await studio().play(started.run.id, []);
  runsMade.set(key, done);
  return done;
}

/** The seq of the event where the record's goal failed; for a run that met its goals (or an older record), its stop event, or its head. */
async function failureSeq(run: RunMeta, record: RunRecord): Promise<number> {
  if (record.failure !== undefined && record.failure.seq <= run.head) return record.failure.seq;
  const tail = await studio().loadEvents(run.id, Math.max(0, run.head - 8), run.head);
  const stop = [...tail].reverse().find((e) => e.type === 'run.stopped');
  return stop?.seq ?? run.head;
}

/** Opens the record's run in the debugger at its failure (or its stop), and returns it. */
export async function openRunInDebugger(exp: Experiment, record: RunRecord, source: RunSource = null): Promise<RunMeta> {
  const run = await storedRun(exp, record, source);
  await showRunAt(run, await failureSeq(run, record));
  return run;
}

/** Two runs' traces and where they first differ (null when they are the same). */
export interface RunPair {
  a: { run: RunMeta; events: KernelEvent[] };
  b: { run: RunMeta; events: KernelEvent[] };
  /** Index of the first event whose canonical form (run id and wall clock left out) differs; null: identical traces. */
  firstDiff: number | null;
}

/** Runs both records (as stored runs) and finds their first differing event. */
export async function compareRuns(exp: Experiment, a: RunRecord, b: RunRecord, source: RunSource = null): Promise<RunPair> {
  const [ra, rb] = [await storedRun(exp, a, source), await storedRun(exp, b, source)];
  const [ea, eb] = await Promise.all([studio().loadEvents(ra.id, 0, ra.head), studio().loadEvents(rb.id, 0, rb.head)]);
  const n = Math.max(ea.length, eb.length);
  let firstDiff: number | null = null;
  for (let i = 0; i < n; i++) {
    const x = ea[i];
    const y = eb[i];
    if (!x || !y || canonicalEvent(x) !== canonicalEvent(y)) {
      firstDiff = i;
      break;
    }
  }
  return { a: { run: ra, events: ea }, b: { run: rb, events: eb }, firstDiff };
}

/** Opens one run of a pair in the debugger at event `seq`. */
export function showPairRun(run: RunMeta, seq: number): Promise<void> {
  return showRunAt(run, seq);
}
