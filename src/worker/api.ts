/**
 * The contract between the UI and the kernel worker. The worker implements StudioApi
 * (src/worker/studioApi.ts); the UI reaches it only through the comlink proxy made in
 * src/bridge/client.ts, and imports these types from src/bridge/api.ts, which re-exports them.
 * The contract lives here, with its implementer, because the worker may not import the bridge.
 * Everything crossing here is structured-clone safe.
 */
import type { ArchiveHit, HumanInput, KernelEvent, RunDiff, StateEdit, KernelState, ResolvedExperiment, RunJob, RunRecord, SpecIssue, StepRequest, StopReason, SuiteEntry, SuiteResult, SuiteScore } from '../kernel';

export interface ProjectSummary {
  id: string;
  name: string;
  rev: number;
  createdAt: number;
  updatedAt: number;
}

/** A project holds the harness document as the user last wrote it — valid or not, never lost. */
export interface ProjectRecord extends ProjectSummary {
  doc: unknown;
}

export interface ProjectVersion {
  projectId: string;
  rev: number;
  savedAt: number;
  doc: unknown;
}

/** A save names the revision it was based on; a newer stored revision is a conflict, not an overwrite. */
export type SaveResult =
  | { ok: true; rev: number; updatedAt: number }
  | { ok: false; kind: 'conflict'; currentRev: number; updatedAt: number; message: string }
  | { ok: false; kind: 'error'; message: string };

/** waiting: every agent that could go on waits for a human (an approval prompt); an input resumes it in place. */
export type RunStatus = 'running' | 'paused' | 'waiting' | 'stopped' | 'interrupted';

export interface RunMeta {
  id: string;
  projectId: string;
  harness: string;
  seed: number;
  parent?: { run: string; seq: number };
  status: RunStatus;
  stopReason?: StopReason;
  stopDetail?: string;
  createdAt: number;
  updatedAt: number;
  /** seq of the last committed event; -1 when none. */
  head: number;
  specHash: string;
  /** The document the run was started from (needed to resume or fork it). */
  doc: unknown;
  /** The name the person gave it in Runs, and whether they pinned it (kept in the run's row). */
  name?: string;
  pinned?: boolean;
}

/** A trace file the page has read (kernel readTraceFile), to store as a run of a project (StudioApi.importRun). */
export interface ImportedTrace {
  events: KernelEvent[];
  harness: string;
  seed: number;
  specHash: string;
  head: number;
  stopReason?: StopReason;
  stopDetail?: string;
  /** The document to resume or fork it with (the project's, when its spec hash is the trace's), else null. */
  doc: unknown;
}

/**
 * What a breakpoint is set on (worker/matchBreakpoint.ts says what each matches): an event type,
 * an agent, a tool (once per call), a permission decision (`deny` / `ask`), a goal turning true or
 * false, a budget throttle, a fact-tagged segment leaving a window, or any event (`when`: its
 * condition alone decides).
 */
export const BREAKPOINT_KINDS = ['event', 'agent', 'tool', 'decision', 'goal-true', 'goal-false', 'throttle', 'fact-evicted', 'when'] as const;
export type BreakpointKind = (typeof BREAKPOINT_KINDS)[number];

/** Pause the run after an event that matches (or, as a logpoint, print a line and go on). */
export interface Breakpoint {
  id: string;
  kind: BreakpointKind;
  /**
   * An event type, an agent id, a tool id, `deny` or `ask`, a goal id, a budget group / agent /
   * model, an agent; `*` (or empty) for any where the kind allows it; empty for `when`.
   */
  value: string;
  enabled: boolean;
  /** An expression over the event's fields (kernel/trace/watchExpr.ts): the breakpoint matches only when it holds. */
  condition?: string;
  /** A logpoint's line, `{expr}` holes filled from the event: printed to the log, the run does not pause. */
  log?: string;
}

/** A line a logpoint printed at event `seq`. */
export interface LogLine {
  seq: number;
  breakpoint: string;
  text: string;
}

/**
 * A real model's generation streaming now: what it has said so far in one turn in flight.
 * Ephemeral (never a trace event, never stored): the trace's infer.completed holds the answer.
 */
/** An MCP tool call running now that reported progress (never in the trace: tool.returned keeps the last report). */
export interface LiveToolCall {
  agent: string;
  callId: string;
  /** The MCP server's id in the document, and the tool's name on it. */
  server: string;
  tool: string;
  progress: number;
  total?: number;
}

export interface LiveGeneration {
  agent: string;
  turn: number;
  /** The document's model id. */
  model: string;
  /** The end of the text so far (the last few hundred characters), tool-call arguments included. */
  text: string;
  /** Characters streamed so far. */
  chars: number;
  /** Output tokens so far: the tokenizer's estimate (the provider reports usage when the turn completes). */
  tokens: number;
}

/** What the worker pushes to the UI: at most one batch per animation frame per run. */
export interface EventBatch {
  runId: string;
  events: KernelEvent[];
  head: number;
  status: RunStatus;
  stopReason?: StopReason;
  /** Set when the run paused because a breakpoint matched the event at `seq`. */
  hit?: { seq: number; breakpoint: Breakpoint };
  /** Lines logpoints printed for these events. */
  logs?: LogLine[];
  /** Set when the generations streaming changed: all of them now (empty: none streams any more). */
  live?: LiveGeneration[];
  /** MCP calls running now with their last progress report, when that list changed. */
  liveCalls?: LiveToolCall[];
}

export type StartResult = { ok: true; run: RunMeta } | { ok: false; issues: SpecIssue[] };

export interface Notice {
  level: 'info' | 'warning' | 'error';
  /** Says what happened and what to do, e.g. "Storage is full: delete old runs in Runs". */
  message: string;
}

/** Model endpoints as Settings sees them (never a key) and what it saves: persist owns the shapes. */
import type { EndpointInput, EndpointSummary } from '../persist/EndpointStore';
import type { McpStudioApi } from './mcpApi';
import type { ContextAnswer } from './contextAt';
export type { ContextAnswer } from './contextAt';
export type { McpConnectResult, McpToolSummary } from './mcpApi';
import type { RemoteAgentStudioApi } from './a2aRemoteApi';
import type { SigningTrustStudioApi } from './signingTrustApi';
export type { SignatureStanding, TrustedKeySummary } from './signingTrustApi';
export type { RemoteCardResult, RemoteCardSummary, RemoteSkill } from './a2aRemoteApi';
export type { EndpointInput, EndpointKind, EndpointSummary } from '../persist/EndpointStore';

/** The setting that holds a project's choice of endpoint per real model (model id → endpoint id, so a rename keeps it; a binding stored before ids holds the name, and still resolves). */
export const modelEndpointsKey = (projectId: string): string => `modelEndpoints/${projectId}`;

/**
 * A stored local model (a GGUF in this browser's origin-private file system) is an endpoint
 * too: a model's binding `local:<file name>` runs it on the local CPU. Network endpoints may
 * not be named so (EndpointStore refuses the prefix).
 */
export const LOCAL_MODEL_PREFIX = 'local:';
export const localModelBinding = (fileName: string): string => `${LOCAL_MODEL_PREFIX}${fileName}`;
/** The file a binding names, or null for a network endpoint's name. */
export const localModelFile = (binding: string): string | null => (binding.startsWith(LOCAL_MODEL_PREFIX) ? binding.slice(LOCAL_MODEL_PREFIX.length) : null);

/** A GGUF stored in this browser, as Settings lists it (read from its header). */
export interface LocalModelSummary {
  /** The file name: what a model's binding names. */
  name: string;
  bytes: number;
  lastModified: number;
  /** `general.architecture`, e.g. llama; null when the header cannot be read. */
  architecture: string | null;
  /** `general.name`, when the file has one. */
  modelName: string | null;
  contextLength: number | null;
  /** Why the stored file is unusable (read from its header now), or null. */
  problem: string | null;
  /** Loaded in the local CPU right now. */
  loaded: boolean;
}

/** Where the local CPU is with a model file: load phases, then ready, failed or unloaded. */
export type LocalModelPhase = 'checking' | 'loading' | 'verifying' | 'ready' | 'failed' | 'unloaded';
export interface LocalModelStatus {
  file: string;
  phase: LocalModelPhase;
  /** One line for a person, e.g. "tiny.gguf: loading into the local CPU…" or the failure. */
  message: string;
}

/** Settings' Test: the models the endpoint lists, or what went wrong and what to do (never the key). */
export type EndpointTest =
  | { ok: true; models: string[] }
  | { ok: false; kind: string; message: string; fix: string };

export type BatchSink = (batch: EventBatch) => void;

/** What the Permissions view's Score asks the worker to score. */
export interface SuiteRequest {
  /** The suite folder's absolute URL (it holds suite.json), e.g. the app's `examples/injection-suite/`. */
  url: string;
  /** Seeds 1..seeds per harness and defence setting (default 1, as `harness inject-suite`). */
  seeds?: number;
  /** Run every harness's models here instead of on the sim CPU. */
  cpu?: SuiteCpu;
}

/**
 * A real CPU for the suite: an endpoint from Settings (its id) or a stored GGUF
 * (`local:<file>`), and the model name the endpoint serves (a local file needs none). Every
 * model of every harness is rebound to it for the scoring, as a model's Endpoint field binds one.
 */
export interface SuiteCpu {
  endpoint: string;
  model: string;
}

/** The suite's scores as the Permissions view shows them: per setting, and per harness and setting. */
export interface SuiteReport {
  /** The harnesses, in suite.json's order (carrier, sink, hop, attack). */
  entries: SuiteEntry[];
  seeds: number;
  /** One per harness, setting and seed, in the order they ran. */
  results: SuiteResult[];
  /** Per defence setting, weakest first: counts of the runs that completed (all of them unless cancelled). */
  scores: SuiteScore[];
  /** Cancel stopped it before every run was done. */
  cancelled: boolean;
  /** What ran the models, for the table's caption: "sim", or the endpoint's name and the model. */
  cpu: string;
}

/** Experiments of a project and their results (the Experiments view; persist owns the shapes). */
import type { ExperimentExport, ExperimentRow, ExperimentUpdate } from '../persist';
export type { ExperimentExport, ExperimentUpdate } from '../persist';
/** An experiment as the Experiments view lists it: its file, the hash it last ran as, its status and run total. */
export type ExperimentMeta = ExperimentRow;

/** What the Experiments view stores; runs themselves happen in the page's worker pool (src/worker/experimentPool.ts). */
export interface ExperimentsApi {
  listExperiments(projectId: string): Promise<ExperimentMeta[]>;
  createExperiment(projectId: string, name: string, file: unknown): Promise<ExperimentMeta>;
  updateExperiment(id: string, patch: ExperimentUpdate): Promise<ExperimentMeta>;
  /** Stores finished runs (one record per run key). */
  putExperimentRecords(id: string, records: RunRecord[]): Promise<void>;
  experimentRecords(id: string): Promise<RunRecord[]>;
  clearExperimentRecords(id: string): Promise<void>;
  deleteExperiment(id: string): Promise<void>;
  /** The experiment with its results, as one file. */
  exportExperiment(id: string): Promise<ExperimentExport>;
  /** Imports an exported experiment into a project; rejects saying where the file is wrong. */
  importExperiment(projectId: string, file: unknown): Promise<ExperimentMeta>;
  /**
   * Runs one job of an experiment on a real CPU here, where the keys are (the sim's runs go to the
   * page's Web Worker pool): every model of the variant's document rebound to `cpu`, as the
   * injection suite does. Rejects with the endpoint's message when it cannot be used. With
   * `experimentId` (the stored experiment) the run's trace is kept beside its record, so it opens
   * replayed (openExperimentRun).
   */
  runExperimentJob(experiment: ResolvedExperiment, job: RunJob, cpu: SuiteCpu, experimentId?: string): Promise<RunRecord>;
  /**
   * Opens run `key` (its runKey) of a stored experiment made on a real CPU as a stopped run of
   * project `projectId`, made from its kept trace: the model's answers are recorded there, so
   * opening and stepping it never asks the model again. Rejects when no trace was kept.
   */
  openExperimentRun(projectId: string, experimentId: string, key: string): Promise<RunMeta>;
  /** The experiment's real-CPU runs are over (`cancelled`: abandon those in progress); a local model they loaded may unload. */
  endExperimentJobs(cancelled: boolean): Promise<void>;
}

export interface StudioApi extends ExperimentsApi {
  listProjects(): Promise<ProjectSummary[]>;
  createProject(name: string, doc: unknown): Promise<ProjectRecord>;
  getProject(id: string): Promise<ProjectRecord | undefined>;
  /** Saves `doc` as revision baseRev + 1, or reports a conflict when the stored rev is not baseRev. */
  saveProject(id: string, doc: unknown, baseRev: number, name?: string): Promise<SaveResult>;
  deleteProject(id: string): Promise<void>;
  listVersions(projectId: string): Promise<ProjectVersion[]>;

  listRuns(projectId: string): Promise<RunMeta[]>;
  getRun(runId: string): Promise<RunMeta | undefined>;
  /** Validates the document and creates a paused run at its first events. */
  startRun(projectId: string, doc: unknown, seed: number): Promise<StartResult>;
  /** Subscribes the UI to a run's batches (one sink per run; the latest replaces earlier). */
  attach(runId: string, sink: BatchSink): Promise<RunMeta | undefined>;
  /** Runs until it stops, is paused, or a breakpoint matches. Batches go to the attached sink. */
  play(runId: string, breakpoints: Breakpoint[]): Promise<RunMeta>;
  pause(runId: string): Promise<void>;
  /** Advances one event or one agent turn (through the next infer.completed). Returns the new events. */
  step(runId: string, unit: 'event' | 'turn', breakpoints: Breakpoint[]): Promise<KernelEvent[]>;
  /**
   * A DevTools step (kernel/trace/stepping.ts says where each stops) from event `req.at`: the
   * recorded events after it first, then the run driven until the step's stop, the run's stop or a
   * breakpoint. `stop`: the seq it stopped at (null when the run stopped first); `events`: those
   * the drive made (none when the stop was already recorded).
   */
  stepTo(runId: string, req: StepRequest, breakpoints: Breakpoint[]): Promise<{ stop: number | null; events: KernelEvent[] }>;
  /**
   * Where a DevTools step from `req.at` stops among the events already recorded (kernel/trace/
   * stepping.ts), read from the live kernel or scanned from the stored trace page by page, so it
   * works on a run too long for the page to hold (a windowed run). Null: not by the run's head.
   */
  findStep(runId: string, req: StepRequest): Promise<number | null>;
  /**
   * The seq of the first event at which `breakpoints` would pause the run (the drive loop's own
   * matcher, worker/firstPause.ts), read from the live kernel or scanned from the stored trace page
   * by page, so it finds events a windowed run's page does not hold. Null: none up to the run's
   * head. Goal breakpoints are refused (they need the state after each event).
   */
  findPause(runId: string, breakpoints: Breakpoint[]): Promise<number | null>;
  /**
   * The prompt `agent` was sent at its latest turn start at or before event `seq` (or its next
   * turn's, before its first): system prompt, window segments with token counts and the event
   * that put each there, and on a real CPU the request body as sent (worker/contextAt.ts).
   */
  contextAt(runId: string, seq: number, agent: string): Promise<ContextAnswer | null>;
  /**
   * Starts a new run continuing from event `seq` of `runId`, with `doc` (the same or an edited
   * document) and the person's state `edits` recorded as `human.edited` events right after
   * `run.forked`. An edit the kernel refuses rejects with its reason (which edit, what is wrong).
   */
  fork(runId: string, seq: number, doc?: unknown, edits?: StateEdit[]): Promise<StartResult>;
  /** Compares two runs, whole: where their events first differ, and each agent's differences at their ends (kernel/trace/diff.ts). */
  compareRuns(a: string, b: string): Promise<RunDiff>;
  /** Names (null or blank: unnames) and pins or unpins a run; kept in its stored row. */
  labelRun(runId: string, label: { name?: string | null; pinned?: boolean }): Promise<RunMeta | undefined>;
  /** Reopens an interrupted run from its last committed events so it can continue (a run that waited on a person waits again). */
  resume(runId: string): Promise<RunMeta>;
  loadEvents(runId: string, from: number, to: number): Promise<KernelEvent[]>;
  stateAt(runId: string, seq: number): Promise<KernelState | undefined>;
  deleteRun(runId: string): Promise<void>;
  /**
   * A human acts on a run (approve or deny an asked call, roll back an audited operation, send a
   * message). Recorded as an event; a run that was waiting on it and was playing plays on in place,
   * under `breakpoints` when given. An interrupted run (its tab reloaded while it waited) is
   * resumed first, so the answer still moves it on in place.
   */
  input(runId: string, input: HumanInput, breakpoints?: Breakpoint[]): Promise<RunMeta>;
  /** Top-k chunks of a store as the run's archive holds them (IndexedDB), inserted at or before virtual time `atT`. */
  searchArchive(runId: string, store: string, query: string, k: number, atT?: number): Promise<ArchiveHit[]>;

  /** Storage problems (quota, a blocked upgrade, another tab) reach the UI as notices. */
  onNotice(sink: (notice: Notice) => void): Promise<void>;

  /** MCP servers: connect to one and list its tools; keep its auth header in this browser (worker/mcpApi.ts). */
  mcpConnect: McpStudioApi['mcpConnect'];
  setMcpAuth: McpStudioApi['setMcpAuth'];
  /** Remote agents: read one's Agent Card; keep its auth header in this browser (worker/a2aRemoteApi.ts). */
  remoteAgentCard: RemoteAgentStudioApi['remoteAgentCard'];
  setRemoteAuth: RemoteAgentStudioApi['setRemoteAuth'];
  /** Trusted signer keys and the open document's signature standing (worker/signingTrustApi.ts). */
  trustedKeys: SigningTrustStudioApi['trustedKeys'];
  addTrustedKey: SigningTrustStudioApi['addTrustedKey'];
  removeTrustedKey: SigningTrustStudioApi['removeTrustedKey'];
  signatureStanding: SigningTrustStudioApi['signatureStanding'];

  /** Configured model endpoints, without keys. */
  listEndpoints(): Promise<EndpointSummary[]>;
  /** Adds or updates an endpoint; rejects with a message naming the field that is wrong. */
  saveEndpoint(input: EndpointInput): Promise<EndpointSummary>;
  deleteEndpoint(id: string): Promise<void>;
  /** Asks a stored endpoint for its models (the worker uses the stored key; the answer never holds it). */
  testEndpoint(id: string): Promise<EndpointTest>;

  /** The GGUF files stored in this browser, by name. */
  listLocalModels(): Promise<LocalModelSummary[]>;
  /**
   * Checks `file` (a GGUF with a whole header) and copies it into the origin-private file
   * system as `name`, reporting bytes written; rejects with the reason, storing nothing, when it
   * is not a usable GGUF. A file of the same name is replaced (and unloaded if it was loaded).
   */
  storeLocalModel(file: Blob, name: string, onProgress?: (written: number, total: number) => void): Promise<LocalModelSummary>;
  /** Unloads the model if it is loaded and deletes the file. */
  deleteLocalModel(name: string): Promise<void>;
  /** Load phases and failures of local models reach the UI as they happen (the latest is sent at once). */
  onLocalModelStatus(sink: (status: LocalModelStatus) => void): Promise<void>;

  /**
   * Scores the injection suite at `request.url` under each defence setting, running every
   * harness in this worker; `onProgress` hears runs done of the total. One scoring at a time:
   * a second call while one runs is refused. Rejects with a message naming the file when the
   * suite cannot be loaded.
   */
  scoreInjectionSuite(request: SuiteRequest, onProgress?: (done: number, total: number) => void): Promise<SuiteReport>;
  /** Stops the scoring after the run in progress; its report comes back with `cancelled`. */
  cancelInjectionSuite(): Promise<void>;

  /** Stores a trace file's run as a stopped run of the project (read from storage, never driven); returns it. */
  importRun(projectId: string, trace: ImportedTrace): Promise<RunMeta>;
  /** The run's trace hash (kernel/trace/hash.ts): the same for the same document and seed, whatever its run id. */
  runTraceHash(runId: string): Promise<string>;

  getSetting(key: string): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;

  /** The OpenTelemetry collector of Settings: its URL and header names (never a value), or null. */
  getOtelCollector(): Promise<OtelCollectorSummary | null>;
  /** Saves the collector; rejects naming the field that is wrong. Headers absent: keep the stored ones. */
  saveOtelCollector(input: OtelCollectorInput): Promise<OtelCollectorSummary>;
  deleteOtelCollector(): Promise<void>;
  /** The run as OTLP/HTTP JSON (one ExportTraceServiceRequest; kernel/otel), redacted like every answer. */
  runOtlp(runId: string): Promise<string>;
  /** Posts the run to the collector (redacted); rejects with a message naming the endpoint and its answer. */
  sendRunOtlp(runId: string): Promise<OtelSendResult>;
}

/** The OpenTelemetry collector as Settings sees and saves it (the worker owns the shapes). */
import type { OtelCollectorInput, OtelCollectorSummary, OtelSendResult } from './otelCollector';
export type { OtelCollectorInput, OtelCollectorSummary, OtelSendResult } from './otelCollector';
