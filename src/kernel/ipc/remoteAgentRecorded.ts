/**
 * Remote agents' answers from a trace: a restored, forked or replayed run answers every message
 * the trace holds from its `remote.replied`, and only messages it does not hold go to the live
 * host (a fork's new messages) — or fail plainly when there is none (a replay with the network off).
 */
import type { KernelEvent } from '../trace/events';
import type { A2aPort, A2aSendRequest, A2aSendResult } from './remoteAgent';

/** Raised when a replay needs a remote agent's answer the trace does not hold and no live remote may be called. */
export class A2aNotRecordedError extends Error {
  constructor(readonly msgId: string, readonly remote: string) {
    super(`message ${msgId} to remote agent "${remote}": the trace holds no recorded answer, and no live remote agent may be called`);
    this.name = 'A2aNotRecordedError';
  }
}

/** The recorded answers of `events` by message id: messages sent (`msg.sent`) at or before `upTo`, answered anywhere in `events`. */
export function recordedA2a(events: readonly KernelEvent[], upTo = Number.POSITIVE_INFINITY): Map<string, A2aSendResult> {
  const sent = new Set<string>();
  const out = new Map<string, A2aSendResult>();
  for (const e of events) {
    if (e.type === 'msg.sent' && e.seq <= upTo) sent.add(e.msgId);
    else if (e.type === 'remote.replied' && sent.has(e.msgId)) {
      out.set(e.msgId, { ok: e.ok, state: e.state, text: e.text, ...(e.taskId ? { taskId: e.taskId } : {}), ...(e.contextId ? { contextId: e.contextId } : {}) });
    }
  }
  return out;
}

/** An A2aPort answering recorded messages from the trace, the rest from `live` (or A2aNotRecordedError). */
export class RecordedA2a implements A2aPort {
  /** Messages passed to the live host (tests count them). */
  liveCalls = 0;

  constructor(private readonly recorded: ReadonlyMap<string, A2aSendResult>, private readonly live?: A2aPort) {}

  static fromTrace(events: readonly KernelEvent[], live?: A2aPort, upTo?: number): RecordedA2a {
    return new RecordedA2a(recordedA2a(events, upTo), live);
  }

  /** True when the trace holds any remote agent's answer (else wrapping changes nothing). */
  static holdsAny(events: readonly KernelEvent[]): boolean {
    return events.some((e) => e.type === 'remote.replied');
  }

  async send(req: A2aSendRequest): Promise<A2aSendResult> {
    const r = this.recorded.get(req.msgId);
    if (r) return r;
    if (!this.live) throw new A2aNotRecordedError(req.msgId, req.remote.id);
    this.liveCalls += 1;
    return this.live.send(req);
  }
}
