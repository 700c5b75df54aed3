/**
 * A projection of a run's events to the kernel state at any seq, for views that follow a
 * scrubber. The same reducer as the kernel; evenly spaced snapshots, bounded in number, keep
 * seeks cheap.
 * Returned states are fresh copies: callers may keep them.
 */
import { applyEvent, cloneState, replayTo, stateFromStart } from '../state/reduce';
import { openAsks, type OpenAsk } from '../state/openAsks';
import type { KernelState } from '../state/state';
import { SnapshotLog } from '../state/snapshots';
import type { EventOf, KernelEvent } from './events';

export class Projection {
  readonly events: KernelEvent[] = [];
  /** Evenly spaced, bounded in number (state/snapshots.ts). */
  private readonly snaps: SnapshotLog;
  private live: KernelState | null = null;

  constructor(snapshotEvery = 500) {
    this.snaps = new SnapshotLog(snapshotEvery);
  }

  get head(): number {
    return this.events.length - 1;
  }

  /** Appends events that continue the run (seq must follow on); others are ignored. */
  append(events: readonly KernelEvent[]): void {
    for (const e of events) {
      if (e.seq !== this.events.length) continue;
      this.events.push(e);
      if (e.type === 'run.started') this.live = stateFromStart(e as EventOf<'run.started'>);
      else if (this.live) applyEvent(this.live, e);
      if (this.live && this.snaps.due(e.seq)) this.snaps.add(e.seq, cloneState(this.live));
    }
  }

  reset(): void {
    this.events.length = 0;
    this.snaps.clear();
    this.live = null;
  }

  /** The asks open at the head, from the projected kernel state (as Kernel.openAsks reads its own). */
  openAsks(): OpenAsk[] {
    return this.live ? openAsks(this.live) : [];
  }

  /** The state right after event `seq` (clamped to the head), or null before any event. */
  stateAt(seq: number): KernelState | null {
    if (!this.live || this.events.length === 0) return null;
    const target = Math.max(0, Math.min(seq, this.head));
    if (target === this.head) return cloneState(this.live);
    return replayTo(this.snaps.list, this.events, target);
  }
}
