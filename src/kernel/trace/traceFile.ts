/**
 * Reading a whole trace file (JSONL, docs/trace-format.md) to open it as a stored run: the
 * events, and what the run was — harness, seed, spec hash, how it stopped, its trace hash.
 */
import type { KernelEvent, StopReason } from './events';
import { traceHash } from './hash';
import { fromJsonl } from './jsonl';

/** A trace file read whole: its events and the facts a stored run records about itself. */
export interface TraceFile {
  events: KernelEvent[];
  harness: string;
  seed: number;
  /** The spec hash of the document it ran (of the fork's document, for a fork). */
  specHash: string;
  /** seq of the last event. */
  head: number;
  stopReason?: StopReason;
  stopDetail?: string;
  /** The run this one was forked from, when the trace is a fork's. */
  parent?: { run: string; seq: number };
  traceHash: string;
}

/** Why a file is not a trace: the line (1-based; 0 for the whole file) and what is wrong there. */
export interface TraceFileError {
  line: number;
  message: string;
}

/**
 * Reads a JSONL trace. Errors name the line and what is wrong: not JSON, an unknown event type,
 * a seq out of order, or a first event that is not `run.started`.
 */
export function readTraceFile(text: string): { ok: true; trace: TraceFile } | { ok: false; error: TraceFileError } {
  const read = fromJsonl(text);
  if (!read.ok) return { ok: false, error: { line: read.line, message: read.message } };
  const { events } = read;
  const first = events[0];
  if (!first) return { ok: false, error: { line: 0, message: 'the file holds no events (a trace has one JSON event per line, starting with run.started)' } };
  if (first.type !== 'run.started') {
    const line = text.split('\n').findIndex((l) => l.trim() !== '') + 1;
    return { ok: false, error: { line, message: `line ${line}: a trace starts with a run.started event, found ${first.type}` } };
  }
  const forked = events.find((e): e is Extract<KernelEvent, { type: 'run.forked' }> => e.type === 'run.forked');
  const stopped = events.at(-1)?.type === 'run.stopped' ? (events.at(-1) as Extract<KernelEvent, { type: 'run.stopped' }>) : undefined;
  return {
    ok: true,
    trace: {
      events,
      harness: first.harness,
      seed: first.seed,
      specHash: forked?.specHash ?? first.specHash,
      head: events.length - 1,
      ...(stopped ? { stopReason: stopped.reason, stopDetail: stopped.detail } : {}),
      ...(forked ? { parent: forked.parent } : {}),
      traceHash: traceHash(events),
    },
  };
}
