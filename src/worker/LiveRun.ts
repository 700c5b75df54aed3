/**
 * A run held live in this worker: its kernel, the loop that drives it, the batches it sends
 * the UI and the writer that persists it. The loop runs the kernel in time slices and yields
 * a macrotask between them, so pause() and every other call get through while it plays.
 */
import type { Kernel, KernelEvent, KernelEventType } from '../kernel';
import type { Breakpoint, EventBatch, LogLine, RunMeta, RunStatus } from './api';
import type { RunRecord } from '../persist';
import { FrameBatcher } from './FrameBatcher';
import { LiveGenerations } from './LiveGenerations';
import { matchBreakpoint } from './matchBreakpoint';
import type { RunWriter } from './RunWriter';
import { yieldToEventLoop } from './yieldToEventLoop';

/** How the drive loop shares the thread. */
export interface DriveTiming {
  /** Most events per kernel.runUntil call. */
  chunkEvents: number;
  /** Longest time the loop holds the thread before yielding, in ms. */
  sliceMs: number;
  /** Unwritten events above which the loop waits for the writer (back-pressure). */
  maxBacklog: number;
}

/** What to run until; the loop also stops when the run stops, is paused or a breakpoint matches. */
export interface DriveRequest {
  breakpoints: readonly Breakpoint[];
  /** Stop after this many events. */
  maxEvents?: number;
  /** Stop after the first event of this type (one agent turn = `infer.completed`). */
  untilType?: KernelEventType;
  /** Stop after the first event this says yes to (a step's stop, kernel/trace/stepping.ts). */
  stopAfter?: (e: KernelEvent) => boolean;
}

/** The events a drive produced, and the breakpoint hit that ended it, if one did. */
export interface DriveOutcome {
  events: KernelEvent[];
  hit?: { seq: number; breakpoint: Breakpoint };
  /** Lines logpoints printed. */
  logs: LogLine[];
}

/** One run live in this worker: kernel, drive loop, batches to the UI, writer to storage. */
export class LiveRun {
  readonly kernel: Kernel;
  readonly writer: RunWriter;
  /** Set when the stored run stopped being ours (another tab took it, or it was deleted). */
  lost = false;
  private status: RunStatus;
  private record: RunRecord;
  private pauseRequested = false;
  private driving: Promise<DriveOutcome> | null = null;
  private hit: { seq: number; breakpoint: Breakpoint } | undefined;
  /** Logpoint lines not yet sent with a batch. */
  private logs: LogLine[] = [];
  /** The play that stopped because only a human could move the run on; it continues after the input. */
  resumeAfterInput: DriveRequest | null = null;
  readonly batcher: FrameBatcher<KernelEvent>;
  /** What real models are saying right now (their streamed deltas), sent with the next batch. */
  readonly generations: LiveGenerations;

  constructor(
    kernel: Kernel,
    record: RunRecord,
    private readonly timing: DriveTiming,
    send: (batch: EventBatch) => void,
    frameMs: number,
    /** Makes the run's writer (it reads the run's record as it flushes). */
    writer: (run: LiveRun) => RunWriter,
  ) {
    this.kernel = kernel;
    this.record = record;
    this.status = kernel.stopped ? 'stopped' : kernel.waiting ? 'waiting' : 'paused';
    this.batcher = new FrameBatcher<KernelEvent>((events) => {
      const hit = this.hit;
      this.hit = undefined;
      const logs = this.logs;
      this.logs = [];
      const live = this.generations.take();
      const liveCalls = this.generations.takeCalls();
      send({ ...this.batchHead(), events, ...(hit ? { hit } : {}), ...(logs.length > 0 ? { logs } : {}), ...(live ? { live } : {}), ...(liveCalls ? { liveCalls } : {}) });
    }, frameMs);
    this.generations = new LiveGenerations(() => this.batcher.touch());
    this.writer = writer(this);
  }

  get id(): string {
    return this.record.id;
  }
  get projectId(): string {
    return this.record.projectId;
  }
  get isDriving(): boolean {
    return this.driving !== null;
  }
  get stopped(): boolean {
    return this.kernel.stopped;
  }

  /** The run's record as it stands: committed head, live status, the kernel's stop reason. */
  meta(): RunMeta {
    const stop = this.kernel.state.stopped;
    const { stopReason: _r, stopDetail: _d, ...rest } = this.record;
    return { ...rest, status: this.status, head: this.writer.committedHead, ...(stop ? { stopReason: stop.reason, stopDetail: stop.detail } : {}) };
  }

  /** The person named or pinned the run (RunStore.label): its meta says so from now on. */
  relabel(label: { name?: string; pinned?: boolean }): void {
    const { name: _n, pinned: _p, ...rest } = this.record;
    this.record = { ...rest, ...(label.name !== undefined ? { name: label.name } : {}), ...(label.pinned ? { pinned: true } : {}) };
  }

  /** The record to store (the writer adds head and lease). */
  storedRecord(now: number): RunRecord {
    this.record = { ...this.record, updatedAt: now };
    return this.meta();
  }

  private batchHead(): Omit<EventBatch, 'events'> {
    const stop = this.kernel.state.stopped;
    return { runId: this.record.id, head: this.kernel.head, status: this.status, ...(stop ? { stopReason: stop.reason } : {}) };
  }

  /**
   * Runs the kernel until the request is met, the run stops, pause() is called or a
   * breakpoint matches; then persists and delivers everything before resolving. One drive
   * at a time: a second caller gets the running drive's outcome.
   */
  drive(req: DriveRequest): Promise<DriveOutcome> {
    if (this.driving) return this.driving;
    const run = this.loop(req).finally(() => {
      this.driving = null;
    });
    this.driving = run;
    return run;
  }

  /** Asks the loop to stop after the current event and waits until it has. */
  async pause(): Promise<void> {
    this.pauseRequested = true;
    await this.driving?.catch(() => undefined);
  }

  private async loop(req: DriveRequest): Promise<DriveOutcome> {
    const { kernel, timing } = this;
    const match = matchBreakpoint(req.breakpoints, { spec: kernel.document, state: () => kernel.state });
    const out: DriveOutcome = { events: [], logs: [] };
    const until = (e: KernelEvent): boolean => {
      // Each event goes out as it is made: a model call that streams for seconds must not hold
      // back the events before it (the pick that gave it its slot), nor its live text outlive it.
      this.batcher.add(e);
      this.generations.observe(e);
      const m = match(e);
      if (m) {
        for (const line of m.logs) {
          out.logs.push(line);
          this.logs.push(line);
        }
        if (m.pause) {
          out.hit = { seq: e.seq, breakpoint: m.pause };
          return true;
        }
      }
      return e.type === req.untilType || (req.stopAfter?.(e) ?? false);
    };
    let remaining = req.maxEvents ?? Number.POSITIVE_INFINITY;
    // Storage failed before: retry it first rather than run on with events that cannot be kept.
    if (this.writer.error && !(await this.writer.flush())) throw this.writer.error ?? new Error('This run is no longer driven by this tab.');
    this.pauseRequested = false;
    this.setStatus('running');
    try {
      while (!kernel.stopped && remaining > 0) {
        const sliceEnd = performance.now() + timing.sliceMs;
        let n = 0;
        const r = await kernel.runUntil({
          maxEvents: Math.min(timing.chunkEvents, remaining),
          until,
          shouldPause: () => this.pauseRequested || this.lost || ((++n & 63) === 0 && performance.now() >= sliceEnd),
        });
        remaining -= r.events.length;
        for (const e of r.events) out.events.push(e);
        this.writer.maybeFlush();
        if (r.reason === 'matched' || r.reason === 'stopped' || r.reason === 'waiting' || this.pauseRequested || this.lost) break;
        if (this.writer.error) break;
        await yieldToEventLoop();
        if (this.writer.backlog > timing.maxBacklog) await this.writer.idle();
        if (this.pauseRequested || this.lost) break;
      }
    } finally {
      this.pauseRequested = false;
      this.hit = out.hit;
      // The drive awaited every call it made: nothing streams once it ends, however it ended.
      this.generations.clear();
      this.setStatus(kernel.stopped ? 'stopped' : kernel.waiting ? 'waiting' : 'paused');
      // A play that ended waiting for a human plays on once the human answers (Studio.input).
      this.resumeAfterInput = kernel.waiting && req.maxEvents === undefined && req.untilType === undefined && req.stopAfter === undefined && out.hit === undefined ? req : null;
      if (!this.lost) await this.writer.flush();
      await this.batcher.drain();
    }
    return out;
  }

  private setStatus(status: RunStatus): void {
    this.status = status;
    this.batcher.touch();
  }

  /** Stops driving and delivering, for good (the run was deleted or taken over). */
  async dispose(): Promise<void> {
    this.lost = true;
    await this.pause();
    this.kernel.abandon();
    this.batcher.cancel();
    await this.writer.idle();
  }
}
