/**
 * Model faults and endpoint limits as scheduling facts (issue 11). A CPU that throws a
 * `CpuFault` does not stop the run: the kernel records `infer.failed` and decides, with the
 * retry policy declared on the model (cpu/retry.ts) and the run's seeded jitter, whether the
 * turn is tried again after a backoff on the virtual clock. A rate limit (429) also throttles
 * the model's endpoint: its slots wait until the retry (`sched.throttled`, reason `rate-limit`),
 * so the other agents on it wait too. A failure that cannot be retried, or one that outlasted
 * the policy, fails the job (`job.failed`, stage `infer`); the run goes on for the others.
 *
 * Declared requests / tokens per minute (`models[i].limits`) are a throttle like a cgroup's
 * cpu.max: a turn that would exceed the sliding 60 s window waits (`sched.throttled`, reason
 * `rpm` or `tpm`, with the numbers) until enough of the window expires (`sched.replenished`).
 *
 * Every decision is a function of the state, the document and the seed, so a replay (whose
 * RecordedCpu throws the recorded failure for each (agent, turn, attempt)) repeats it exactly.
 */
import { isCpuFault, type CpuFailure, type CpuFailureKind } from '../cpu/fault';
import type { InferResult } from '../cpu/cpu';
import { decideRetry, retryPolicyOf } from '../cpu/retry';
import { draw } from '../rng';
import { attemptOf, LIMIT_WINDOW_MS } from '../state/reduceFaults';
import type { KernelState, Proc } from '../state/state';
import type { KernelEvent } from '../trace/events';
import type { RunContext, Step } from './runContext';
import { kvUndoneOnFailure } from './kvCacheStep';


/** True while the agent backs off after a failed call (it is not enqueued before its retry is due). */
export function backingOff(p: Proc, now: number): boolean {
  const at = p.retry?.at;
  return at !== null && at !== undefined && at > now;
}

/** True while the model's endpoint is throttled (a 429, or its rpm / tpm): its free slots are not picked. */
export function endpointThrottled(s: KernelState, model: string): boolean {
  const until = s.endpoints?.[model]?.throttledUntil;
  return until !== null && until !== undefined;
}

/**
 * Asks the agent's CPU for its turn and hands the answer to `then`; a CpuFault (thrown or
 * rejected) becomes `infer.failed`. Anything else is a bug and propagates.
 */
export function askCpu(ctx: RunContext, p: Proc, then: (result: InferResult) => KernelEvent): Step {
  let r: InferResult | Promise<InferResult>;
  try {
    r = ctx.cpuFor(p).infer(ctx.request(p));
  } catch (err) {
    return inferFailed(ctx, p, err);
  }
  return r instanceof Promise ? r.then(then, (err: unknown) => inferFailed(ctx, p, err)) : then(r);
}

/**
 * Runs a step that waits on a real model's stream (streamed.ts): a CpuFault it throws or rejects
 * with becomes `infer.failed`, and the stream is dropped (the retry asks afresh).
 */
export function guardStream(ctx: RunContext, p: Proc, step: () => Step): Step {
  const failed = (err: unknown): KernelEvent => {
    const held = ctx.generations.get(p.id);
    ctx.generations.delete(p.id);
    if (held) void Promise.resolve().then(() => held.gen.abort()).catch(() => undefined);
    return inferFailed(ctx, p, err);
  };
  let r: Step;
  try {
    r = step();
  } catch (err) {
    return failed(err);
  }
  return r instanceof Promise ? r.catch(failed) : r;
}

const KINDS: ReadonlySet<CpuFailureKind> = new Set<CpuFailureKind>(['rate-limited', 'server', 'network', 'dropped', 'cors', 'auth', 'origin-forbidden', 'bad-request', 'protocol', 'unsupported', 'model-file']);

/** The failure as the trace keeps it: only its known fields, JSON-normalised (a replay reads back the same). */
function recorded(f: CpuFailure): CpuFailure {
  const num = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);
  return {
    kind: KINDS.has(f.kind) ? f.kind : 'protocol', message: String(f.message), fix: String(f.fix ?? ''), retryable: f.retryable === true,
    retryAfterMs: num(f.retryAfterMs), status: num(f.status),
    partial: f.partial === null || f.partial === undefined ? null : (JSON.parse(JSON.stringify(f.partial)) as Record<string, unknown>),
  };
}

function inferFailed(ctx: RunContext, p: Proc, err: unknown): KernelEvent {
  if (!isCpuFault(err)) throw err;
  const failure = recorded(err.failure);
  const attempt = attemptOf(p);
  const policy = retryPolicyOf(ctx.models.get(p.model)!);
  // The jitter is a draw keyed by (agent, turn, attempt): the same in a replay and a fork.
  const decision = decideRetry(failure, attempt, policy, draw(ctx.seed, `retry:${p.id}`, p.turn, attempt));
  const retry = decision.retry ? { delayMs: decision.delayMs, until: ctx.s.now + decision.delayMs } : null;
  // On a model with a prefix cache, the lookup made for this call is taken back (kvCacheStep.ts).
  const kvUndone = kvUndoneOnFailure(ctx, p);
  return ctx.emit({ type: 'infer.failed', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, attempt, failure, retry, reason: decision.reason, ...(kvUndone ? { kvUndone } : {}) });
}

/** Why the job failed, in words: a setup failure names the endpoint and the fix; a transient one that outlasted the policy only the kind. */
function failedJobReason(ctx: RunContext, p: Proc): string {
  let last: KernelEvent | undefined;
  for (let i = ctx.log.length - 1; i >= 0; i--) {
    const e = ctx.log[i]!;
    if (e.type === 'infer.failed' && e.agent === p.id) {
      last = e;
      break;
    }
  }
  if (!last || last.type !== 'infer.failed') return `model ${p.model}: its call failed`;
  const f = last.failure;
  const status = f.status === null ? '' : ` (HTTP ${f.status})`;
  if (!f.retryable) return `model ${p.model}: ${f.kind}${status}: ${f.message}${f.fix ? ` ${f.fix}` : ''}`;
  return `model ${p.model}: ${f.kind}${status} after ${last.attempt + 1} ${last.attempt === 0 ? 'attempt' : 'attempts'}; ${last.reason}`;
}

/** The follow-up of a failed call, at the same instant: the endpoint's throttle (a 429), or the job's failure. */
export function faultFollowUp(ctx: RunContext): KernelEvent | undefined {
  const id = ctx.s.faultQueue?.[0];
  if (id === undefined) return undefined;
  const p = ctx.s.procs[id]!;
  const r = p.retry;
  if (r?.pending === 'throttle' && r.throttle) {
    return ctx.emit({
      type: 'sched.throttled', agent: p.id, model: p.model, reason: 'rate-limit', until: r.throttle.until,
      numbers: { status: r.throttle.status ?? 429, retryAfterMs: r.throttle.retryAfterMs ?? -1, attempt: r.attempts },
    });
  }
  return ctx.emit({ type: 'job.failed', agent: p.id, stage: 'infer', reason: failedJobReason(ctx, p), unwound: [] });
}

/**
 * Before a picked agent's request goes out: wait while the endpoint is throttled, or announce the
 * throttle its declared rpm / tpm calls for. 'go': send it; 'wait': not now; an event: the throttle.
 */
export function requestGate(ctx: RunContext, p: Proc): 'go' | 'wait' | KernelEvent {
  const s = ctx.s;
  if (endpointThrottled(s, p.model)) return 'wait';
  const limits = s.models[p.model]?.limits;
  const w = s.endpoints?.[p.model]?.window;
  if (!limits || !w) return 'go';
  // Requests that left the window since the last push are skipped here and pruned at the next one.
  let head = 0;
  let expired = 0;
  while (head < w.at.length && w.at[head]! <= s.now - LIMIT_WINDOW_MS) expired += w.tokens[head++]!;
  const requests = w.at.length - head;
  if (limits.rpm !== undefined && requests >= limits.rpm) {
    const until = w.at[head + requests - limits.rpm]! + LIMIT_WINDOW_MS;
    return ctx.emit({ type: 'sched.throttled', agent: p.id, model: p.model, reason: 'rpm', until, numbers: { requests, rpm: limits.rpm, windowMs: LIMIT_WINDOW_MS } });
  }
  const used = w.sum - expired;
  // The tokenizer's estimate of the window is the figure before the call (like admission); a
  // request larger than the whole quota goes alone, once the window is empty.
  const need = p.contextTokens;
  if (limits.tpm !== undefined && used > 0 && used + need > limits.tpm) {
    let freed = 0;
    let i = head;
    while (i < w.at.length && used - freed + need > limits.tpm) freed += w.tokens[i++]!;
    // It fits once the last of those it needs gone has left (or once the window is empty).
    const until = w.at[i - 1]! + LIMIT_WINDOW_MS;
    return ctx.emit({ type: 'sched.throttled', agent: p.id, model: p.model, reason: 'tpm', until, numbers: { tokens: used, need, tpm: limits.tpm, windowMs: LIMIT_WINDOW_MS } });
  }
  return 'go';
}

/** Clock offers of throttled endpoints: each is replenished when its throttle ends. */
export function offerEndpointReplenish(ctx: RunContext, offer: (t: number, rank: number, run: () => Step) => void): void {
  const eps = ctx.s.endpoints;
  if (!eps) return;
  Object.entries(eps).forEach(([model, ep], i) => {
    if (ep.throttledUntil === null) return;
    const t = Math.max(ctx.s.now, ep.throttledUntil);
    offer(t, 40_000 + i, () => {
      const w = ep.window;
      let requests = 0;
      let tokens = 0;
      if (w) for (let j = 0; j < w.at.length; j++) if (w.at[j]! > t - LIMIT_WINDOW_MS) { requests++; tokens += w.tokens[j]!; }
      return ctx.emit({ type: 'sched.replenished', model, numbers: w ? { requests, tokens } : {} }, t);
    });
  });
}
