/**
 * Runs a kernel to its stop with nobody at the keyboard: every ask the run stops on is answered
 * by a rule (approve all, or deny all), and a run that waits for a message from the person is
 * stopped, since nobody will send one. The CLI's `run` and the studio's injection-suite scoring
 * share it, so both answer asks the same way and score the same runs.
 */
import type { Kernel } from './kernel';

/** How a run with no person answers what it would ask a person. */
export interface RunToStopOptions {
  /** `approve` approves every open ask; `deny` denies it with `denyReason`. */
  answer: 'approve' | 'deny';
  /** Recorded on each denial: why nobody approved. */
  denyReason: string;
  /** The stop detail when the named agents wait for a message from the human. */
  noHuman: (waiting: readonly string[]) => string;
  /** At most this many events in this call (default: no limit). */
  maxEvents?: number;
  /** Asked between events; true returns `paused` (the caller's wall-clock ceiling, or a yield). */
  shouldPause?: () => boolean;
}

/** A safety net far beyond any limit a document sets, so a kernel bug cannot hang an unattended run. */
export const UNATTENDED_EVENT_CAP = 50_000_000;

/**
 * How `harness run` answers asks with nobody at the CLI. These words are recorded in the trace, so
 * every runner that must reproduce the CLI's trace hash (the experiment runners in Node and in the
 * browser) takes them from here.
 */
export function cliAnswers(approve: 'all' | 'none'): Pick<RunToStopOptions, 'answer' | 'denyReason' | 'noHuman'> {
  return {
    answer: approve === 'all' ? 'approve' : 'deny',
    denyReason: 'no person answers asks at the CLI (run with --approve all to approve them)',
    noHuman: (waiting) => `${waiting.join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} for a message from the human, and nobody is at the CLI to send one`,
  };
}

/** Why `runToStop` returned, and how many events it emitted. */
export interface RunToStopResult {
  /** `stopped`: the run has its stop; `paused`: `shouldPause` said so; `limit`: `maxEvents` reached. */
  reason: 'stopped' | 'paused' | 'limit';
  events: number;
}

/**
 * Runs `kernel` until it stops, answering asks by `opts.answer` in place. Call it again after
 * `paused` or `limit` to go on from where it was.
 */
export async function runToStop(kernel: Kernel, opts: RunToStopOptions): Promise<RunToStopResult> {
  let budget = opts.maxEvents ?? Number.POSITIVE_INFINITY;
  let emitted = 0;
  for (;;) {
    const r = await kernel.runUntil({ maxEvents: budget, ...(opts.shouldPause ? { shouldPause: opts.shouldPause } : {}) });
    budget -= r.events.length;
    emitted += r.events.length;
    if (r.reason === 'paused') return { reason: 'paused', events: emitted };
    if (r.reason !== 'waiting') return { reason: r.reason === 'stopped' ? 'stopped' : 'limit', events: emitted };
    if (budget <= 0) return { reason: 'limit', events: emitted };
    const asks = kernel.openAsks();
    if (asks.length === 0) {
      const waiting = Object.values(kernel.state.procs).filter((p) => p.state === 'blocked').map((p) => p.id);
      kernel.submit({ kind: 'stop', detail: opts.noHuman(waiting) });
      continue;
    }
    for (const ask of asks) {
      kernel.submit(opts.answer === 'approve' ? { kind: 'approve', callId: ask.callId, remember: false } : { kind: 'deny', callId: ask.callId, reason: opts.denyReason });
    }
  }
}
