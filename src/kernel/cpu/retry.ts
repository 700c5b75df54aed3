/**
 * When to retry a failed model call, as a pure function: the kernel owns the waiting (a 429
 * throttles the endpoint's slots as a recorded event; a 5xx backs the agent off on the virtual
 * clock), this only decides whether and how long. Exponential backoff with "equal jitter" (half
 * fixed, half random), capped; a server's retry-after is honoured as a floor. The jitter comes in
 * as a number (the run's seeded draw) so a run stays reproducible. The providers re-export it.
 */
import type { CpuFailure } from './fault';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The backoff before the first retry. */
  baseDelayMs: number;
  /** The backoff never exceeds this (retry-after may, up to maxRetryAfterMs). */
  maxDelayMs: number;
  /** A server asking for a longer wait than this fails the turn instead of stalling it. */
  maxRetryAfterMs: number;
}

/** The policy of a model that declares no `retry`: 4 retries, 0.5 s doubling to at most 30 s, retry-after up to 2 min. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
});

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * Whether to retry after `failure`, given `retriesSoFar` retries already made.
 * `jitter` is a number in [0, 1) from the caller's (seeded) random source.
 */
export function decideRetry(
  failure: Pick<CpuFailure, 'kind' | 'retryable' | 'retryAfterMs'>,
  retriesSoFar: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  jitter = 0.5,
): RetryDecision {
  if (!failure.retryable) return { retry: false, reason: `${failure.kind} is not retryable` };
  if (retriesSoFar >= policy.maxRetries) {
    return { retry: false, reason: `gave up after ${retriesSoFar} ${retriesSoFar === 1 ? 'retry' : 'retries'} (the policy allows ${policy.maxRetries})` };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar);
  const j = Math.min(Math.max(jitter, 0), 1);
  const backoff = Math.round(ceiling / 2 + (j * ceiling) / 2);
  const asked = failure.retryAfterMs;
  if (asked !== null && asked !== undefined) {
    if (asked > policy.maxRetryAfterMs) {
      return { retry: false, reason: `the server asked to wait ${Math.ceil(asked / 1000)} s, longer than the policy's ${Math.ceil(policy.maxRetryAfterMs / 1000)} s` };
    }
    const delayMs = Math.max(asked, backoff);
    return { retry: true, delayMs, reason: `${failure.kind}: the server asked to wait ${asked} ms` };
  }
  return { retry: true, delayMs: backoff, reason: `${failure.kind}: backoff ${retriesSoFar + 1} of ${policy.maxRetries}` };
}

/** A model's policy: its declared `retry.max` over the defaults. */
export function retryPolicyOf(model: { retry?: { max: number } | undefined }): RetryPolicy {
  return model.retry === undefined ? DEFAULT_RETRY_POLICY : { ...DEFAULT_RETRY_POLICY, maxRetries: model.retry.max };
}
