/**
 * How a run ends once no agent is left to run: every goal met (`completed`), some goal not met
 * (`goals-unmet`), or, when jobs failed and the goals do not say the run succeeded without them,
 * `jobs-failed`, naming each failed job and citing the events that record the failures. A job
 * that never ran is the real cause of the goals it left unmet, so it is what the stop reports.
 */
import type { StopReason } from '../trace/events';

/** A job that failed: refused at creation (`job.failed`) or stopped later (its prompt changed since signing). */
export interface JobFailure {
  /** seq of the event that records the failure: the stop's evidence. */
  seq: number;
  agent: string;
  /** Why, in words, e.g. `at validate: model "gpt" uses provider "openai" …`. */
  why: string;
}

/** The stop a finished run records. */
export interface FinishStop {
  reason: Extract<StopReason, 'completed' | 'goals-unmet' | 'jobs-failed'>;
  detail: string;
  /** seqs of the failures behind the stop, ascending (empty when nothing failed). */
  evidence: number[];
}

/**
 * The stop of a run whose agents have all finished or failed.
 *
 * @param agents how many agents the document declares
 * @param goals how many goals the document declares
 * @param unmet the names of the goals not met
 * @param failures every job failure so far, in seq order
 */
export function finishStop(agents: number, goals: number, unmet: readonly string[], failures: readonly JobFailure[]): FinishStop {
  const notMet = `not met: ${unmet.join('; ')}`;
  if (failures.length === 0) {
    if (unmet.length > 0) return { reason: 'goals-unmet', detail: `every agent finished; ${notMet}`, evidence: [] };
    return { reason: 'completed', detail: agents === 0 ? 'no agent is running' : 'every agent finished and every goal is met', evidence: [] };
  }
  const evidence = failures.map((f) => f.seq).sort((a, b) => a - b);
  const failed = describeFailures(failures);
  // The goals are what "done" means: met without the failed jobs, the run did its work.
  if (goals > 0 && unmet.length === 0) return { reason: 'completed', detail: `every goal is met, although jobs failed: ${failed}`, evidence };
  const who = new Set(failures.map((f) => f.agent)).size;
  const head = who >= agents ? `every job failed (${who} of ${agents})` : `${who} of ${agents} jobs failed`;
  return { reason: 'jobs-failed', detail: `${head}: ${failed}${unmet.length > 0 ? `; ${notMet}` : ''}`, evidence };
}

/** Failures that share a reason name it once: `d0, d1, d2, d3, d5 and 995 more at allocate: …` (a thousand refusals stay one line). */
function describeFailures(failures: readonly JobFailure[]): string {
  const byWhy = new Map<string, string[]>();
  for (const f of failures) {
    const agents = byWhy.get(f.why);
    if (agents) agents.push(f.agent);
    else byWhy.set(f.why, [f.agent]);
  }
  return [...byWhy].map(([why, agents]) => {
    if (agents.length === 1) return `${agents[0]} ${why}`;
    const shown = agents.slice(0, NAMES_SHOWN).join(', ');
    return agents.length > NAMES_SHOWN ? `${shown} and ${agents.length - NAMES_SHOWN} more ${why}` : `${shown} ${why}`;
  }).join('; ');
}

/** How many agents a shared failure names before "and N more". */
const NAMES_SHOWN = 5;

/** Stops that mean the run failed at its work (not a limit, not a person, not a finished run): the studio shows them as errors. */
export const FAILED_STOPS: ReadonlySet<StopReason> = new Set<StopReason>(['jobs-failed', 'error']);
