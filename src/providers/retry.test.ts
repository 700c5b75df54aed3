import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from './retry';
import type { ProviderErrorKind } from './errors';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 5000, maxRetryAfterMs: 60_000 };
const server = { kind: 'server' as ProviderErrorKind, retryable: true, retryAfterMs: null };
const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] ?? null });

describe('decideRetry', () => {
  it('backs off exponentially with equal jitter, capped, and gives up after maxRetries', () => {
    expect(decideRetry(server, 0, policy, 0)).toMatchObject({ retry: true, delayMs: 500 });
    expect(decideRetry(server, 0, policy, 1)).toMatchObject({ retry: true, delayMs: 1000 });
    expect(decideRetry(server, 1, policy, 0)).toMatchObject({ retry: true, delayMs: 1000 });
    expect(decideRetry(server, 2, policy, 0.5)).toMatchObject({ retry: true, delayMs: 3000 });
    expect(decideRetry(server, 3, policy, 0.5)).toEqual({ retry: false, reason: 'gave up after 3 retries (the policy allows 3)' });
  });

  it('never retries what retrying cannot fix', () => {
    for (const kind of ['auth', 'cors', 'origin-forbidden', 'bad-request', 'protocol', 'unsupported'] as const) {
      expect(decideRetry({ kind, retryable: false, retryAfterMs: null }, 0, policy)).toEqual({ retry: false, reason: `${kind} is not retryable` });
    }
  });

  it("honours the server's retry-after as a floor", () => {
    const limited = { kind: 'rate-limited' as const, retryable: true, retryAfterMs: 20_000 };
    expect(decideRetry(limited, 0, policy, 0.5)).toMatchObject({ retry: true, delayMs: 20_000 });
    expect(decideRetry({ ...limited, retryAfterMs: 10 }, 1, policy, 0)).toMatchObject({ retry: true, delayMs: 1000 });
  });

  it('fails instead of stalling when the server asks for more than the policy allows', () => {
    const d = decideRetry({ kind: 'rate-limited', retryable: true, retryAfterMs: 3_600_000 }, 0, policy);
    expect(d).toEqual({ retry: false, reason: "the server asked to wait 3600 s, longer than the policy's 60 s" });
  });

  it('property: a retry waits at least retry-after, at most max(maxDelay, retry-after); at most maxRetries retries', () => {
    fc.assert(
      fc.property(fc.nat(10), fc.option(fc.nat(200_000), { nil: null }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, after, jitter) => {
        const d = decideRetry({ kind: 'rate-limited', retryable: true, retryAfterMs: after }, n, DEFAULT_RETRY_POLICY, jitter);
        if (n >= DEFAULT_RETRY_POLICY.maxRetries || (after !== null && after > DEFAULT_RETRY_POLICY.maxRetryAfterMs)) return !d.retry;
        if (!d.retry) return false;
        return d.delayMs >= (after ?? 0) && d.delayMs <= Math.max(DEFAULT_RETRY_POLICY.maxDelayMs, after ?? 0) && d.delayMs > 0;
      }),
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('reads seconds, fractional seconds, an HTTP date and retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun, 06 Dec 2026 12:01:30 GMT' }), now)).toBe(90_000);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
  });
  it('is null when absent or unreadable, and never negative', () => {
    expect(parseRetryAfter(headers({}), now)).toBeNull();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun, 06 Dec 2026 11:00:00 GMT' }), now)).toBe(0);
  });
});
