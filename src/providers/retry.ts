/**
 * Retry-after parsing, and the retry policy (which lives in the kernel, kernel/cpu/retry.ts,
 * since the kernel decides retries on its virtual clock; re-exported here for the providers).
 */
// One home for the policy: the kernel decides retries (with the run's seeded jitter); ModelCpu
// paces its wall-clock requests with the same function.
export { decideRetry, DEFAULT_RETRY_POLICY, type RetryDecision, type RetryPolicy } from '../kernel';

/**
 * The wait a response asks for, in ms: `retry-after-ms` (OpenAI), else `retry-after` as seconds
 * or an HTTP date (RFC 9110 §10.2.3). Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: { get(name: string): string | null }, nowMs: number): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
