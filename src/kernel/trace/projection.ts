/**
 * A projection of a run's events to the kernel state at any seq, for views that follow a
 * scrubber. The same reducer as the kernel; evenly spaced snapshots, bounded in number, keep
 * seeks cheap.
 * Returned states are fresh copies: callers may keep them.
 */
import { applyEvent, cloneState, stateFromStart } from '../state/reduce';
import { seekState } from '../state/seek';
import { openAsks, type OpenAsk } from '../state/openAsks';
import { ProvenanceLog } from '../provenance/provenanceLog';
import type { KernelState } from '../state/state';
import { SnapshotLog } from '../state/snapshots';
import type { EventOf, KernelEvent } from './events';
import { EventLog, JSON_CODEC, type SpillOptions } from './eventLog';

export class Projection {
  /** The events, old ones spilled to blocks when `spill` was given (trace/eventLog.ts). */
  readonly trace: EventLog;
  /** Evenly spaced, bounded in number (state/snapshots.ts). */
  private readonly snaps: SnapshotLog;
  private live: KernelState | null = null;
  private prov = new ProvenanceLog();

  constructor(snapshotEvery = 500, spill?: SpillOptions) {
    this.snaps = new SnapshotLog(snapshotEvery);
    this.trace = new EventLog(spill);
    // Spilling, snapshots keep agents' recall once, through the same codec (state/recallStreams.ts).
    if (spill) this.snaps.packWith(spill.codec ?? JSON_CODEC);
  }

  /** The events as an array: it grows in place as events are appended (a read-only view while spilling). */
  get events(): readonly KernelEvent[] {
    return this.trace.view;
  }

  get head(): number {
    return this.trace.length - 1;
  }

  /** Appends events that continue the run (seq must follow on); others are ignored. */
  append(events: readonly KernelEvent[]): void {
    for (const e of events) {
      if (e.seq !== this.trace.length) continue;
      this.trace.push(e);
      if (e.type === 'run.started') this.live = stateFromStart(e as EventOf<'run.started'>);
      else if (this.live) applyEvent(this.live, e);
      // Provenance reads the window an agent's model call sees from the state right after it starts.
      this.prov.apply(e, this.live ?? undefined);
      if (this.live && this.snaps.due(e.seq)) this.snaps.add(e.seq, cloneState(this.live));
    }
  }

  reset(): void {
    this.trace.clear();
    this.snaps.clear();
    this.live = null;
    this.prov = new ProvenanceLog();
  }

  /** The changes agents made up to the head, with their provenance (kernel/provenance), kept as events arrive. */
  get provenance(): ProvenanceLog {
    return this.prov;
  }

  /** The asks open at the head, from the projected kernel state (as Kernel.openAsks reads its own). */
  openAsks(): OpenAsk[] {
    return this.live ? openAsks(this.live) : [];
  }

  /** The state right after event `seq` (clamped to the head), or null before any event. */
  stateAt(seq: number): KernelState | null {
    if (!this.live || this.trace.length === 0) return null;
    const target = Math.max(0, Math.min(seq, this.head));
    if (target === this.head) return cloneState(this.live);
    return seekState(this.snaps, this.trace, target);
  }
}
