/**
 * The recorded CPU: answers a real model's turns from a trace instead of the network. Seek,
 * step back, replay and fork use it, so a turn already recorded is never asked again; a turn
 * not in the recording goes to the live CPU behind it (a fork's turns after its fork point), or
 * fails plainly when there is none (a replay with the network off).
 */
import type { KernelEvent } from '../trace/events';
import type { Cpu, InferRequest, InferResult } from './cpu';
import { CpuFault, type CpuFailure } from './fault';

const key = (agent: string, turn: number): string => `${agent}\u0000${turn}`;

/** Raised when a replay needs a turn the trace does not hold and no live CPU may answer it. */
export class NotRecordedError extends Error {
  constructor(
    readonly agent: string,
    readonly turn: number,
    readonly provider: string,
  ) {
    super(`agent ${agent} turn ${turn}: the trace holds no recorded answer from its ${provider} model, and no live endpoint may be called`);
    this.name = 'NotRecordedError';
  }
}

/**
 * The recorded answers of a trace: each real model's (agent, turn) whose first slice started at
 * or before `upTo` (default: all) and that completed anywhere in `events`. A generation started
 * before a fork point is the one that was asked for; its completion is taken from the record.
 */
export function recordedAnswers(events: readonly KernelEvent[], upTo = Number.POSITIVE_INFINITY): Map<string, InferResult> {
  const started = new Set<string>();
  const out = new Map<string, InferResult>();
  for (const e of events) {
    if (e.type === 'infer.started' && e.seq <= upTo) started.add(key(e.agent, e.turn));
    if (e.type === 'infer.completed' && e.record && started.has(key(e.agent, e.turn))) {
      out.set(key(e.agent, e.turn), {
        action: e.action, text: e.text, tokensOut: e.tokensOut, latencyMs: 0, nextPc: e.pc, record: e.record,
        ...(e.record.reported ? { tokensIn: e.record.reported.tokensIn } : {}),
        ...(e.callError ? { callError: { code: e.callError.code, name: e.callError.name, message: e.callError.message } } : {}),
      });
    }
  }
  return out;
}

/** The failed calls of a trace (up to `upTo`), by (agent, turn, attempt): a replay fails them again. */
export function recordedFailures(events: readonly KernelEvent[], upTo = Number.POSITIVE_INFINITY): Map<string, CpuFailure> {
  const out = new Map<string, CpuFailure>();
  for (const e of events) if (e.type === 'infer.failed' && e.seq <= upTo) out.set(`${key(e.agent, e.turn)}\u0000${e.attempt}`, e.failure);
  return out;
}

/** A CPU that answers from recorded turns, falling back to `live` (or failing) for the rest. */
export class RecordedCpu implements Cpu {
  /** Turns asked of the live CPU (tests count them). */
  liveCalls = 0;

  constructor(
    readonly provider: string,
    private readonly answers: ReadonlyMap<string, InferResult>,
    private readonly live?: Cpu,
    private readonly failures: ReadonlyMap<string, CpuFailure> = new Map(),
  ) {}

  /** Wraps `live` (or nothing) for `provider` with the answers recorded in `events` up to `upTo`. */
  static fromTrace(provider: string, events: readonly KernelEvent[], live?: Cpu, upTo?: number): RecordedCpu {
    return new RecordedCpu(provider, recordedAnswers(events, upTo), live, recordedFailures(events, upTo));
  }

  infer(req: InferRequest): InferResult | Promise<InferResult> {
    // A call that failed in the recording fails the same way, with no network.
    const failed = this.failures.get(`${key(req.agent.id, req.turn)}\u0000${req.attempt ?? 0}`);
    if (failed) throw new CpuFault(req.model.id, failed);
    const hit = this.answers.get(key(req.agent.id, req.turn));
    if (hit) return hit;
    if (!this.live) throw new NotRecordedError(req.agent.id, req.turn, this.provider);
    this.liveCalls += 1;
    return this.live.infer(req);
  }
}
