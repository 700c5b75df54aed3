/**
 * Keeps this worker's hold on its live runs. Every `renewMs` it extends the lease of each
 * unfinished live run, waiting ones included (a run whose lease expires counts as interrupted,
 * so another tab may take it), and retries the writes of runs whose last flush failed. It stops itself when
 * nothing is left to keep and is started again by the next live run.
 */
import type { RunStore } from '../persist';
import type { LiveRun } from './LiveRun';

/** What a LeaseKeeper keeps, for whom, and whom it tells. */
export interface LeaseKeeperOptions {
  runs: RunStore;
  owner: string;
  now: () => number;
  leaseMs: number;
  renewMs: number;
  /** The runs live in this worker now. */
  live: () => Iterable<LiveRun>;
  /** A run's stored lease is held by someone else now. */
  onLost: (runId: string) => void;
  onError: (err: unknown) => void;
}

/** The renew timer of one worker's run leases. */
export class LeaseKeeper {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: LeaseKeeperOptions) {}

  /** Starts the timer if it is not running. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), this.opts.renewMs);
    // In Node (tests, CLI) the timer must not keep the process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: retry unsaved writes, renew the leases of unfinished runs. */
  async tick(): Promise<void> {
    const runs = [...this.opts.live()].filter((r) => !r.lost);
    const active = runs.filter((r) => !r.stopped).map((r) => r.id);
    const behind = runs.filter((r) => r.writer.error !== null || r.writer.backlog > 0);
    const unsaved = behind.filter((r) => !r.isDriving && !r.writer.busy);
    // A run still finishing its last (failed) flush is retried at a later round: keep ticking for it.
    if (active.length === 0 && behind.length === 0) {
      this.stop();
      return;
    }
    for (const run of unsaved) await run.writer.flush();
    if (active.length === 0) return;
    try {
      const { runs: store, owner, now, leaseMs } = this.opts;
      for (const id of await store.renew(owner, active, now() + leaseMs)) this.opts.onLost(id);
    } catch (err) {
      this.opts.onError(err);
    }
  }
}
