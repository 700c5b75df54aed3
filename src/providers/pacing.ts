/**
 * Wall-clock pacing of one endpoint. The kernel's retries wait on its virtual clock, which is
 * not wall time: without this, a live run would send the retry of a 429 or a 5xx at once. The
 * endpoint keeps a not-before time from the last retry-after (a 429 holds every request to it),
 * and a retry (attempt n > 0) waits the policy's backoff after the endpoint's last failure.
 * Timers belong here, never in the kernel.
 */
import { decideRetry, DEFAULT_RETRY_POLICY } from './retry';
import type { ProviderFailure } from './errors';

/** Wall time and waiting, injectable for tests. */
export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const WALL_CLOCK: PaceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const UNBOUNDED = { ...DEFAULT_RETRY_POLICY, maxRetries: Number.POSITIVE_INFINITY };

/** The backoff before retry n+1 (mid jitter: the wall-clock wait need not match the run's draw). */
export function backoffMs(retriesSoFar: number): number {
  const d = decideRetry({ kind: 'server', retryable: true, retryAfterMs: null }, retriesSoFar, UNBOUNDED, 0.5);
  return d.retry ? d.delayMs : 0;
}

/** The not-before time of one endpoint. */
export class EndpointPacer {
  private notBefore = 0;
  private lastFailureAt: number | null = null;

  constructor(private readonly clock: PaceClock = WALL_CLOCK) {}

  /** How long a request that is the turn's `attempt`-th call must wait (ms, 0: go). */
  waitFor(attempt: number): number {
    const backoffUntil = attempt > 0 && this.lastFailureAt !== null ? this.lastFailureAt + backoffMs(attempt - 1) : 0;
    return Math.max(0, Math.max(this.notBefore, backoffUntil) - this.clock.now());
  }

  /** Waits until the endpoint may be asked again. */
  async ready(attempt: number): Promise<void> {
    const wait = this.waitFor(attempt);
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** A call failed: a retry-after holds every request to the endpoint; any failure starts the backoff. */
  failed(f: Pick<ProviderFailure, 'retryAfterMs'>): void {
    const now = this.clock.now();
    this.lastFailureAt = now;
    if (f.retryAfterMs !== null) this.notBefore = Math.max(this.notBefore, now + f.retryAfterMs);
  }
}
