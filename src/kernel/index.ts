/**
 * The kernel's public surface. Pure TypeScript, deterministic for a given seed: no DOM,
 * no timers, no network. Other layers import from here only.
 */
export * from './spec';
export type { RunId, AgentId, ToolId, ModelId } from './ids';
export { asRunId } from './ids';
export * from './trace/events';
export { callOpenedBy } from './trace/calls';
export { callerAt, findStop, findStopPaged, focusAt, stepper, type EventPager, type EventsBySeq, type StepKind, type StepRequest, type Stepper } from './trace/stepping';
export { watchScope } from './state/watchScope';
export { PromptIndex, promptAt, promptFrom, turnStartAt, type PromptSegment, type PromptView, type SegmentOrigin } from './loop/contextPrompt';
export { EXPR_FUNCTIONS, evaluateExpr, exprErrorText, formatLog, parseExpr, parseLogFormat, valueText, type EvalResult, type Expr, type ExprError, type ExprScope, type FormatResult, type LogFormat, type ParseResult } from './trace/watchExpr';
export type { KernelState, Proc, Message, StoreDoc } from './state/state';
export { openAsks, type OpenAsk } from './state/openAsks';
export { spawnTree, type SpawnTreeRow } from './state/spawnTree';
export { cursorView, type CursorView, type AgentAtCursor, type ToolAtCursor, type ChannelAtCursor, type WaitKind, type CallDecision } from './state/cursorView';
export type { Action, Cpu, JudgeAnswer, JudgeRequest, SummaryAnswer, SummaryRequest, InferRequest, InferResult, InferRecord, ContextEntry, Generation, PartialAnswer, PartialOutput, Resume } from './cpu/cpu';
export { settledGeneration, streamedTokens } from './cpu/cpu';
export { callErrorText, KERNEL_FUNCTIONS, MAX_CALL_ARGUMENT_CHARS, parseCallArguments, tooDeepArguments, type ParsedCallArguments, type FunctionDef, type FunctionOp, type CallError, type CallErrorCode } from './cpu/calls';
export { agentFunctions, actionFromCall } from './loop/functions';

export { CpuFault, isCpuFault, SETUP_FAILURES, type CpuFailure, type CpuFailureKind } from './cpu/fault';
export { decideRetry, retryPolicyOf, DEFAULT_RETRY_POLICY, type RetryDecision, type RetryPolicy } from './cpu/retry';
export { RecordedCpu, NotRecordedError, recordedAnswers, recording, type Recording } from './cpu/recorded';
export type { McpPort, McpCallRequest, McpCallResult, McpRecord } from './tools/mcp';
export { RecordedMcp, McpNotRecordedError, recordedMcp } from './tools/mcpRecorded';
export { RecordedA2a, A2aNotRecordedError, recordedA2a } from './ipc/remoteAgentRecorded';
export { type A2aPort, type A2aSendRequest, type A2aSendResult } from './ipc/remoteAgent';
export { applyEvent, stateFromStart } from './state/reduce';
export { Projection } from './trace/projection';
export { EventLog, JSON_CODEC, SPILL_BLOCK, type BlockCodec, type EventReader, type SpillOptions } from './trace/eventLog';
export { traceHash, canonicalEvent, TraceHasher } from './trace/hash';
export { STATE_EDIT_KINDS, type StateEdit, type EditApplied } from './trace/editEvent';
export { coreBlocksOf, type CoreBlockView } from './loop/editState';
export { documentChanges, type DocumentChange } from './loop/documentChanges';
export { diffRuns, decisionLine, type RunDiff, type AgentDiff, type AgentSummary } from './trace/diff';
export { toJsonl, jsonlChunks, fromJsonl } from './trace/jsonl';
export { readTraceFile, type TraceFile, type TraceFileError } from './trace/traceFile';
export { specHash } from './specHash';
export { Kernel, type KernelOptions, type RunUntilResult, type StopWhen } from './kernel';
export { SimCpu } from './cpu/sim';
export { checkRunnable, BUILTIN_PROVIDERS } from './cpu/runnable';
export { countTokens } from './tokens';
export { SCHED_CLASSES, SchedRegistry, runqueueOrder } from './sched';
export { waitsOnTurn } from './sched/turnTaking';
export type { AgentSched, SchedClass, SchedParam, SchedParamIssue, SchedModel, SchedShown, SchedStats, ClassRunqueue, QueuedAgent } from './sched';
export type { Segment, SegmentKind, EvictionPolicy, ArchiveChunk, ArchiveHit, ArchiveStore } from './memory';
export { EVICTION_POLICIES, isEvictable, MemoryArchive, archiveTerms, averageLength, bm25Idf, bm25Weight, queryTerms, termFrequencies, topK, Scores } from './memory';
export type { Effect, ScopeLevel, Mode, SideEffect, HookPoint, PolicyRule, Tier, OpRequest, Decision, DecisionRecord, ModuleAnswer, PolicyModule, HandleKind, LeaseKind, Handle, HumanInput } from './trust/types';
export { SCOPE_LEVELS, MODES, HOOK_POINTS, TIERS } from './trust/types';
export { encodingFor, loadEncoding, loadEncodingsFor, hasEncoding, type Encoding } from './tokens';
export { RunArchive } from './memory/runArchive';
export { AuditLog, auditRows, undoFor, type AuditRow } from './trust/audit';
export { canonicalJson, sha256Hex, agentPayload, policyPayload, specDigests } from './trust/digest';
export { keyThumbprintHex, formatThumbprint, parseThumbprint, signerTrusted, untrustedSignerReason, type TrustedKey } from './trust/signatureTrust';
export { parseTrustedKeysFile, trustedKeysFileText, TRUSTED_KEYS_KIND, type TrustedKeyEntry } from './trust/trustedKeysFile';
export type { VerifiedDigests } from './trust/signatureCheck';
export { argSchemaOf, argSchemaProblem } from './trust/argSchema';
export { validateArgs, placeholders, bindPlaceholders, BUILTIN_ARG_SCHEMAS } from './trust/execOnly';
export { kindOf as handleKindOf, checkHandle } from './trust/handles';
export { joinLabels, labelOf } from './trust/taint';
export { secretResults, secretToolIds } from './trust/secretResults';
export { effectiveRules, decide, policyIssues, rulesModule } from './trust/rules';
export { parseMatcher, matches, mainArg, type Matcher, type MatcherParse } from './trust/matcher';
export { runHooks, checkModules, type HookTrail } from './trust/hooks';
export { TrustGate, type GateResult } from './trust/gate';
export { explainAccess, type AccessExplanation, type AccessKind, type ExplainCall } from './explainAccess';
export { DEFENCES, UTILITY_KEPT, attackSucceeded, parseSuiteIndex, scoreSuite, scoresOf, suiteAim, withDefence, type Defence, type SuiteAim, type SuiteEntry, type SuiteResult, type SuiteRun, type SuiteRunner, type SuiteScore } from './injectionSuite';
export { UNATTENDED_EVENT_CAP, cliAnswers, runToStop, type RunToStopOptions, type RunToStopResult } from './runToStop';
export { storeTier } from './spec/schema';
export { specDefaults } from './spec/defaults';
export { PILLARS, BREAK_POINTS, parseExampleIndex, groupExamples, ExampleEntrySchema, type Pillar, type BreakPoint, type Lesson, type LessonJump, type ExampleEntry } from './exampleIndex';
export { evaluate as evaluateGoal, explain as explainGoal, type BudgetLimits } from './term/goals';
export { agentCard, agentCardJson, type AgentCard, type AgentCardOptions } from './ipc/agentCard';
export { TASK_STATES, TASK_TRANSITIONS, taskStateName, isTerminal as isTerminalTask, type TaskState } from './ipc/taskState';
export { parseEnvelope } from './ipc/parseEnvelope';
export type { TaskRecord } from './ipc/tasks';
export { LivelockDetector, LIVELOCK_DEFAULTS, type LivelockFinding, type TurnObservation } from './term/livelock';
export { waitForCycle, explainCycle } from './term/deadlock';
export { finishStop, FAILED_STOPS, type JobFailure, type FinishStop } from './term/finish';
export { GoalFailureWatch, type GoalFailure } from './term/goalFailure';
export {
  applyPatch, bootstrapMean, buildReport, comparedPairs, coverage, experimentJsonSchema, ExperimentFileSchema, EXPERIMENT_VERSION, inProcessExecutor, loadExperiment, mcnemar, measureRun, pairedBootstrap, passAtK, planRuns,
  prepareExperiment, reportText, runExperiment, runKey, shardRuns, allSeeds, sortRecords, wilson,
  compare, summarize, recordsByKey, formatNumber, parsePointer, parseCsvRows, parseJsonlRows, goalFailures, firstGoalFailure,
  type ExperimentFileInput, type LoadResult, type Comparison, type Experiment, type ExperimentFile, type ExperimentOutcome, type ExperimentProgress, type ExperimentReport, type Metric, type MetricSummary, type MetricValue, type PatchOp, type ResolvedExperiment, type RunExecutor, type RunFacts, type RunJob, type RunRecord, type VariantReport,
} from './experiment';
export { OTEL_SCOPE, OTLP_BATCH_SPANS, OtelSpanStream, otelModels, otlpBatches, otlpRequest, otelSpanId, otelTraceId, traceToOtlp, type OtelExportOptions, type OtlpAnyValue, type OtlpExportRequest, type OtlpKeyValue, type OtlpSpan, type OtlpSpanEvent } from './otel';
export {
  ProvenanceLog, provenanceOf, reviewAt, describeChange, changeContent, resourceHistories, resourceName, provenanceStatement, READ_ONLY_EFFECTS, REVIEW_STATUSES, SIM_VERSION, PROVENANCE_PREDICATE,
  type ChangeRecord, type ChangeKind, type ReviewStatus, type DescribedChange, type ProvenanceStatement,
} from './provenance';
export { procSnapshot, procText, type HandlesOf, type ProcGroupBudget, type ProcSnapshot } from './proc';
export { kvCacheFigures, agentCacheFigures, type AgentCacheFigures, type ModelCacheFigures } from './memory/kvCacheFigures';
export { planLookup, prefixChain, warmPrefix, hitRate, promptCost, type PrefixCacheState, type PrefixPlan } from './memory/prefixCache';
export { rotProbability, rotFor, applyContextRot } from './cpu/contextRot';
export { SLAB_CLASSES, SLAB_CLASS_NAMES, WITHHELD, exportFilter, exportPolicies, ipcWithheld, newLedger, slabAlloc, slabFree, slabRows, slabinfoText, traceFileEvents, withheldClasses, type ExportPath, type ExportPolicy, type SlabClass, type SlabClassName, type SlabLedger, type SlabRow, type SlabStats } from './alloc';
export { regionFor, accessOf, backingOf, type RegionFault, type RegionHandle, type RegionState, type RegionsState } from './region';
