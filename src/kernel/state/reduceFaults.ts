/**
 * The reducer's share of model faults and endpoint limits (kernel/loop/modelFaults.ts decides):
 * a failed call takes the agent off its slot to wait for its retry (or for its job's failure);
 * an endpoint is throttled and replenished; a request enters the endpoint's sliding window.
 */
import { idTable } from '../ids';
import type { EventOf } from '../trace/events';
import type { EndpointState, KernelState, Proc } from './state';
import { leaveSlot, proc, rqOf, type SubsystemReducers } from './reduceHelpers';
import { touchProc } from './touched';
import { undoPendingLookup } from './kvCacheReducers';

/** The sliding window of declared rpm / tpm limits. */
export const LIMIT_WINDOW_MS = 60_000;

/** The attempt the agent's next call of its current turn is (0: the first). */
export function attemptOf(p: Proc): number {
  return p.retry?.turn === p.turn ? p.retry.attempts : 0;
}

/** The endpoint record of a model, made on first use (a window only when the model declares limits). */
export function endpointOf(s: KernelState, model: string): EndpointState {
  const eps = (s.endpoints ??= idTable());
  return (eps[model] ??= { throttledUntil: null, reason: null, window: s.models[model]?.limits ? { at: [], tokens: [], sum: 0 } : null });
}

/** Drops requests that left the window by `now` (each is dropped once: amortised O(1) per request). */
function prune(w: NonNullable<EndpointState['window']>, now: number): void {
  let n = 0;
  while (n < w.at.length && w.at[n]! <= now - LIMIT_WINDOW_MS) {
    w.sum -= w.tokens[n]!;
    n++;
  }
  if (n > 0) {
    w.at.splice(0, n);
    w.tokens.splice(0, n);
  }
}

/** A request to a model with declared limits enters its window (no-op for other models). */
export function countRequest(s: KernelState, model: string, t: number, tokens: number): void {
  if (!s.models[model]?.limits) return;
  const w = endpointOf(s, model).window;
  if (!w) return;
  prune(w, t);
  w.at.push(t);
  w.tokens.push(tokens);
  w.sum += tokens;
}

/** An endpoint throttle (`sched.throttled` naming a model and no class or group): its slots wait until `until`. */
export function throttleEndpoint(s: KernelState, e: EventOf<'sched.throttled'>): void {
  if (e.model === undefined || e.class !== undefined || e.group !== undefined) return;
  const ep = endpointOf(s, e.model);
  ep.throttledUntil = Math.max(ep.throttledUntil ?? 0, e.until);
  ep.reason = e.reason;
  const p = e.agent === undefined ? undefined : s.procs[e.agent];
  if (p?.retry?.pending === 'throttle') {
    touchProc(s, p.id);
    p.retry.pending = null;
    s.faultQueue = (s.faultQueue ?? []).filter((a) => a !== p.id);
  }
}

/** The endpoint's throttle lifted (`sched.replenished` naming a model and no class or group). */
export function replenishEndpoint(s: KernelState, e: EventOf<'sched.replenished'>): void {
  if (e.model === undefined || e.class !== undefined || e.group !== undefined) return;
  const ep = endpointOf(s, e.model);
  ep.throttledUntil = null;
  ep.reason = null;
  if (ep.window) prune(ep.window, e.t);
}

/** A job that failed while running (`job.failed` at stage `infer`): the agent stops for good. */
export function failRunningJob(s: KernelState, e: EventOf<'job.failed'>): void {
  if (e.stage !== 'infer') return;
  const p = proc(s, e.agent);
  const { cls, rq } = rqOf(s, p);
  cls.exit(rq, p.id);
  p.state = 'failed';
  p.needsEnqueue = false;
  p.pending = null;
  p.finished = null;
  p.retry = null;
  s.faultQueue = (s.faultQueue ?? []).filter((a) => a !== p.id);
}

/** A failed model call: the agent leaves its slot and sleeps until its retry, or until its job fails. */
export const faultReducers = {
  'infer.failed': (s, e) => {
    const p = proc(s, e.agent);
    undoPendingLookup(s, e);
    if (p.slot >= 0 && s.slots[e.model]?.[p.slot] === p.id) leaveSlot(s, p, e.model, p.slot);
    const { cls, rq } = rqOf(s, p);
    cls.sleep(rq, p.id, e.t);
    p.state = 'ready';
    // A refused request still counts against the endpoint's requests per minute.
    countRequest(s, e.model, e.t, 0);
    const throttles = e.retry !== null && e.failure.kind === 'rate-limited';
    p.retry = {
      turn: e.turn, attempts: e.attempt + 1, at: e.retry?.until ?? null,
      pending: e.retry === null ? 'fail' : throttles ? 'throttle' : null,
      throttle: throttles ? { until: e.retry!.until, retryAfterMs: e.failure.retryAfterMs, status: e.failure.status } : null,
    };
    // It re-enters its runqueue when the retry is due (loop/modelFaults.ts), never while its job is failing.
    p.needsEnqueue = e.retry !== null;
    if (p.retry.pending !== null) (s.faultQueue ??= []).push(p.id);
  },
} satisfies SubsystemReducers;
