/**
 * Coalesces items pushed at any rate into at most one delivery per frame (~16 ms): the worker
 * sends the UI one message per animation frame at most, never one per event.
 */
/** Batches items to one delivery per frame at most. */
export class FrameBatcher<T> {
  private pending: T[] = [];
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent = Number.NEGATIVE_INFINITY;
  private drained: Array<() => void> = [];

  /**
   * @param deliver called with the items gathered since the last delivery (possibly none,
   *   after `touch`); it must not throw.
   */
  constructor(
    private readonly deliver: (items: T[]) => void,
    private readonly frameMs = 16,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Queues items for the next frame. */
  push(items: readonly T[]): void {
    if (items.length === 0) return;
    for (const item of items) this.pending.push(item);
    this.dirty = true;
    this.schedule();
  }

  /** Queues one item for the next frame. */
  add(item: T): void {
    this.pending.push(item);
    this.dirty = true;
    this.schedule();
  }

  /** Asks for a delivery in the next frame even without new items (e.g. a status change). */
  touch(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Resolves once everything queued so far has been delivered. */
  drain(): Promise<void> {
    if (!this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Drops what is queued and stops the timer (the run went away). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    this.dirty = false;
    this.release();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSent + this.frameMs - this.clock());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.dirty) return;
    const items = this.pending;
    this.pending = [];
    this.dirty = false;
    this.lastSent = this.clock();
    this.deliver(items);
    this.release();
  }

  private release(): void {
    const waiters = this.drained;
    this.drained = [];
    for (const w of waiters) w();
  }
}
