/**
 * The kernel's livelock watch: feeds the detector one turn per agent action, with what the agent
 * last observed, both read from events alone — so a restored or forked kernel rebuilds exactly
 * the same detector state from its log. Thinking turns are internal and not fed. It also keeps
 * the job failures, which a finished run's stop cites.
 */
import type { TermSpec } from '../spec';
import type { KernelEvent } from '../trace/events';
import type { JobFailure } from './finish';
import { LivelockDetector, type LivelockFinding } from './livelock';

export class TermWatch {
  private readonly detector: LivelockDetector | null;
  /** Per agent: the action decided by its last inference, until its outcome is known. */
  private readonly pending = new Map<string, { seq: number; action: string; output: string; peer: string | null }>();
  /** The first finding, kept until the kernel stops the run on it. */
  finding: LivelockFinding | null = null;
  /** Every job that failed so far, in seq order: the evidence of a stop they cause (finish.ts). */
  readonly failures: JobFailure[] = [];

  constructor(term: TermSpec) {
    const { enabled, ...opts } = term.livelock;
    this.detector = enabled ? new LivelockDetector(opts) : null;
  }

  /** Feeds one committed event: an action is a turn once its outcome (the observation) is known. */
  apply(e: KernelEvent): void {
    if (e.type === 'job.failed') this.failures.push({ seq: e.seq, agent: e.agent, why: `at ${e.stage}: ${e.reason}` });
    // A changed prompt stops its agent at the next context rebuild (state/reduceTrust.ts).
    if (e.type === 'trust.signature' && !e.ok && e.at === 'turn') this.failures.push({ seq: e.seq, agent: e.agent, why: `stopped: ${e.decision.reason}` });
    if (!this.detector) return;
    switch (e.type) {
      case 'infer.completed': {
        if (e.action.kind === 'think') {
          // A real model's plain-text reply (or malformed call) is a whole turn: a model that only
          // repeats itself is livelocked. The sim's hesitations are not turns (its script goes on).
          if (e.record === undefined) return;
          this.pending.set(e.agent, { seq: e.seq, action: JSON.stringify(e.callError ? { kind: 'think', callError: e.callError.code } : e.action), output: e.text, peer: null });
          return this.turn(e.agent, e.callError ? e.callError.message : '');
        }
        const { uses: _u, injectedFrom: _i, ...action } = e.action as typeof e.action & { uses?: unknown; injectedFrom?: unknown };
        // Actions are plain data built in a fixed key order, so JSON text compares equal actions equal.
        const peer = e.action.kind === 'send' ? e.action.to : e.action.kind === 'recv' ? (e.action.from ?? null) : null;
        this.pending.set(e.agent, { seq: e.seq, action: JSON.stringify(action), output: e.text, peer });
        return;
      }
      case 'tool.returned':
        return this.turn(e.agent, e.result);
      case 'tool.denied':
      case 'msg.denied':
        return this.turn(e.agent, `denied: ${e.decision.reason}`);
      case 'region.denied':
        // A system call refused by its region is observed like a denial; a refused artifact write
        // or read never was (kept, so runs recorded before stop at the same turn).
        if (e.callId !== undefined) return this.turn(e.agent, `denied: ${e.detail}`);
        return;
      case 'msg.sent':
        return this.turn(e.agent, `sent to ${e.to}`);
      case 'agent.woke':
        return this.turn(e.agent, e.text);
      case 'artifact.written':
        return this.turn(e.agent, `wrote ${e.name}`);
      case 'mem.faulted':
        // A retry is the kernel making the agent wait for a writer, not the agent going round in circles.
        if (e.outcome === 'retry') this.pending.delete(e.agent);
        else this.turn(e.agent, e.text);
        return;
      default:
        return;
    }
  }

  private turn(agent: string, observation: string): void {
    const p = this.pending.get(agent);
    if (!p || !this.detector) return;
    this.pending.delete(agent);
    const finding = this.detector.observe({ agent, seq: p.seq, action: p.action, observation, output: p.output, peer: p.peer });
    if (finding && !this.finding) this.finding = finding;
  }
}
