/**
 * Why a run stopped, for the Termination panel: the `run.stopped` event at or before the
 * cursor, its reason in plain words, and the events its evidence cites, each summarised in one
 * line so the user can jump to it.
 */
import type { KernelEvent, StopReason } from '../../kernel';
import { summarize } from '../run/format';

/** A stop reason in words: a short title and one plain sentence. */
interface ReasonText {
  title: string;
  sentence: string;
}

/** Every stop reason the kernel emits (trace/events.ts `StopReason`), explained. */
export const STOP_REASONS: Readonly<Record<StopReason, ReasonText>> = Object.freeze({
  completed: { title: 'Completed', sentence: 'Every agent finished and every goal was met.' },
  'goals-unmet': { title: 'Goals unmet', sentence: 'Every agent finished, but at least one goal was never met.' },
  'jobs-failed': { title: 'Jobs failed', sentence: 'Agents’ jobs failed, so their work was never done: each failure is cited below.' },
  'max-steps': { title: 'Step limit', sentence: 'The run used every agent turn the limits allow.' },
  'max-tokens': { title: 'Token limit', sentence: 'The run spent every token the limits allow.' },
  'max-cost': { title: 'Cost limit', sentence: 'The run spent all the money the limits allow.' },
  'max-time': { title: 'Time limit', sentence: 'The next event would have come after the virtual time limit.' },
  'max-events': { title: 'Trace ceiling', sentence: 'The trace reached the most events a run may record (limits.maxEvents).' },
  'max-state': { title: 'Memory ceiling', sentence: "The run's state outgrew the size a run may hold (limits.maxStateBytes)." },
  'max-wall-time': { title: 'Wall-clock ceiling', sentence: 'The run took longer in real time than its host allows (the CLI: --max-wall-time).' },
  deadlock: { title: 'Deadlock', sentence: 'Nothing could run: the agents left were waiting for messages nobody would ever send.' },
  budget: { title: 'Budget spent', sentence: "The harness's root budget group was spent and never refills." },
  livelock: { title: 'Livelock', sentence: 'No progress: the same exchange kept repeating.' },
  'goal-reached': { title: 'Goal reached', sentence: 'A goal marked to stop the run was met (semantic termination), so the run ended there.' },
  stopped: { title: 'Stopped by a person', sentence: 'A person ended the run (at the CLI: an agent waited for a message nobody there could send).' },
  error: { title: 'Error', sentence: 'The run failed with an error.' },
});

/** One event a stop cites as evidence. */
export interface EvidenceRow {
  seq: number;
  /** Event type; '?' when the event is not among those loaded. */
  type: string;
  agent: string | null;
  summary: string;
}

export interface StopReport {
  /** seq of the `run.stopped` event. */
  seq: number;
  /** Virtual time of the stop. */
  t: number;
  reason: StopReason;
  title: string;
  sentence: string;
  detail: string;
  /** Each goal of the run as it stood at the stop. */
  goals: { id: string; met: boolean }[];
  evidence: EvidenceRow[];
}

/** The stop at or before `cursor`, or null while the run has not stopped there. Events are in seq order. */
export function stopReport(events: readonly KernelEvent[], cursor: number): StopReport | null {
  let stop: Extract<KernelEvent, { type: 'run.stopped' }> | null = null;
  for (const e of events) {
    if (e.seq > cursor) break;
    if (e.type === 'run.stopped') stop = e;
  }
  if (stop === null) return null;
  const text = STOP_REASONS[stop.reason] ?? { title: stop.reason, sentence: 'The run stopped.' };
  return {
    seq: stop.seq,
    t: stop.t,
    reason: stop.reason,
    title: text.title,
    sentence: text.sentence,
    detail: stop.detail,
    goals: Object.entries(stop.goals).map(([id, met]) => ({ id, met })),
    evidence: (stop.evidence ?? []).map((seq) => evidenceRow(events, seq)),
  };
}

/** The event with this seq, found directly (seq is its position in a run) or by search. */
function eventAt(events: readonly KernelEvent[], seq: number): KernelEvent | undefined {
  const direct = events[seq];
  return direct?.seq === seq ? direct : events.find((e) => e.seq === seq);
}

function evidenceRow(events: readonly KernelEvent[], seq: number): EvidenceRow {
  const e = eventAt(events, seq);
  if (e === undefined) return { seq, type: '?', agent: null, summary: 'not among the loaded events' };
  return { seq, type: e.type, agent: e.agent ?? null, summary: summarize(e) };
}
