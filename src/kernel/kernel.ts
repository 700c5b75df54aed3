/**
 * The kernel: a discrete-event simulation on a virtual clock. Each call to `next` decides and
 * emits exactly ONE event from the current state; the state changes only in applyEvent. So
 * running to event k one step at a time, running straight through, and seeking to k all give
 * the same state — and a fork from k continues exactly as the original would, unless edited.
 *
 * This file is the run loop and the run's public face. What the next event is comes from the
 * event sources (loop/sources.ts), asked in their priority order; the state they read and the
 * one way an event enters the run (`emit`) live in loop/runContext.ts.
 */
import type { Cpu } from './cpu/cpu';
import { SimCpu } from './cpu/sim';
import { RecordedCpu } from './cpu/recorded';
import type { McpPort } from './tools/mcp';
import { RecordedMcp } from './tools/mcpRecorded';
import type { A2aPort } from './ipc/remoteAgent';
import { RecordedA2a } from './ipc/remoteAgentRecorded';
import { asRunId, type RunId } from './ids';
import { cloneState } from './state/reduce';
import { seekState } from './state/seek';
import type { KernelState } from './state/state';
import type { HarnessSpec } from './spec';
import { encodingFor, hasEncoding } from './tokens';
import type { ArchiveStore } from './memory/archiveStore';
import { MemoryArchive } from './memory/memoryArchive';
import { RunArchive } from './memory/runArchive';
import { TermWatch } from './term/watch';
import { inputProblem } from './loop/humanInputs';
import { recordEdit } from './loop/actions';
import type { StateEdit } from './trace/editEvent';
import { editDigest } from './loop/editState';
import type { DocumentChange } from './loop/documentChanges';
import { openAsks, type OpenAsk } from './state/openAsks';
import { TrustGate } from './trust/gate';
import type { HumanInput } from './trust/types';
import type { EventOf, GroupInfo, KernelEvent, ModelInfo } from './trace/events';
import { traceHash } from './trace/hash';
import { specHash } from './specHash';
export { specHash } from './specHash';
import { JSON_CODEC, type EventReader, type SpillOptions } from './trace/eventLog';
import { waitsOnPerson } from './loop/advance';
import { startJobs } from './loop/jobs';
import { RunContext, type Step } from './loop/runContext';
import { EVENT_SOURCES } from './loop/sources';
import type { VerifiedDigests } from './trust/signatureCheck';

export interface KernelOptions {
  runId: string;
  seed: number;
  /** CPUs by provider name; `sim` is always present. */
  cpus?: Record<string, Cpu>;
  /** Take a snapshot every N events (default 500). */
  snapshotEvery?: number;
  /** Archival memory (the disk): IndexedDB in the studio; in memory by default (tests, CLI). */
  archive?: ArchiveStore;
  /** Told once when the archive port fails; the run goes on with its archive rebuilt in memory. */
  onArchiveError?: (err: unknown) => void;
  /**
   * Digests whose signatures the host verified (WebCrypto, outside the kernel): with
   * `policy.requireSigned`, an agent whose prompt digest is not among them does not start.
   */
  signatures?: VerifiedDigests;
  /**
   * Keep only the newest events as objects and older ones as blocks of JSON (compressed by the
   * codec given, e.g. node:zlib in the CLI): a long run's memory stays small. `events` then is
   * a read-only view; `trace` reads blocks without it. Snapshots then keep agents' recall once,
   * in blocks through the same codec (state/recallStreams.ts). Off by default.
   */
  spill?: SpillOptions;
  /**
   * The host's MCP client: calls a declared MCP server's tool (tools/mcp.ts). A restored or forked
   * run answers the calls its trace records from the trace and passes only new ones here.
   */
  mcp?: McpPort;
  /**
   * The host's A2A client: sends a message to a declared remote agent (ipc/remoteAgent.ts). A
   * restored or forked run answers the messages its trace records from the trace and passes only new ones here.
   */
  a2a?: A2aPort;
}

export interface StopWhen {
  maxEvents?: number;
  /** Stop right after an event for which this returns true (breakpoints, "one turn"). */
  until?: (e: KernelEvent) => boolean;
  /** Asked between events; true pauses the run. */
  shouldPause?: () => boolean;
}

export interface RunUntilResult {
  events: KernelEvent[];
  /** waiting: nothing can happen until a human answers an ask (see `submit`). */
  reason: 'stopped' | 'matched' | 'limit' | 'paused' | 'waiting';
}


/**
 * Each real model's CPU behind a RecordedCpu holding the answers recorded in `events` (up to
 * `upTo`): a restored or forked run never asks the model again for a turn it already has.
 * The sim is left alone (it is deterministic, and an edited fork must re-ask it).
 */
function withRecording(spec: HarnessSpec, events: readonly KernelEvent[], cpus: Record<string, Cpu> | undefined, upTo?: number): Record<string, Cpu> {
  const out: Record<string, Cpu> = { ...cpus };
  const providers = new Set(spec.models.map((m) => m.provider).filter((p) => p !== 'sim'));
  if (providers.size === 0 || !events.some((e) => (e.type === 'infer.completed' && e.record) || (e.type === 'sched.preempted' && e.partial) || (e.type === 'goal.judged' && (e.record || e.failure)) || (e.type === 'turn.chosen' && e.record))) return out;
  for (const provider of providers) {
    const live = out[provider];
    out[provider] = live instanceof RecordedCpu ? live : RecordedCpu.fromTrace(provider, events, live, upTo);
  }
  return out;
}

/** The host's MCP client behind the results `events` recorded (calls made up to `upTo`): a recorded call is never made again. */
/** The host's A2A client behind the answers `events` recorded (messages sent up to `upTo`): a recorded message is never sent again. */
function withA2aRecording(events: readonly KernelEvent[], live: A2aPort | undefined, upTo?: number): { a2a?: A2aPort } {
  if (live instanceof RecordedA2a || !RecordedA2a.holdsAny(events)) return live ? { a2a: live } : {};
  return { a2a: RecordedA2a.fromTrace(events, live, upTo) };
}

function withMcpRecording(events: readonly KernelEvent[], live: McpPort | undefined, upTo?: number): { mcp?: McpPort } {
  if (live instanceof RecordedMcp || !RecordedMcp.holdsAny(events)) return live ? { mcp: live } : {};
  return { mcp: RecordedMcp.fromTrace(events, live, upTo) };
}

export class Kernel {
  readonly runId: RunId;
  readonly seed: number;
  private readonly run: RunContext;

  private constructor(spec: HarnessSpec, opts: KernelOptions) {
    this.runId = asRunId(opts.runId);
    this.seed = opts.seed >>> 0;
    for (const m of spec.models) {
      const enc = encodingFor(m);
      if (!hasEncoding(enc)) throw new Error(`model ${m.id} counts tokens with ${enc}, which is not loaded: await loadEncodingsFor(spec) before starting the kernel`);
    }
    // A private in-memory archive is filled on first use; a shared one (IndexedDB, read by the UI) at once.
    const archive = new RunArchive(opts.archive ?? new MemoryArchive(), this.runId, opts.onArchiveError, opts.archive === undefined);
    this.run = new RunContext(
      this.runId, this.seed, spec, { sim: new SimCpu(), ...opts.cpus }, Math.max(1, opts.snapshotEvery ?? 500),
      // The gate reads an agent's handles from the run index while it checks this run's state.
      archive, new TrustGate(spec, (s, agent) => (s === this.run.s ? this.run.index.handlesOfAgent(s, agent) : null)), new TermWatch(spec.term), opts.signatures,
    );
    if (opts.spill) {
      this.run.trace.spillWith(opts.spill);
      // Snapshots keep agents' recall once, through the same codec (state/recallStreams.ts).
      this.run.snapshots.packWith(opts.spill.codec ?? JSON_CODEC);
    }
    this.run.mcp = opts.mcp;
    this.run.a2a = opts.a2a;
  }

  /** Starts a run: `run.started`, then the job pipeline for every agent in document order. */
  static create(spec: HarnessSpec, opts: KernelOptions): Kernel {
    const k = new Kernel(spec, opts);
    const stores: EventOf<'run.started'>['stores'] = {};
    for (const st of spec.stores) stores[st.id] = st.documents.map((d) => ({ text: d.text, tags: d.tags, trust: d.trust, valid: d.valid }));
    const models: Record<string, ModelInfo> = {};
    for (const m of spec.models) {
      // Limits only when declared: a document without them records what it always did.
      models[m.id] = { slots: m.slots, tokensPerSecond: m.tokensPerSecond, quality: m.quality, priceIn: m.priceIn, priceOut: m.priceOut, ...(m.limits ? { limits: { ...m.limits } } : {}), ...(m.prefixCache ? { prefixCache: { capacityTokens: m.prefixCache.capacityTokens, cachedPricePerMTok: m.prefixCache.cachedPricePerMTok } } : {}) };
    }
    const groups: GroupInfo[] = spec.groups.map((g) => ({ id: g.id, parent: g.parent ?? null, tokens: g.tokens ?? null, cost: g.cost ?? null, periodMs: g.periodMs ?? null, weight: g.weight }));
    k.run.emit({ type: 'run.started', seed: k.seed, harness: spec.name, specHash: specHash(spec), agents: spec.agents.map((a) => a.id), models, stores, groups, sched: spec.sched }, 0);
    startJobs(k.run);
    return k;
  }

  /**
   * Continues from event `parent.seq` of another run as a new run: the prefix is copied under
   * the new run id, then `run.forked` records the parent and whether the document changed.
   */
  static fork(parentEvents: readonly KernelEvent[], spec: HarnessSpec, opts: KernelOptions & { parent: { run: string; seq: number }; edits?: readonly StateEdit[]; documentChanges?: readonly DocumentChange[] }): Kernel {
    // Turns a real model answered up to the fork point come from the record: only later turns go live.
    const k = new Kernel(spec, { ...opts, cpus: withRecording(spec, parentEvents, opts.cpus, opts.parent.seq), ...withMcpRecording(parentEvents, opts.mcp, opts.parent.seq), ...withA2aRecording(parentEvents, opts.a2a, opts.parent.seq) });
    const prefix = parentEvents.slice(0, opts.parent.seq + 1).map((e) => ({ ...e, run: k.runId }));
    k.run.load(prefix);
    const parentStart = prefix[0];
    const hash = specHash(spec);
    const edited = parentStart?.type === 'run.started' ? parentStart.specHash !== hash : true;
    k.run.emit({ type: 'run.forked', parent: { run: asRunId(opts.parent.run), seq: opts.parent.seq }, specHash: hash, edited }, k.run.s.now);
    // What a person changed in the document (a prompt, a rule), one human.edited per place, before any state edit.
    const changes = opts.documentChanges ?? [];
    if (changes.length > 0 && !edited) throw new Error('the document changes given for this fork do not change the document (its hash is the parent run\'s)');
    for (const c of changes) k.run.emit({ type: 'human.edited', target: `document ${c.path}`, before: c.before === '' ? '' : editDigest(c.before), after: c.after === '' ? '' : editDigest(c.after), edit: { kind: 'document.edited', path: c.path } }, k.run.s.now);
    // A person's state edits, each checked against the state the edits before it left (loop/editState.ts).
    (opts.edits ?? []).forEach((edit, i) => {
      try {
        recordEdit(k.run, edit, opts.parent.seq);
      } catch (err) {
        throw new Error(`edit ${i + 1} of ${opts.edits!.length}: ${err instanceof Error ? err.message.replace(/^cannot edit the state: /, '') : String(err)}`);
      }
    });
    startJobs(k.run);
    return k;
  }

  /** Rebuilds a run from its own events (optionally from a snapshot) to continue it. */
  static restore(events: readonly KernelEvent[], spec: HarnessSpec, opts: KernelOptions & { snapshot?: KernelState }): Kernel {
    const k = new Kernel(spec, { ...opts, cpus: withRecording(spec, events, opts.cpus), ...withMcpRecording(events, opts.mcp), ...withA2aRecording(events, opts.a2a) });
    k.run.load(events, opts.snapshot);
    return k;
  }

  // ---- observation -------------------------------------------------------------------

  get state(): Readonly<KernelState> {
    return this.run.s;
  }
  /** The run's events as an array (a read-only view over spilled blocks when `spill` is on: prefer `trace` for long reads). */
  get events(): readonly KernelEvent[] {
    return this.run.log;
  }
  /** The run's events by seq, in ranges or in order, reading spilled blocks directly. */
  get trace(): EventReader {
    return this.run.trace;
  }
  get head(): number {
    return this.run.trace.length - 1;
  }
  get stopped(): boolean {
    return this.run.s.stopped !== null;
  }
  /**
   * The holder is done with this kernel without stopping the run (deleted, taken over by another
   * tab): real generations still streaming are aborted so no model keeps generating for nobody.
   * Nothing is recorded; the trace stays as it was.
   */
  abandon(): void {
    this.run.abortGenerations();
  }
  get document(): HarnessSpec {
    return this.run.spec;
  }
  /** The snapshots kept, in seq order; a packed one's state is read back (a fresh copy) when asked for. */
  snapshots(): ReadonlyArray<{ seq: number; state: KernelState }> {
    const log = this.run.snapshots;
    return log.list.map((snap) => (snap.packed ? { seq: snap.seq, get state() { return log.stateOf(snap, cloneState); } } : snap));
  }
  /** pids currently reserved or held (for tests of the pipeline's unwinding). */
  reservedPids(): ReadonlyMap<number, string> {
    return this.run.pids;
  }
  traceHash(): string {
    return traceHash(this.run.trace);
  }

  /** The state right after event `seq`: the nearest snapshot at or before it, plus replay. */
  stateAt(seq: number): KernelState {
    if (seq < 0 || seq > this.head) throw new RangeError(`seq ${seq} is outside 0..${this.head}`);
    return seekState(this.run.snapshots, this.run.trace, seq);
  }

  // ---- running -----------------------------------------------------------------------

  /** Emits exactly one event, or returns null when the run has stopped. */
  async step(): Promise<KernelEvent | null> {
    return this.next();
  }

  async runUntil(stop: StopWhen = {}): Promise<RunUntilResult> {
    const events: KernelEvent[] = [];
    const max = stop.maxEvents ?? Number.POSITIVE_INFINITY;
    while (events.length < max) {
      if (stop.shouldPause?.()) return { events, reason: 'paused' };
      let r: Step = this.next();
      if (r instanceof Promise) r = await r;
      if (r === null) return { events, reason: this.run.s.stopped ? 'stopped' : 'waiting' };
      events.push(r);
      if (stop.until?.(r)) return { events, reason: 'matched' };
      if (this.run.s.stopped) return { events, reason: 'stopped' };
    }
    return { events, reason: 'limit' };
  }

  /** Decides the next event from the state alone (plus deterministic CPU and tool answers): the first source with something to do. */
  private next(): Step {
    const s = this.run.s;
    if (s.stopped) return null;
    for (const source of EVENT_SOURCES) {
      const step = source.next(this.run);
      if (step !== undefined) return step;
    }
    throw new Error('the last event source (advance-clock) always answers');
  }

  /** For tests: where the run loop's indexes (loop/runIndex.ts) differ from ones built afresh from the state; empty while in step. */
  indexProblems(): string[] {
    return this.run.index.problems(this.run.s);
  }

  /** Queues what a person did (approve, deny, roll back, message, edit the state, stop); the kernel records it as its next event. */
  submit(input: HumanInput): { ok: true } | { ok: false; error: string } {
    const problem = inputProblem(this.run.s, this.run.log, this.run.inputs, input, (seq) => this.stateAt(seq));
    if (problem !== null) return { ok: false, error: problem };
    this.run.inputs.push(input);
    return { ok: true };
  }

  /** True while the run can only go on once a human answers an ask. */
  get waiting(): boolean {
    return this.run.s.stopped === null && this.run.inputs.length === 0 && waitsOnPerson(Object.values(this.run.s.procs));
  }

  /** The asks a human has not answered yet. */
  openAsks(): OpenAsk[] {
    return openAsks(this.run.s);
  }
}
