/**
 * The kernel worker's API (StudioApi, src/worker/api.ts): projects, runs and settings over
 * src/persist, and live kernels held in a Map. Plain TypeScript with no DOM: the worker exposes
 * it through comlink, tests call it in Node over a MessageChannel.
 *
 * Ownership: each instance has an owner id and holds a lease on the runs live in it, renewed
 * every `renewMs`. An unfinished run (running, paused or waiting on a person) that is not live
 * here and whose owner is gone or whose lease expired was interrupted (its tab closed, crashed or
 * reloaded) and can be resumed; one with a living owner's valid lease is live in another tab and
 * is left alone (persist/runLease.ts).
 */
import { BUILTIN_PROVIDERS, Kernel, documentChanges, specHash, TraceHasher, diffRuns, type RunDiff, type StateEdit, checkRunnable, findStop, findStopPaged, stepper, type StepRequest, documentSecrets, otelModels, exportFilter, traceToOtlp, loadEncodingsFor, parseHarness, prepareExperiment, runKey, type Experiment, type ResolvedExperiment, type RunJob, type ArchiveHit, type Cpu, type HumanInput, type KernelEvent, type KernelState, type HarnessSpec, type VerifiedDigests, type McpPort, type SpecIssue, type RunRecord as ExperimentRecord } from '../kernel';
import type {
  BatchSink, Breakpoint, ImportedTrace, ExperimentExport, ExperimentMeta, ExperimentUpdate, EndpointInput, EndpointSummary, EndpointTest, EventBatch, LocalModelStatus, LocalModelSummary, Notice, ProjectRecord, ProjectSummary, ProjectVersion, RunMeta, SaveResult, StartResult, StudioApi, SuiteCpu, SuiteReport, SuiteRequest,
} from './api';
import { loadOrCreateSigningKey, signSpec, verifySpec, withSignatures } from '../persist/signing';
import { DexieArchive, EndpointStore, ExperimentStore, ProjectStore, RunStore, SettingStore, StorageError, toEventBlocks, toStorageError, type RunRecord, type RunRow, type SaveOutcome, type StudioDb } from '../persist';
import { localModelFile } from './api';
import { signingTrustApi, trustFor, type SignatureStanding, type SigningTrustStudioApi, type TrustedKeySummary } from './signingTrustApi';
import { deliver, release } from './deliver';
import { modelEndpointsKey, resolveModelEndpoints, testEndpoint } from './endpoints';
import { ProviderError, createModelCpus, type ModelDelta, type ModelEndpoint } from '../providers';
import { onSuiteCpu, scoreServedSuite, workerSuiteRunner, type SuiteScoring } from './injectionSuite';
import { EndpointUnusableError, runWebExperimentJob, type JobCpu } from './experimentJob';
import { LeaseKeeper } from './LeaseKeeper';
import type { LocalModels } from './localModels';
import { ContextCache, type ContextAnswer } from './contextAt';
import { firstPause, firstPausePaged } from './firstPause';
import { LiveRun, type DriveTiming } from './LiveRun';
import { RunWriter } from './RunWriter';
import { storedRunMeta } from './storedRunMeta';
import { storedStateAt } from './storedStateAt';
import { WorkerMcp } from './mcpHost';
import type { McpConnectResult } from './mcpApi';
import { WorkerRemoteAgents } from './a2aRemoteHost';
import type { RemoteCardResult } from './a2aRemoteApi';
import { OTEL_COLLECTOR_KEY, OtelCollector, type OtelCollectorInput, type OtelCollectorSummary, type OtelSendResult } from './otelCollector';

export interface StudioApiOptions {
  /** This worker's owner id for run leases (default: a random UUID). */
  owner?: string;
  /** Wall clock in ms (timestamps and leases). */
  now?: () => number;
  /** How long a lease lasts without renewal (default 6 s). */
  leaseMs?: number;
  /** How often the leases of live runs are renewed (default 2 s). */
  renewMs?: number;
  /** Least time between two batches to one sink (default 16 ms: one per animation frame). */
  frameMs?: number;
  /** Persist at least this often while a run plays (default 250 ms)... */
  flushMs?: number;
  /** ...or when this many events wait (default 256, one block). */
  flushEvents?: number;
  /** Kernel snapshot interval in events (default 500). */
  snapshotEvery?: number;
  /** Stopped runs kept live for fast seeks (default 4); older ones are read back from storage. */
  keepStopped?: number;
  /** CPUs by provider name for the kernel (the sim CPU is always there). */
  cpus?: Record<string, Cpu>;
  timing?: Partial<DriveTiming>;
  /**
   * The owner ids whose workers are alive now, or null when unknown. In the browser this is
   * read from Web Locks (each worker holds one lock for its lifetime, released by the browser
   * the moment its tab closes or reloads), so a reloaded tab sees its runs as interrupted at
   * once instead of after the lease runs out. Without it, leases alone decide.
   */
  liveOwners?: () => Promise<ReadonlySet<string> | null>;
  /** The fetch providers use (tests inject one); the global fetch by default. */
  fetch?: typeof fetch;
  /** Stored GGUF files and the local CPU (the browser worker gives OPFS and a nested worker); none: local models cannot run here. */
  localModels?: LocalModels;
}

/** The worker-side API plus `close`, which the worker never needs but tests and hosts do. */
export interface StudioService extends StudioApi {
  /** Pauses and persists every live run, stops the lease timer. Leases are left to expire. */
  close(): Promise<void>;
}

/** The id the suite's runs use for local-model bookkeeping (they are never stored or listed). */
const SUITE_RUN = 'injection-suite';
/** The experiment's real-CPU runs, as one user of the local model. */
const EXPERIMENT_RUNS = 'experiment-runs';
const RUN_IN_OTHER_TAB = 'This run is live in another Harness Studio tab: continue it there, or close that tab and try again in a few seconds.';
const NO_LOCAL_CPU = 'Local models need the studio in a browser with the origin-private file system and module workers; this host has no local CPU.';
const LOST_RUN = 'A run this tab was driving is now driven by another tab (this tab was asleep too long): continue it there.';

// RunRecord (persist) and RunMeta (bridge) describe the same row; keep them in step.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameRecord: Same<RunRecord, RunMeta> = true;
const _sameSave: Same<SaveOutcome, SaveResult> = true;
void _sameRecord;
void _sameSave;

/** Creates the API over an (unopened or open) studio database. */
export function createStudioApi(db: StudioDb, opts: StudioApiOptions = {}): StudioService {
  return new Studio(db, opts);
}

class Studio implements StudioService {
  private readonly projects: ProjectStore;
  private readonly runs: RunStore;
  private readonly settings: SettingStore;
  private readonly endpoints: EndpointStore;
  /** Archival memory of every run, one namespace per run and store (RunArchive). */
  private readonly archive: DexieArchive;
  private readonly experiments: ExperimentStore;
  /** The OpenTelemetry collector in Settings (its headers are kept like API keys). */
  private readonly otel: OtelCollector;
  private readonly owner: string;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly timing: DriveTiming;
  private readonly live = new Map<string, LiveRun>();
  /** The context view's replays of the runs it looked at last (worker/contextAt.ts). */
  private readonly contexts = new ContextCache();
  private readonly stoppedOrder: string[] = [];
  private readonly sinks = new Map<string, BatchSink>();
  private readonly noticeSinks = new Set<(n: Notice) => void>();
  /** Notices raised before any sink was registered, delivered to the first one. */
  private readonly early: Notice[] = [];
  private readonly leases: LeaseKeeper;
  private readonly unwatch: () => void;
  /** MCP servers reached from this worker; one client for every run, so sessions (and connections) are shared. */
  private readonly mcp: WorkerMcp;
  private readonly mcpHub: ReturnType<WorkerMcp['hub']>;
  /** Remote agents reached from this worker; one client per remote agent for every run. */
  private readonly remoteAgents: WorkerRemoteAgents;
  private readonly remoteHub: ReturnType<WorkerRemoteAgents['hub']>;
  /** The local model files each unstopped run here runs on: a file none of them uses is unloaded. */
  private readonly localUse = new Map<string, readonly string[]>();

  constructor(
    db: StudioDb,
    private readonly opts: StudioApiOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.projects = new ProjectStore(db, this.now);
    this.runs = new RunStore(db);
    this.settings = new SettingStore(db);
    this.endpoints = new EndpointStore(db, this.now);
    this.mcp = new WorkerMcp(this.settings, opts.fetch);
    this.mcpHub = this.mcp.hub();
    this.remoteAgents = new WorkerRemoteAgents(this.settings, opts.fetch);
    this.remoteHub = this.remoteAgents.hub();
    this.archive = new DexieArchive(db);
    this.experiments = new ExperimentStore(db, this.now);
    this.otel = new OtelCollector(this.settings);
    this.owner = opts.owner ?? crypto.randomUUID();
    this.leaseMs = opts.leaseMs ?? 6000;
    this.timing = { chunkEvents: 2000, sliceMs: 12, maxBacklog: 50_000, ...opts.timing };
    this.leases = new LeaseKeeper({
      runs: this.runs, owner: this.owner, now: this.now, leaseMs: this.leaseMs, renewMs: opts.renewMs ?? 2000,
      live: () => this.live.values(),
      onLost: (id) => {
        const run = this.live.get(id);
        if (run) this.lose(run);
      },
      onError: (err) => this.report(err, 'keep this tab’s runs'),
    });
    this.unwatch = db.watch((n) => this.notify(n));
  }

  // ---- projects -------------------------------------------------------------------------

  listProjects(): Promise<ProjectSummary[]> {
    return this.guard(() => this.projects.list());
  }

  async createProject(name: string, doc: unknown): Promise<ProjectRecord> {
    const signed = await this.signedForSave(doc);
    return this.guard(() => this.projects.create(name, signed));
  }

  getProject(id: string): Promise<ProjectRecord | undefined> {
    return this.guard(() => this.projects.get(id));
  }

  async saveProject(id: string, doc: unknown, baseRev: number, name?: string): Promise<SaveResult> {
    try {
      return await this.projects.save(id, await this.signedForSave(doc), baseRev, name);
    } catch (err) {
      const e = this.report(err, 'save the project');
      return { ok: false, kind: 'error', message: e.message };
    }
  }

  async deleteProject(id: string): Promise<void> {
    for (const run of [...this.live.values()]) if (run.projectId === id) await this.drop(run);
    await this.guard(() => this.projects.delete(id));
    await this.guard(() => this.experiments.deleteProject(id));
  }

  async listVersions(projectId: string): Promise<ProjectVersion[]> {
    const rows = await this.guard(() => this.projects.versions(projectId));
    return rows.map(({ projectId: p, rev, savedAt, doc }) => ({ projectId: p, rev, savedAt, doc }));
  }

  // ---- runs: reading --------------------------------------------------------------------

  async listRuns(projectId: string): Promise<RunMeta[]> {
    await this.refreshOwners();
    const rows = await this.guard(() => this.runs.list(projectId));
    const metas = rows.map((r) => this.toMeta(r));
    // A run started here whose first commit is still in flight is listed too.
    for (const run of this.live.values()) if (run.projectId === projectId && !rows.some((r) => r.id === run.id)) metas.push(run.meta());
    return metas.sort((a, b) => b.createdAt - a.createdAt);
  }

  async getRun(runId: string): Promise<RunMeta | undefined> {
    await this.refreshOwners();
    const live = this.live.get(runId);
    if (live) return live.meta();
    const row = await this.guard(() => this.runs.get(runId));
    return row && this.toMeta(row);
  }

  async loadEvents(runId: string, from: number, to: number): Promise<KernelEvent[]> {
    const live = this.live.get(runId);
    if (live) return live.kernel.events.slice(Math.max(0, from), Math.max(0, to + 1));
    const head = await this.guard(() => this.runs.headOf(runId));
    if (head === undefined) return [];
    return this.guard(() => this.runs.loadEvents(runId, from, Math.min(to, head)));
  }

  async stateAt(runId: string, seq: number): Promise<KernelState | undefined> {
    const live = this.live.get(runId);
    if (live) return seq >= 0 && seq <= live.kernel.head ? live.kernel.stateAt(seq) : undefined;
    const head = await this.guard(() => this.runs.headOf(runId));
    if (head === undefined || seq < 0 || seq > head) return undefined;
    return this.guard(() => storedStateAt(this.runs, runId, seq));
  }

  // ---- runs: driving --------------------------------------------------------------------

  async startRun(projectId: string, unsignedOrSigned: unknown, seed: number): Promise<StartResult> {
    const first = parseHarness(unsignedOrSigned);
    if (!first.ok) return { ok: false, issues: first.issues };
    const id = crypto.randomUUID();
    const cpus = await this.cpusFor(projectId, first.spec, id);
    if (!cpus.ok) return { ok: false, issues: cpus.issues };
    const { doc, spec, signatures } = await this.signedForRun(unsignedOrSigned, first.spec, projectId);
    const parsed = { spec };
    this.useLocal(id, cpus.localFiles);
    await loadEncodingsFor(parsed.spec);
    const kernel = Kernel.create(parsed.spec, { ...this.kernelOptions(id, seed, cpus.cpus), signatures });
    const started = kernel.events[0];
    const t = this.now();
    const record: RunRecord = {
      id, projectId, harness: parsed.spec.name, seed: kernel.seed, status: 'paused', createdAt: t, updatedAt: t, head: -1,
      specHash: started?.type === 'run.started' ? started.specHash : '', doc,
    };
    return { ok: true, run: await this.adopt(kernel, record) };
  }

  async fork(runId: string, seq: number, doc?: unknown, edits?: StateEdit[]): Promise<StartResult> {
    const parentLive = this.live.get(runId);
    const parent = parentLive?.meta() ?? (await this.guard(() => this.runs.get(runId)));
    if (!parent) throw new Error(`There is no run ${runId} to fork (it may have been deleted).`);
    const head = parentLive ? parentLive.kernel.head : parent.head;
    if (!Number.isInteger(seq) || seq < 0 || seq > head) throw new RangeError(`Cannot fork run ${runId} at event ${seq}: it has events 0..${head}.`);
    const given = doc === undefined ? parent.doc : doc;
    const first = parseHarness(given);
    if (!first.ok) return { ok: false, issues: first.issues };
    const id = crypto.randomUUID();
    const cpus = await this.cpusFor(parent.projectId, first.spec, id);
    if (!cpus.ok) return { ok: false, issues: cpus.issues };
    const { doc: source, spec, signatures } = await this.signedForRun(given, first.spec, parent.projectId);
    const parsed = { spec };
    const prefix = parentLive ? parentLive.kernel.events.slice(0, seq + 1) : await this.guard(() => this.runs.loadEvents(runId, 0, seq));
    this.useLocal(id, cpus.localFiles);
    await loadEncodingsFor(parsed.spec);
    let kernel: Kernel;
    try {
      // A document a person edited (a prompt, a rule) is recorded as human.edited, one per changed place.
      const before = doc === undefined || specHash(parsed.spec) === parent.specHash ? null : parseHarness(parent.doc);
      const changes = before?.ok ? documentChanges(before.spec, parsed.spec) : [];
      kernel = Kernel.fork(prefix, parsed.spec, { ...this.kernelOptions(id, parent.seed, cpus.cpus), signatures, parent: { run: runId, seq }, ...(edits && edits.length > 0 ? { edits } : {}), ...(changes.length > 0 ? { documentChanges: changes } : {}) });
    } catch (err) {
      this.doneWithLocal(id);
      throw new Error(`Cannot fork run ${runId} at event ${seq} with these edits: ${err instanceof Error ? err.message : String(err)}`);
    }
    const forked = kernel.events[seq + 1];
    const t = this.now();
    const record: RunRecord = {
      id, projectId: parent.projectId, harness: parsed.spec.name, seed: kernel.seed, parent: { run: runId, seq }, status: 'paused',
      createdAt: t, updatedAt: t, head: -1, specHash: forked?.type === 'run.forked' ? forked.specHash : parent.specHash, doc: source,
    };
    return { ok: true, run: await this.adopt(kernel, record) };
  }

  async compareRuns(a: string, b: string): Promise<RunDiff> {
    const whole = async (runId: string) => {
      const meta = await this.getRun(runId);
      if (!meta) throw new Error(`There is no run ${runId} to compare (it may have been deleted).`);
      const live = this.live.get(runId);
      const head = live ? live.kernel.head : meta.head;
      if (head < 0) throw new Error(`Run ${runId} has no events yet to compare.`);
      const events = await this.loadEvents(runId, 0, head);
      const end = await this.stateAt(runId, head);
      if (!end) throw new Error(`Run ${runId} has no state at its event ${head}.`);
      return { events, end };
    };
    const [x, y] = [await whole(a), await whole(b)];
    return diffRuns(x.events, y.events, x.end, y.end);
  }

  async labelRun(runId: string, label: { name?: string | null; pinned?: boolean }): Promise<RunMeta | undefined> {
    const row = await this.guard(() => this.runs.label(runId, label));
    if (!row) throw new Error(`There is no stored run ${runId} to name or pin (it may have been deleted, or not saved yet).`);
    this.live.get(runId)?.relabel({ ...(row.name !== undefined ? { name: row.name } : {}), ...(row.pinned ? { pinned: true } : {}) });
    return this.getRun(runId);
  }

  async resume(runId: string): Promise<RunMeta> {
    const live = this.live.get(runId);
    if (live) return live.meta();
    await this.refreshOwners();
    const claim = await this.guard(() => this.runs.claim(runId, this.owner, this.now(), this.leaseMs, this.alive));
    if (!claim.ok) {
      if (claim.reason === 'missing') throw new Error(`There is no run ${runId} (it may have been deleted).`);
      if (claim.reason === 'held') throw new Error(RUN_IN_OTHER_TAB);
      return this.toMeta(claim.run!);
    }
    const row = claim.run;
    try {
      const spec = this.specOf(row);
      const cpus = await this.cpusFor(row.projectId, spec, row.id);
      if (!cpus.ok) throw new Error(`Run ${row.id} cannot continue here: ${cpus.issues.map((i) => i.message).join(' ')}`);
      this.useLocal(runId, cpus.localFiles);
      const events = await this.guard(() => this.runs.loadEvents(runId, 0, row.head));
      const snap = await this.guard(() => this.runs.snapshotAtOrBefore(runId, row.head));
      await loadEncodingsFor(spec);
      const { verified: signatures } = await verifySpec(spec, await this.trustOf(row.projectId));
      const kernel = Kernel.restore(events, spec, { ...this.kernelOptions(runId, row.seed, cpus.cpus), signatures, ...(snap ? { snapshot: snap.state } : {}) });
      const { owner: _o, leaseUntil: _l, ...record } = row;
      const run = this.hold(kernel, record, { head: kernel.head, snapshotSeq: snap?.seq ?? -1 });
      // A run stored waiting on a person was playing when it began to wait (a step that ends
      // waiting is rare and says nothing more): the person's answer plays it on, in place.
      if (kernel.waiting) run.resumeAfterInput = { breakpoints: [] };
      return run.meta();
    } catch (err) {
      // Give the run back so it shows as interrupted again at once.
      await this.runs.commit({ run: { ...row, leaseUntil: 0 }, blocks: [], snapshots: [] }, { owner: this.owner }).catch(() => false);
      throw err;
    }
  }

  async attach(runId: string, sink: BatchSink): Promise<RunMeta | undefined> {
    const old = this.sinks.get(runId);
    this.sinks.set(runId, sink);
    if (old && old !== sink) release(old);
    return this.getRun(runId);
  }

  async play(runId: string, breakpoints: Breakpoint[]): Promise<RunMeta> {
    const run = await this.drivable(runId);
    if (!run) return (await this.getRun(runId))!;
    await this.drive(run, { breakpoints });
    // A run lost to another tab meanwhile: report what is stored, not what this tab computed.
    return run.lost ? (await this.getRun(runId))! : run.meta();
  }

  async pause(runId: string): Promise<void> {
    await this.live.get(runId)?.pause();
  }

  async step(runId: string, unit: 'event' | 'turn', breakpoints: Breakpoint[]): Promise<KernelEvent[]> {
    const run = await this.drivable(runId);
    if (!run) return [];
    if (run.isDriving) throw new Error('The run is playing: pause it before stepping.');
    const outcome = await this.drive(run, unit === 'event' ? { breakpoints, maxEvents: 1 } : { breakpoints, untilType: 'infer.completed' });
    return run.lost ? [] : outcome.events;
  }

  async stepTo(runId: string, req: StepRequest, breakpoints: Breakpoint[]): Promise<{ stop: number | null; events: KernelEvent[] }> {
    const run = await this.drivable(runId);
    if (!run) return { stop: null, events: [] };
    if (run.isDriving) throw new Error('The run is playing: pause it before stepping.');
    const events = run.kernel.events;
    const recorded = findStop(events, req, run.kernel.head);
    if (recorded !== null) return { stop: recorded, events: [] };
    // The stepper sees the recorded events after `at` first, so its count of turns is right.
    const s = stepper(events, req);
    for (let i = req.at + 1; i <= run.kernel.head; i++) s.stopsAt(events[i]!);
    const outcome = await this.drive(run, { breakpoints, stopAfter: (e) => s.stopsAt(e) });
    if (run.lost) return { stop: null, events: [] };
    const last = outcome.events[outcome.events.length - 1];
    // The step's stop, a breakpoint's, the run's stop, or where a pause or a wait for a person left it.
    return { stop: outcome.hit?.seq ?? last?.seq ?? null, events: outcome.events };
  }

  async findStep(runId: string, req: StepRequest): Promise<number | null> {
    const live = this.live.get(runId);
    if (live) return findStop(live.kernel.events, req, live.kernel.head);
    const head = await this.guard(() => this.runs.headOf(runId));
    if (head === undefined) throw new Error(`There is no run ${runId} (it may have been deleted).`);
    return findStopPaged((from, to) => this.guard(() => this.runs.loadEvents(runId, from, to)), req, head);
  }

  async findPause(runId: string, breakpoints: Breakpoint[]): Promise<number | null> {
    const live = this.live.get(runId);
    if (live) return firstPause(live.kernel.events, breakpoints);
    const head = await this.guard(() => this.runs.headOf(runId));
    if (head === undefined) throw new Error(`There is no run ${runId} (it may have been deleted).`);
    return firstPausePaged((from, to) => this.guard(() => this.runs.loadEvents(runId, from, to)), breakpoints, head);
  }

  async contextAt(runId: string, seq: number, agent: string): Promise<ContextAnswer | null> {
    const live = this.live.get(runId);
    if (live) {
      const k = live.kernel;
      return this.contexts.answer(runId, { spec: k.document, seed: live.meta().seed, head: k.head, events: (from, to) => k.events.slice(from, to + 1), stateAt: (s) => k.stateAt(s) }, seq, agent);
    }
    const row = await this.guard(() => this.runs.get(runId));
    if (!row) return null;
    const source = { spec: this.specOf(row), seed: row.seed, head: row.head, events: (from: number, to: number) => this.guard(() => this.runs.loadEvents(runId, from, to)), stateAt: (s: number) => this.guard(() => storedStateAt(this.runs, runId, s)) };
    return this.contexts.answer(runId, source, seq, agent);
  }

  async input(runId: string, input: HumanInput, breakpoints?: Breakpoint[]): Promise<RunMeta> {
    const run = await this.drivable(runId);
    if (!run) throw new Error(`Run ${runId} has stopped or is not here: a human can only act on a live run.`);
    const queued = run.kernel.submit(input);
    if (!queued.ok) throw new Error(`Cannot ${input.kind} in run ${runId}: ${queued.error}.`);
    // In place: a play that waited for this answer plays on (under the breakpoints set now, if
    // given); otherwise just the answer is recorded.
    const resume = run.resumeAfterInput;
    run.resumeAfterInput = null;
    await this.drive(run, resume ? { ...resume, ...(breakpoints ? { breakpoints } : {}) } : { breakpoints: breakpoints ?? [], maxEvents: 1 });
    return run.lost ? (await this.getRun(runId))! : run.meta();
  }

  async searchArchive(runId: string, store: string, query: string, k: number, atT?: number): Promise<ArchiveHit[]> {
    const ns = `${runId}/${store}`;
    if (atT === undefined) return this.guard(() => this.archive.search(ns, query, k));
    // Chunks filed after the scrubber's time are not there yet at that time: ask for more, keep the earlier ones.
    const total = await this.guard(() => this.archive.count(ns));
    const hits = await this.guard(() => this.archive.search(ns, query, total));
    return hits.filter((h) => h.chunk.t <= atT).slice(0, k);
  }

  async deleteRun(runId: string): Promise<void> {
    this.contexts.drop(runId);
    const live = this.live.get(runId);
    if (live) await this.drop(live);
    const sink = this.sinks.get(runId);
    this.sinks.delete(runId);
    if (sink) release(sink);
    await this.guard(() => this.runs.delete(runId));
    await this.guard(() => this.archive.clear(`${runId}/`));
  }

  // ---- notices and settings -------------------------------------------------------------

  async onNotice(sink: (notice: Notice) => void): Promise<void> {
    this.noticeSinks.add(sink);
    for (const n of this.early.splice(0)) deliver(sink, n, () => this.noticeSinks.delete(sink));
  }

  // ---- model endpoints (keys stay in this worker) -------------------------------------------

  mcpConnect(url: string): Promise<McpConnectResult> {
    return this.mcp.connect(url);
  }

  async setMcpAuth(url: string, header: string, value: string | null): Promise<void> {
    await this.mcp.setAuth(url, header, value);
    // Sessions opened with the old header are closed; the next call opens one with the new.
    await this.mcpHub.close();
  }

  remoteAgentCard(url: string): Promise<RemoteCardResult> {
    return this.remoteAgents.card(url);
  }

  private get trust(): SigningTrustStudioApi {
    return signingTrustApi(this.settings, () => this.signingKey());
  }
  trustedKeys(projectId: string): Promise<TrustedKeySummary[]> {
    return this.guard(() => this.trust.trustedKeys(projectId));
  }
  addTrustedKey(projectId: string, scope: 'org' | 'project', key: string, label: string): Promise<TrustedKeySummary> {
    return this.guard(() => this.trust.addTrustedKey(projectId, scope, key, label));
  }
  removeTrustedKey(projectId: string, scope: 'org' | 'project', thumbprint: string): Promise<void> {
    return this.guard(() => this.trust.removeTrustedKey(projectId, scope, thumbprint));
  }
  signatureStanding(projectId: string, doc: unknown): Promise<SignatureStanding> {
    return this.guard(() => this.trust.signatureStanding(projectId, doc));
  }

  async setRemoteAuth(url: string, header: string, value: string | null): Promise<void> {
    await this.remoteAgents.setAuth(url, header, value);
    // Clients opened with the old header are dropped; the next message opens one with the new.
    this.remoteHub.reset();
  }

  listEndpoints(): Promise<EndpointSummary[]> {
    return this.guard(() => this.endpoints.list());
  }

  saveEndpoint(input: EndpointInput): Promise<EndpointSummary> {
    return this.guard(() => this.endpoints.save(input));
  }

  deleteEndpoint(id: string): Promise<void> {
    return this.guard(() => this.endpoints.delete(id));
  }

  async testEndpoint(id: string): Promise<EndpointTest> {
    const row = await this.guard(() => this.endpoints.withKey(id));
    if (!row) return { ok: false, kind: 'missing', message: 'This endpoint is no longer stored.', fix: 'Add it again in Settings.' };
    return testEndpoint(row, this.opts.fetch);
  }

  // ---- local models (GGUF files in OPFS, run by the local CPU) ------------------------------

  async listLocalModels(): Promise<LocalModelSummary[]> {
    return this.opts.localModels ? this.opts.localModels.list() : [];
  }

  storeLocalModel(file: Blob, name: string, onProgress?: (written: number, total: number) => void): Promise<LocalModelSummary> {
    if (!this.opts.localModels) return Promise.reject(new Error(NO_LOCAL_CPU));
    // The progress callback is the page's (a comlink proxy): a page gone mid-copy must not fail
    // the copy, and a multi-GB file in 64 kB chunks is told about per percent, not per chunk.
    let told = -1;
    const progress =
      onProgress &&
      ((w: number, t: number) => {
        const pct = t > 0 ? Math.floor((w / t) * 100) : 100;
        if (pct === told) return;
        told = pct;
        deliver((v: [number, number]) => onProgress(v[0], v[1]), [w, t], () => undefined);
      });
    return this.opts.localModels.store(file, name, progress);
  }

  async deleteLocalModel(name: string): Promise<void> {
    await this.opts.localModels?.remove(name);
  }

  async onLocalModelStatus(sink: (status: LocalModelStatus) => void): Promise<void> {
    this.opts.localModels?.onStatus(sink);
  }

  // ---- the injection suite (the Permissions view's scores) -----------------------------------

  /** The scoring in progress here, if any (one at a time). */
  private suiteScoring: SuiteScoring | null = null;

  async scoreInjectionSuite(request: SuiteRequest, onProgress?: (done: number, total: number) => void): Promise<SuiteReport> {
    if (this.suiteScoring) throw new Error('The injection suite is already being scored in this tab: wait for it, or Cancel it first.');
    const scoring: SuiteScoring = { cancelled: false };
    this.suiteScoring = scoring;
    try {
      const { run, cpu } = request.cpu ? await this.suiteOnEndpoint(request.cpu, scoring) : { run: workerSuiteRunner({ now: this.now, sliceMs: this.timing.sliceMs }), cpu: 'sim' };
      return await scoreServedSuite(request, { fetch: this.opts.fetch ?? ((input) => fetch(input)), run, cpu }, scoring, onProgress);
    } finally {
      this.suiteScoring = null;
      this.doneWithLocal(SUITE_RUN);
    }
  }

  /**
   * The suite's runner on a chosen endpoint: every model of each harness rebound to it, its CPUs
   * made as a run's are (resolveModelEndpoints with the stored key, or the local CPU for a
   * `local:<file>`); Cancel abandons the run in progress. Rejects naming the endpoint when it is gone or no model name is given.
   */
  private async suiteOnEndpoint(choice: { endpoint: string; model: string }, scoring: SuiteScoring): Promise<{ run: ReturnType<typeof workerSuiteRunner>; cpu: string }> {
    const { provider, model, label } = await this.chosenCpu(choice, { what: 'the injection suite', toDo: 'score the suite on it' });
    const run = workerSuiteRunner({
      now: this.now,
      sliceMs: this.timing.sliceMs,
      rebind: (spec) => onSuiteCpu(spec, provider, model),
      // A real model's run can take minutes: Cancel abandons it at its next event, not after it.
      abandon: () => scoring.cancelled,
      cpus: async (spec) => {
        const bindings = Object.fromEntries(spec.models.map((m) => [m.id, choice.endpoint]));
        const r = await this.cpusForBindings(spec, bindings, SUITE_RUN);
        if (!r.ok) throw new Error(r.issues.map((i) => i.message).join(' '));
        this.useLocal(SUITE_RUN, r.localFiles);
        return r.cpus;
      },
    });
    return { run, cpu: label };
  }

  /** A chosen real CPU (a Settings endpoint or `local:<file>`): the provider to rebind models to, the model name, and how to name it. */
  private async chosenCpu(choice: SuiteCpu, words: { what: string; toDo: string }): Promise<{ provider: 'openai-compatible' | 'anthropic'; model: string; label: string }> {
    const file = localModelFile(choice.endpoint);
    let model = choice.model.trim();
    if (file !== null) return { provider: 'openai-compatible', model: model || file, label: `local: ${file}` };
    const row = (await this.guard(() => this.endpoints.list())).find((e) => e.id === choice.endpoint);
    if (!row) throw new Error(`The endpoint chosen for ${words.what} is no longer in Settings: choose another.`);
    if (model === '') throw new Error(`Name the model ${row.name} serves (Settings › Test lists them) to ${words.toDo}.`);
    return { provider: row.kind === 'anthropic' ? 'anthropic' : 'openai-compatible', model, label: `${model} at ${row.name}` };
  }

  async cancelInjectionSuite(): Promise<void> {
    if (this.suiteScoring) this.suiteScoring.cancelled = true;
  }

  getSetting(key: string): Promise<unknown> {
    // The collector's headers are kept like API keys: only otelCollector.ts reads them.
    if (key === OTEL_COLLECTOR_KEY) return Promise.resolve(undefined);
    return this.guard(() => this.settings.get(key));
  }

  setSetting(key: string, value: unknown): Promise<void> {
    if (key === OTEL_COLLECTOR_KEY) return Promise.reject(new Error('The collector is saved through saveOtelCollector.'));
    return this.guard(() => this.settings.set(key, value));
  }

  // ---- OpenTelemetry export (kernel/otel; the collector in otelCollector.ts) -----------------

  getOtelCollector(): Promise<OtelCollectorSummary | null> {
    return this.guard(() => this.otel.summary());
  }

  saveOtelCollector(input: OtelCollectorInput): Promise<OtelCollectorSummary> {
    return this.guard(() => this.otel.save(input));
  }

  deleteOtelCollector(): Promise<void> {
    return this.guard(() => this.otel.remove());
  }

  async runOtlp(runId: string): Promise<string> {
    const meta = await this.getRun(runId);
    if (!meta) throw new Error('This run is no longer stored.');
    const parsed = parseHarness(meta.doc);
    const events: KernelEvent[] = [];
    for await (const e of this.eventsOf(runId, meta.head)) events.push(e);
    return JSON.stringify(traceToOtlp(events, { startUnixMs: meta.createdAt, ...(parsed.ok ? { models: otelModels(parsed.spec), withhold: exportFilter(parsed.spec, 'otel') } : {}) }));
  }

  async sendRunOtlp(runId: string): Promise<OtelSendResult> {
    const meta = await this.getRun(runId);
    if (!meta) throw new Error('This run is no longer stored.');
    const keys = await this.guard(async () => Promise.all((await this.endpoints.list()).filter((e) => e.hasKey).map(async (e) => (await this.endpoints.withKey(e.id))?.apiKey ?? '')));
    const origin = typeof location === 'object' && location !== null ? (location as { origin?: string }).origin ?? null : null;
    return this.otel.send(this.eventsOf(runId, meta.head), meta, [...documentSecrets(meta.doc), ...keys], this.opts.fetch ?? fetch, origin);
  }

  /** A run's events 0..head, read a block at a time (a long run is never loaded whole). */
  private async *eventsOf(runId: string, head: number): AsyncGenerator<KernelEvent> {
    for (let from = 0; from <= head; from += 4096) {
      const chunk = await this.loadEvents(runId, from, Math.min(head, from + 4095));
      if (chunk.length === 0) return;
      yield* chunk;
    }
  }

  // ---- experiments (stored here; run in the page's worker pool) ------------------------------

  listExperiments(projectId: string): Promise<ExperimentMeta[]> {
    return this.guard(() => this.experiments.list(projectId));
  }
  createExperiment(projectId: string, name: string, file: unknown): Promise<ExperimentMeta> {
    return this.guard(() => this.experiments.create(projectId, name, file));
  }
  updateExperiment(id: string, patch: ExperimentUpdate): Promise<ExperimentMeta> {
    return this.guard(() => this.experiments.update(id, patch));
  }
  putExperimentRecords(id: string, records: ExperimentRecord[]): Promise<void> {
    return this.guard(() => this.experiments.putRecords(id, records));
  }
  experimentRecords(id: string): Promise<ExperimentRecord[]> {
    return this.guard(() => this.experiments.records(id));
  }
  clearExperimentRecords(id: string): Promise<void> {
    return this.guard(() => this.experiments.clearRecords(id));
  }
  deleteExperiment(id: string): Promise<void> {
    return this.guard(() => this.experiments.delete(id));
  }
  exportExperiment(id: string): Promise<ExperimentExport> {
    return this.guard(() => this.experiments.exportOne(id));
  }
  importExperiment(projectId: string, file: unknown): Promise<ExperimentMeta> {
    return this.guard(() => this.experiments.importOne(projectId, file));
  }

  /** Experiments prepared here by hash (the page sends the resolved file with each job; a few are kept). */
  private readonly preparedExperiments = new Map<string, Experiment>();
  /** Moved on by endExperimentJobs(true): runs started before it are abandoned at their next event. */
  private experimentCancels = 0;

  async runExperimentJob(file: ResolvedExperiment, job: RunJob, cpu: SuiteCpu, experimentId?: string): Promise<ExperimentRecord> {
    let exp = this.preparedExperiments.get(job.experiment);
    if (!exp) {
      const prepared = prepareExperiment(file);
      if (!prepared.ok) throw new Error(`The experiment does not load: ${prepared.issues.map((i) => i.message).join('; ')}`);
      exp = prepared.experiment;
      if (this.preparedExperiments.size >= 4) this.preparedExperiments.clear();
      this.preparedExperiments.set(exp.hash, exp);
    }
    if (exp.hash !== job.experiment) throw new Error(`a job of experiment ${job.experiment} came with the file of ${exp.hash}`);
    const started = this.experimentCancels;
    const { provider, model } = await this.chosenCpu(cpu, { what: 'the experiment', toDo: 'run the experiment on it' });
    return runWebExperimentJob(exp, job, {
      rebind: (spec) => onSuiteCpu(spec, provider, model),
      abandoned: () => this.experimentCancels !== started,
      ...(experimentId === undefined ? {} : { keep: (run: Parameters<NonNullable<JobCpu['keep']>>[0]) => this.keepExperimentTrace(experimentId, run) }),
      cpus: async (spec) => {
        const bindings = Object.fromEntries(spec.models.map((m) => [m.id, cpu.endpoint]));
        const r = await this.cpusForBindings(spec, bindings, EXPERIMENT_RUNS);
        if (!r.ok) throw new EndpointUnusableError(r.issues.map((i) => i.message).join(' '));
        this.useLocal(EXPERIMENT_RUNS, r.localFiles);
        return r.cpus;
      },
    });
  }

  /** Keeps a real-CPU run's trace (the model's answers recorded in it) and the document it ran beside its record. */
  private keepExperimentTrace(experimentId: string, { spec, kernel, record }: Parameters<NonNullable<JobCpu['keep']>>[0]): Promise<void> {
    const started = kernel.events[0];
    const stopped = kernel.state.stopped;
    return this.guard(() =>
      this.experiments.putTrace(experimentId, runKey(record), {
        doc: spec, harness: spec.name, seed: kernel.seed, specHash: started?.type === 'run.started' ? started.specHash : '',
        ...(stopped ? { stopReason: stopped.reason, stopDetail: stopped.detail } : {}), head: kernel.head, events: kernel.events,
      }),
    );
  }

  async openExperimentRun(projectId: string, experimentId: string, key: string): Promise<RunMeta> {
    const kept = await this.guard(() => this.experiments.trace(experimentId, key));
    if (!kept) throw new Error('This run\'s trace was not kept (it ran before the studio kept real-CPU traces, or came in an imported file): run the experiment again on its CPU to open its runs.');
    const t = this.now();
    const { events, ...about } = kept;
    const row: RunRow = {
      id: crypto.randomUUID(), projectId, harness: about.harness, seed: about.seed, status: 'stopped', createdAt: t, updatedAt: t, head: about.head, specHash: about.specHash, doc: about.doc,
      ...(about.stopReason ? { stopReason: about.stopReason } : {}), ...(about.stopDetail !== undefined ? { stopDetail: about.stopDetail } : {}),
    };
    // A stopped run made of the recorded trace: it is read (scrubbed, stepped) from storage, never driven, so no model is asked.
    await this.guard(() => this.runs.commit({ run: row, blocks: toEventBlocks(row.id, events, 0, about.head), snapshots: [] }, { create: true }));
    return this.toMeta(row);
  }

  // ---- trace files (JSONL in and out; the page reads and writes the files) ---------------------

  async importRun(projectId: string, trace: ImportedTrace): Promise<RunMeta> {
    const t = this.now();
    const row: RunRow = {
      id: crypto.randomUUID(), projectId, harness: trace.harness, seed: trace.seed, status: 'stopped', createdAt: t, updatedAt: t, head: trace.head, specHash: trace.specHash, doc: trace.doc,
      ...(trace.stopReason ? { stopReason: trace.stopReason } : {}), ...(trace.stopDetail !== undefined ? { stopDetail: trace.stopDetail } : {}),
    };
    // Like a kept experiment trace: a stopped run read (scrubbed, stepped, forked) from storage, never driven.
    await this.guard(() => this.runs.commit({ run: row, blocks: toEventBlocks(row.id, trace.events, 0, trace.head), snapshots: [] }, { create: true }));
    return this.toMeta(row);
  }

  async runTraceHash(runId: string): Promise<string> {
    const live = this.live.get(runId);
    if (live) return live.kernel.traceHash();
    const meta = await this.getRun(runId);
    if (!meta) throw new Error('This run is no longer stored.');
    const hasher = new TraceHasher();
    for await (const e of this.eventsOf(runId, meta.head)) hasher.addEvent(e);
    return hasher.digest();
  }

  async endExperimentJobs(cancelled: boolean): Promise<void> {
    if (cancelled) this.experimentCancels++;
    this.doneWithLocal(EXPERIMENT_RUNS);
  }

  async close(): Promise<void> {
    this.leases.stop();
    for (const run of this.live.values()) await run.pause();
    for (const run of this.live.values()) await run.writer.flush();
    this.unwatch();
  }

  // ---- internals ------------------------------------------------------------------------

  private keyPair: Promise<CryptoKeyPair> | null = null;

  /** This browser's signing key (made once; the private half never leaves IndexedDB). */
  private signingKey(): Promise<CryptoKeyPair> {
    this.keyPair ??= loadOrCreateSigningKey(this.settings).catch((err: unknown) => {
      this.keyPair = null;
      throw err;
    });
    return this.keyPair;
  }

  /** Saved here means signed here: the prompts and the policy, with this browser's key (a document with issues is stored as it is). */
  private async signedForSave(doc: unknown): Promise<unknown> {
    const parsed = parseHarness(doc);
    return parsed.ok ? withSignatures(doc, await signSpec(parsed.spec, await this.signingKey(), this.now())) : doc;
  }

  /**
   * The document a run starts from, signed, and the digests whose signatures verify. A document
   * the studio holds unsigned (the user edits here) is signed now, as a save would; a signed one
   * (imported, stored) is checked as it is, so an edit made outside the studio shows.
   */
  private async signedForRun(doc: unknown, spec: HarnessSpec, projectId: string): Promise<{ doc: unknown; spec: HarnessSpec; signatures: VerifiedDigests }> {
    let signedDoc = doc;
    let signedSpec = spec;
    if (!spec.signatures) {
      const sigs = await signSpec(spec, await this.signingKey(), this.now());
      signedDoc = withSignatures(doc, sigs);
      signedSpec = { ...spec, signatures: sigs };
    }
    // Only keys in the project's trust store count (this browser's own, the org's, the project's).
    const { verified } = await verifySpec(signedSpec, await this.trustOf(projectId));
    return { doc: signedDoc, spec: signedSpec, signatures: verified };
  }

  /** The trust store a run of `projectId` is verified against. */
  private trustOf(projectId: string) {
    return this.guard(() => trustFor(this.settings, projectId, () => this.signingKey()));
  }

  /**
   * The kernel's CPUs for a run of `spec` in `projectId`: this worker's own, plus one per real
   * model from the endpoint this browser chose for it (Settings, with its key: the CPUs stay in
   * the worker, only issues without keys leave). Refused, naming the model, when a chosen
   * endpoint cannot be used or a model has no CPU at all. What the models stream goes to run
   * `runId`'s live generations (to the UI with its next batch), never into its trace.
   */
  private async cpusFor(projectId: string, spec: HarnessSpec, runId: string): Promise<{ ok: true; cpus: Record<string, Cpu>; localFiles: string[] } | { ok: false; issues: SpecIssue[] }> {
    const bindings = await this.guard(() => this.settings.get(modelEndpointsKey(projectId)));
    return this.cpusForBindings(spec, bindings, runId);
  }

  /** As cpusFor, with the model → endpoint choices given (the suite's: every model on one endpoint). */
  private async cpusForBindings(spec: HarnessSpec, bindings: unknown, runId: string): Promise<{ ok: true; cpus: Record<string, Cpu>; localFiles: string[] } | { ok: false; issues: SpecIssue[] }> {
    const { endpoints: network, local, problems } = await this.guard(() => resolveModelEndpoints(spec, bindings, this.endpoints));
    const endpoints: Record<string, ModelEndpoint> = { ...network };
    const localFiles = [...new Set(Object.values(local))];
    // Loaded before the run starts (phases go to the UI as status): a file that is gone or does
    // not load refuses the run, naming the model and the file, instead of failing its first turn.
    for (const file of localFiles) {
      const models = Object.keys(local).filter((id) => local[id] === file);
      const failed = !this.opts.localModels ? `${NO_LOCAL_CPU}` : await this.opts.localModels.acquire(file).then(() => null, (err: unknown) => (err instanceof ProviderError ? `${err.failure.message} ${err.failure.fix}` : String(err)));
      for (const id of models) {
        if (failed) problems.push(`model "${id}" runs on the local file ${file}: ${failed}`);
        else endpoints[id] = this.opts.localModels!.provider(file);
      }
    }
    if (problems.length > 0) {
      return {
        ok: false,
        issues: problems.map((message) => {
          const i = spec.models.findIndex((m) => message.startsWith(`model "${m.id}"`));
          return { path: i >= 0 ? `models[${i}].provider` : 'models', message };
        }),
      };
    }
    const cannotRun = checkRunnable(spec, [...BUILTIN_PROVIDERS, ...Object.keys(this.opts.cpus ?? {})], Object.keys(endpoints));
    if (cannotRun.length > 0) return { ok: false, issues: cannotRun };
    const onDelta = (d: ModelDelta): void => this.live.get(runId)?.generations.add(d);
    const own = createModelCpus(spec, endpoints, this.opts.fetch ? { fetch: this.opts.fetch } : {}, { onDelta });
    return { ok: true, cpus: { ...this.opts.cpus, ...own }, localFiles };
  }

  private useLocal(runId: string, files: readonly string[]): void {
    if (files.length > 0) this.localUse.set(runId, files);
  }

  /** The run no longer needs its local models: unload the one loaded if no other unstopped run here uses it. */
  private doneWithLocal(runId: string): void {
    if (!this.localUse.delete(runId) || !this.opts.localModels) return;
    this.opts.localModels.keepOnly(new Set([...this.localUse.values()].flat()));
  }

  /** The run's MCP client: the shared hub, with each call's progress shown live in that run's batches. */
  private mcpPort(runId: string): McpPort {
    return { call: (req) => this.mcpHub.call(req, (p) => this.live.get(runId)?.generations.progress(req, p)) };
  }

  private kernelOptions(runId: string, seed: number, cpus: Record<string, Cpu>) {
    const onArchiveError = (err: unknown) => this.report(err, 'save the run’s archival memory (searches in this run go on from memory)');
    return { runId, seed, archive: this.archive, onArchiveError, mcp: this.mcpPort(runId), a2a: this.remoteHub, ...(Object.keys(cpus).length > 0 ? { cpus } : {}), ...(this.opts.snapshotEvery ? { snapshotEvery: this.opts.snapshotEvery } : {}) };
  }

  private specOf(row: RunRow): HarnessSpec {
    const parsed = parseHarness(row.doc);
    if (!parsed.ok) throw new Error(`Run ${row.id} cannot continue: its document no longer parses (${parsed.issues[0]?.message ?? 'invalid'}). Fork it with a corrected document instead.`);
    return parsed.spec;
  }

  /** Holds a new run live and commits its first events (creating its row). */
  private async adopt(kernel: Kernel, record: RunRecord): Promise<RunMeta> {
    const run = this.hold(kernel, record);
    if (!(await run.writer.flush())) {
      this.live.delete(run.id);
      run.batcher.cancel();
      throw run.writer.error ?? new Error('Could not save the new run.');
    }
    if (run.stopped) this.retire(run);
    return run.meta();
  }

  private hold(kernel: Kernel, record: RunRecord, committed?: { head: number; snapshotSeq: number }): LiveRun {
    const run = new LiveRun(kernel, record, this.timing, (batch) => this.send(batch), this.opts.frameMs ?? 16, (self) =>
      new RunWriter(
        kernel,
        {
          store: this.runs, owner: this.owner, now: this.now, leaseMs: this.leaseMs, flushMs: this.opts.flushMs ?? 250, flushEvents: this.opts.flushEvents ?? 256,
          record: () => self.storedRecord(this.now()),
          onLost: () => this.lose(self),
          onError: (err) => {
            this.notify({ level: 'error', message: err.message });
            this.leases.start();
          },
        },
        committed,
      ),
    );
    this.live.set(run.id, run);
    this.leases.start();
    return run;
  }

  /** The live run to drive: held here, or resumed if interrupted; undefined when it has stopped. */
  private async drivable(runId: string): Promise<LiveRun | undefined> {
    let run = this.live.get(runId);
    if (!run) {
      const meta = await this.getRun(runId);
      if (!meta) throw new Error(`There is no run ${runId} (it may have been deleted).`);
      if (meta.status === 'stopped') return undefined;
      if (meta.status !== 'interrupted') throw new Error(RUN_IN_OTHER_TAB);
      await this.resume(runId);
      run = this.live.get(runId)!;
    }
    return run.stopped ? undefined : run;
  }

  private async drive(run: LiveRun, req: Parameters<LiveRun['drive']>[0]) {
    try {
      const outcome = await run.drive(req);
      if (run.stopped) this.retire(run);
      return outcome;
    } catch (err) {
      if (err instanceof StorageError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`The run paused at event ${run.kernel.head} because the kernel failed: ${message}`);
    }
  }

  /**
   * Keeps the latest `keepStopped` stopped runs live (fast seeks); older ones are read back
   * from storage. A run with unsaved events stays until its writes land.
   */
  private retire(run: LiveRun): void {
    this.doneWithLocal(run.id);
    if (!this.stoppedOrder.includes(run.id)) this.stoppedOrder.push(run.id);
    const keep = this.opts.keepStopped ?? 4;
    for (let i = 0; i < this.stoppedOrder.length && this.stoppedOrder.length > keep; ) {
      const old = this.live.get(this.stoppedOrder[i]!);
      const evictable = !old || (!old.isDriving && old.writer.backlog === 0 && old.writer.error === null);
      if (!evictable) {
        i++;
        continue;
      }
      if (old) this.live.delete(old.id);
      this.stoppedOrder.splice(i, 1);
    }
  }

  private async drop(run: LiveRun): Promise<void> {
    this.live.delete(run.id);
    this.doneWithLocal(run.id);
    await run.dispose();
  }

  private lose(run: LiveRun): void {
    if (this.live.get(run.id) !== run) return; // dropped here on purpose
    this.live.delete(run.id);
    this.doneWithLocal(run.id);
    run.lost = true;
    run.batcher.cancel();
    this.notify({ level: 'warning', message: LOST_RUN });
  }

  /** The stored row as the UI sees it (live here: the live run's own view). */
  private toMeta(row: RunRow): RunMeta {
    return this.live.get(row.id)?.meta() ?? storedRunMeta(row, this.owner, this.now(), this.alive);
  }

  /** Owners alive as of the last look (null: unknown, leases decide). */
  private alive: ReadonlySet<string> | null = null;

  private async refreshOwners(): Promise<void> {
    if (!this.opts.liveOwners) return;
    this.alive = await this.opts.liveOwners().catch(() => null);
  }

  private send(batch: EventBatch): void {
    const sink = this.sinks.get(batch.runId);
    if (sink) deliver(sink, batch, () => this.sinks.get(batch.runId) === sink && this.sinks.delete(batch.runId));
  }

  private notify(notice: Notice): void {
    if (this.noticeSinks.size === 0) {
      this.early.push(notice);
      if (this.early.length > 20) this.early.shift();
      return;
    }
    for (const sink of this.noticeSinks) deliver(sink, notice, () => this.noticeSinks.delete(sink));
  }

  /** Maps a storage failure to its message, tells the user when it needs action, and returns it. */
  private report(err: unknown, action: string): StorageError {
    const e = toStorageError(err, action);
    if (e.kind === 'quota' || e.kind === 'unavailable') this.notify({ level: 'error', message: e.message });
    return e;
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      throw this.report(err, 'use storage');
    }
  }
}
