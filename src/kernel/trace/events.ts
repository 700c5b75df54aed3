/**
 * Every kernel action is one event in this discriminated union. Events are facts: past-tense
 * names, plain structured-clone-safe payloads, carrying the numbers behind each decision.
 * The kernel state is a pure reduction over them (see state/reduce.ts), so a seek replays them.
 */
import type { AgentId, RunId } from '../ids';
import type { Action, InferRecord, PartialAnswer, SpawnCap } from '../cpu/cpu';
import type { CpuFailure } from '../cpu/fault';
import type { CallError } from '../cpu/calls';
import type { AgentSpec, HarnessSpec, ValidityCheckSpec } from '../spec';
import type { SchedStats } from '../sched/schedClass';
import type { DecisionRecord, Handle } from '../trust/types';
import type { TaskState } from '../ipc/taskState';
import type { McpRecord } from '../tools/mcp';
import type { ProcSnapshot } from '../proc/types';
import type { EditApplied } from './editEvent';
import type { RegionFault } from '../region/regionState';

type SchedParamsSpec = HarnessSpec['sched'];

/** An agent's memory knobs as the run saw them at job creation. */
export interface MemoryParams {
  warnAt: number;
  compactAt: number;
  eviction: string;
  k: number;
}

export type ProcState = 'ready' | 'running' | 'acting' | 'syscall' | 'blocked' | 'done' | 'failed';

export type StopReason =
  | 'completed' // every agent finished and every goal is met
  | 'goals-unmet' // every agent finished, some goal is not met
  | 'jobs-failed' // jobs failed and the goals do not say the run succeeded without them (term/finish.ts)
  | 'max-steps'
  | 'max-tokens'
  | 'max-cost'
  | 'max-time'
  | 'max-events' // the trace reached its ceiling (limits.maxEvents)
  | 'max-state' // the run's state outgrew its ceiling (limits.maxStateBytes)
  | 'max-wall-time' // the host's wall-clock ceiling (the CLI's --max-wall-time)
  | 'deadlock' // nothing can run and nothing is pending
  | 'budget' // the harness root budget group is spent
  | 'livelock' // no progress: repeated or oscillating actions, or outputs that stopped changing
  | 'goal-reached' // a goal marked `stop` is met (semantic termination: e.g. a judge said the work is done)
  | 'stopped' // a person stopped it
  | 'error';

/** Where a job failed: a stage of its creation, or `infer` (its model call failed for good while it ran). */
export type JobStage = 'validate' | 'allocate' | 'guards' | 'publish' | 'start' | 'infer';

interface Base {
  /** Position in the run, from 0, without gaps. */
  seq: number;
  /** Virtual time in milliseconds. */
  t: number;
  run: RunId;
  /** The agent this event concerns, where one does. */
  agent?: AgentId;
  /** seq of the event that caused this one, where one did. */
  cause?: number;
}

export type KernelEventBody =
  | { type: 'run.started'; seed: number; harness: string; specHash: string; agents: AgentId[]; models: Record<string, ModelInfo>; stores: Record<string, { text: string; tags: string[]; trust: 'trusted' | 'untrusted'; valid: boolean }[]>; groups: GroupInfo[]; sched: SchedParamsSpec }
  | { type: 'run.forked'; parent: { run: RunId; seq: number }; specHash: string; edited: boolean }
  | { type: 'job.published'; agent: AgentId; pid: number; model: string; tokenizer?: string; window: number; system: string; systemTokens: number; tools: string[]; sched: AgentSpec['sched']; memory: MemoryParams; stages: JobStage[] }
  | { type: 'job.failed'; agent: AgentId; stage: JobStage; reason: string; unwound: string[] }
  | { type: 'sched.enqueued'; agent: AgentId; class: string; model: string; why: 'new' | 'wakeup' | 'preempted' | 'yield'; queue: number; stats: SchedStats }
  /** `affinity`: the cache-affinity term, on a model whose prefix cache declares affinity (loop/kvCacheStep.ts): the class's pick, the candidates' warm tokens, whom it chose and why. */
  | { type: 'sched.picked'; agent: AgentId; class: string; model: string; slot: number; waitedMs: number; queue: number; slice: number; stats: SchedStats; affinity?: AffinityTerm }
  /**
   * `remaining` is null for a real model's streamed generation (its length is not known before it
   * ends). `partial`: such a generation was aborted here; what it produced so far (the resume
   * continues from it by prefix, or restarts; see infer.started).
   */
  | { type: 'sched.preempted'; agent: AgentId; class: string; model: string; slot: number; reason: 'slice' | 'class' | 'throttled' | 'budget'; by: AgentId | null; byClass: string | null; done: number; remaining: number | null; slice: SliceCharge; stats: SchedStats; partial?: PartialAnswer }
  | { type: 'sched.throttled'; agent?: AgentId; class?: string; model?: string; group?: string; reason: string; until: number; numbers: SchedStats }
  | { type: 'sched.replenished'; class?: string; model?: string; group?: string; numbers: SchedStats }
  | { type: 'sched.admitted'; agent: AgentId; class: string; model: string; utilization: number; bound: number }
  | { type: 'sched.refused'; agent: AgentId; class: string; model: string; utilization: number; bound: number; reason: string }
  /** `objective`: routed by the document's `sched.objective` (sched/objective.ts): the agent's urgency, the weights, and each candidate's score and its inputs. */
  | { type: 'sched.routed'; agent: AgentId; need: number; model: string; from: string; reason: string; candidates: { model: string; quality: number; priceIn: number; priceOut: number; ok: boolean }[]; objective?: RouteObjective }
  /**
   * A conversation group's next speaker (sched/turnTaking.ts): `agent` is the one chosen among
   * `candidates` (members waiting for a turn) by `policy`; `turn` counts the group's turns from 1.
   * `numbers`: the draw of `random`, the index in the order, the speaker's turns so far. A model's
   * choice on a real CPU carries its `answer` and `record`, so a replay never asks again.
   */
  | { type: 'turn.chosen'; agent: AgentId; group: string; policy: 'round-robin' | 'random' | 'model'; turn: number; members: AgentId[]; candidates: AgentId[]; why: string; numbers: SchedStats; answer?: string; record?: InferRecord }
  /**
   * Task cutoff as an expected-value decision (sched/cutoff.ts), before the agent's turn `turn`:
   * it continues while `gain` × `value` ≥ `cost` (`expected` = gain × value). `source` says where
   * the gain came from: the goal's predicates' progress in the run so far, or declared pass rates.
   */
  | { type: 'cutoff.decided'; agent: AgentId; goal: string; turn: number; outcome: 'continue' | 'stop'; gain: number; value: number; cost: number; expected: number; progress: number; source: 'progress' | 'passRates'; why: string }
  /**
   * `total`: the generation's length, null while a real model's stream has not been seen to end
   * within this slice (decided from token counts only, so a replay decides the same). A real
   * model's turn is asked in parts: `part` (absent: 0) counts the preemptions before it;
   * `resumedBy` says how a part after a preemption began (`prefix`: continuing the partial text,
   * whose `prefixTokens` are re-read; `restart`: asked afresh). `tokensIn` of a real model's part
   * is the tokenizer's estimate (the reported count corrects it on infer.completed).
   */
  | { type: 'infer.started'; agent: AgentId; model: string; slot: number; turn: number; tokensIn: number; total: number | null; done: number; slice: number; until: number; part?: number; resumedBy?: 'prefix' | 'restart'; prefixTokens?: number }
  | { type: 'infer.sliced'; agent: AgentId; model: string; slot: number; turn: number; done: number; remaining: number | null; slice: SliceCharge; until: number; stats: SchedStats }
  /**
   * `record`: a real model's answer as it came (absent for the sim); `callError`: its call did
   * not map to an action (the action is then `think`, and the error enters its window);
   * `correction`: the provider's reported usage minus what the slices of the last part counted
   * (the tokenizer's figures), charged too but not accounted to the scheduling class.
   */
  | { type: 'infer.completed'; agent: AgentId; model: string; slot: number; turn: number; pc: number; tokensIn: number; tokensOut: number; cost: number; text: string; action: Action; slice: SliceCharge; record?: InferRecord; callError?: CallError & { tokens: number }; correction?: SliceCharge }
  /**
   * A model call failed (kernel/loop/modelFaults.ts). `attempt`: 0 for the turn's first call;
   * `retry`: when the turn is tried again (the agent re-enters its runqueue at `until`; a
   * rate limit also throttles the model's endpoint, `sched.throttled` next), or null: the turn
   * failed, and `job.failed` follows. `reason`: the retry policy's words.
   */
  | { type: 'infer.failed'; agent: AgentId; model: string; slot: number; turn: number; attempt: number; failure: CpuFailure; retry: { delayMs: number; until: number } | null; reason: string; kvUndone?: KvUndone }
  | { type: 'tool.called'; agent: AgentId; callId: string; tool: string; args: Record<string, unknown>; taint?: string[] }
  /**
   * Trust decisions (tool.allowed, tool.denied, tool.asked, tool.approved, msg.denied,
   * trust.signature) each carry one `decision` record with every field present (trust/types.ts
   * DecisionRecord): where it was decided, the module, effect, rule and scope, the mode, why,
   * the grant used, the taint carried, a typed code, what was asked, and which ask a human answered.
   */
  | { type: 'tool.allowed'; agent: AgentId; callId: string; tool: string; until: number; decision: DecisionRecord }
  | { type: 'tool.denied'; agent: AgentId; callId: string; tool: string; decision: DecisionRecord }
  /** A module asked a human: only the calling agent waits (approve, or declassify a tainted value: `decision.ask`). */
  | { type: 'tool.asked'; agent: AgentId; callId: string; tool: string; decision: DecisionRecord }
  /** A human approved an asked call; `match` is the session rule's matcher (its id: `decision.rule`) when they chose to remember. */
  | { type: 'tool.approved'; agent: AgentId; callId: string; tool: string; remember: boolean; match: string | null; until: number; decision: DecisionRecord }
  /** `mcp`: the call went to an MCP server (which, which tool, how it answered); its `result` is what the server returned, so a replay never calls it again. */
  | { type: 'tool.returned'; agent: AgentId; callId: string; tool: string; ok: boolean; result: string; tokens: number; ms: number; trust?: 'trusted' | 'untrusted'; stored?: { store: string; id: string; text: string; tier?: 'platform' | 'shared' | 'session'; taint?: string[] }; chunks?: RetrievedChunk[]; core?: { label: string; text: string; mode: 'append' | 'replace'; tokens: number; taint?: string[] }; taint?: string[]; hidden?: boolean; mcp?: McpRecord }
  /** `envelope`: the A2A 1.0 JSON-RPC SendMessage request as it would go over the wire; `task`: the A2A task it belongs to. */
  | { type: 'msg.sent'; agent: AgentId; msgId: string; from: AgentId; to: AgentId; channel: string; text: string; facts: string[]; tokens: number; deliverAt: number; taint?: string[]; task?: string; taskTo?: TaskState; tracked?: string[]; envelope?: Record<string, unknown> }
  /** An A2A task changed state (from null: created). `client` asked, `server` works on it. */
  | { type: 'task.updated'; agent: AgentId; task: string; contextId: string; client: string; server: string; from: TaskState | null; to: TaskState; msgId: string | null; reason: string }
  /** Which tracked facts the sender held when it sent, and which of them arrived intact in the receiver's context. */
  | { type: 'msg.retained'; agent: AgentId; msgId: string; from: string; to: string; channel: string; tracked: string[]; arrived: string[]; lost: string[] }
  | { type: 'msg.denied'; agent: AgentId; from: AgentId; to: AgentId; decision: DecisionRecord }
  | { type: 'msg.delivered'; agent: AgentId; msgId: string; from: AgentId; to: AgentId }
  /**
   * A remote agent (`remote`, remoteAgents[].id) answered the message `msgId` the local `agent` sent
   * it, through the host's A2A client: `ok` false when it could not be reached or failed (`text`
   * says why). The answer reaches the agent's inbox as message `replyId` from the remote agent; a
   * replay reads it from here and never calls the remote again.
   */
  | { type: 'remote.replied'; agent: AgentId; msgId: string; replyId: string; remote: string; ok: boolean; state: TaskState; text: string; tokens: number; task?: string; taskId?: string; contextId?: string; taint?: string[] }
  | { type: 'agent.blocked'; agent: AgentId; on: string; from?: AgentId; as?: string }
  | { type: 'agent.woke'; agent: AgentId; msgId: string; from: AgentId; text: string; tokens: number; as?: string; factTokens?: Record<string, number> }
  /** `taint`: the source labels of what the text derives from; they rest with the artifact and come back on every read. */
  | { type: 'artifact.written'; agent: AgentId; name: string; text: string; taint?: string[] }
  | { type: 'agent.finished'; agent: AgentId; text: string }
  | { type: 'mem.pressure'; agent: AgentId; level: 'ok' | 'warn' | 'compact'; tokens: number; window: number; share: number; threshold: number }
  | { type: 'mem.evicted'; agent: AgentId; policy: string; segments: SegmentRef[]; freed: number; tokens: number }
  /**
   * `by`: the summary was asked of a model (`memory.summarizer` on a real endpoint): which, the
   * tokens of the segments that went in (`before`) and of its summary (`after`), its answer and
   * record (a replay reads them), or the failure or reason the deterministic gist was used instead.
   */
  | {
    type: 'mem.compacted'; agent: AgentId; summarized: SegmentRef[]; keptFacts: number; freed: number; summary: { id: string; text: string; tokens: number }; tokens: number;
    by?: { model: string; before: number; after: number; answer?: string; record?: InferRecord; failure?: CpuFailure; fallback?: string };
    charge?: SliceCharge;
  }
  /**
   * A validity check's verdict on one segment of a store with checks (memory/validityChecks.ts):
   * which check (`index` into the store's list), the validity before and after (the lowest verdict
   * so far), whether it left the window (`evictBelow`), why in one line, and the numbers behind it.
   */
  | {
    type: 'mem.validity'; agent: AgentId; segment: string; store: string; check: ValidityCheckSpec['kind']; index: number;
    verdict: 'valid' | 'invalid' | 'unknown'; before: number; validity: number; evicted: boolean; reason: string;
    stale?: { ageMs: number; lifetimeMs: number };
    /** `recheck`: the check declares it (compared with the newest fact; a valid verdict is asked again when a newer fact enters). */
    contradiction?: { subject: string; value: string; fact: string; factValue: string; recheck?: true };
    verify?: { tool: string; result: string; decision: DecisionRecord };
    judge?: { model: string; reason?: string; answer?: string; record?: InferRecord; failure?: CpuFailure };
    charge?: SliceCharge;
  }
  /** `region`: the fault fell in a declared region (kernel/region): its generation after it, the handle taken, and whether it dropped the lock. */
  | { type: 'mem.faulted'; agent: AgentId; mode: 'explicit' | 'lazy'; ref: string; outcome: 'zero-fill' | 'archive' | 'cow' | 'retry' | 'failed'; text: string; tokens: number; trust: 'trusted' | 'untrusted'; valid: boolean; as?: string; detail: string; taint?: string[]; region?: RegionFault }
  /**
   * A read or write refused by a region's permission (kernel/region): `permission` is what the agent holds there; `detail` reaches its window as a tool result.
   * `callId`/`tool`: a system call made the access (archival_insert into a store, archival_search of one): the call ends here, as on tool.denied.
   */
  | { type: 'region.denied'; agent: AgentId; region: string; ref: string; access: 'read' | 'write'; permission: 'none' | 'r' | 'rw'; detail: string; callId?: string; tool?: string }
  /**
   * A handle used after its region's generation moved on (a fault dropped the region's lock since
   * it was taken): refused, the handle dropped; the agent re-acquires by reading again (the sim
   * does; a real model gets `detail` as a tool result).
   */
  | { type: 'region.stale'; agent: AgentId; region: string; ref: string; handle: string; handleGeneration: number; generation: number; detail: string }
  /** Capability handles issued to a job at its start (scoped leases end with the job; durable grants outlive it). */
  | { type: 'cap.granted'; agent: AgentId; handles: Handle[] }
  | { type: 'cap.expired'; agent: AgentId; handle: string; target: string; reason: string }
  /** The first write of an agent to a session-tier store: it gets a private copy-on-write view; the shared one never changes. */
  | { type: 'mem.cow'; agent: AgentId; store: string; base: number }
  /**
   * An agent read /proc (the built-in `proc` call, allowed): `of` is whose state, `snapshot` what it
   * got back (proc/procSnapshot.ts), recorded so a replay and a seek give the reader the same text.
   */
  | { type: 'proc.read'; agent: AgentId; callId: string; of: AgentId; snapshot: ProcSnapshot }
  /** A signed spec checked at job creation or at a context rebuild (each turn). */
  | { type: 'trust.signature'; agent: AgentId; ok: boolean; at: 'job.create' | 'turn'; expected: string | null; found: string; decision: DecisionRecord }
  /**
   * A person edited the state before the run went on (a fork with edits, loop/editState.ts):
   * `target` names what changed in words, `before` / `after` are digests of its text (`after`
   * empty for a removal), `edit` is the change as the reducer applies it.
   */
  | { type: 'human.edited'; agent?: AgentId; target: string; before: string; after: string; edit: EditApplied }
  /** A human rolled back an audited operation. */
  | { type: 'audit.rolledback'; target: number; undo: Undo; detail: string }
  /** A person reviewed the change made at `target` (kernel/provenance): it stays as it is, approved by them. */
  | { type: 'change.reviewed'; target: number; verdict: 'approved'; note?: string }
  | { type: 'goal.met'; goal: string; name: string }
  /**
   * A goal's judge leaf (`path` in its condition) was decided for `version` of its subject
   * (term/judgement.ts): `pass` / `fail` by the model (`answer` its whole text, `record` the
   * response as on infer.completed), `fallback` (the model runs on the sim CPU: the declared
   * offline fallback stands in, not a model's verdict), or `error` (no verdict; `failure` when the
   * call failed). A replay, seek or fork reads the verdict from here and asks no model. `charge`:
   * what the model's answer cost (term/judgement.ts judgeCharge), added to the run's tokens and cost.
   */
  | { type: 'goal.judged'; goal: string; path: string; model: string; subject: string; version: number; verdict: 'pass' | 'fail' | 'fallback' | 'error'; reason: string; answer?: string; record?: InferRecord; charge?: SliceCharge; failure?: CpuFailure }
  /**
   * A deadline-class turn completed after the absolute deadline its agent was picked with
   * (sched/deadlineMisses.ts): `lateMs` = completion time − deadline. `cause` is its infer.completed.
   */
  | { type: 'sched.missed'; agent: AgentId; class: string; model: string; turn: number; deadline: number; completedAt: number; lateMs: number }
  /**
   * The prefix cache of `model` (memory/prefixCache.ts) looked the agent's prompt up before its
   * prefill: `cachedTokens` of its `promptTokens` were served from the cache (the leading
   * `hitBlocks` of its `blocks` segments), `insertedTokens` of the rest were cached; `used` /
   * `capacity`: the cache after it; `rate`: the agent's hit rate so far, this lookup included.
   */
  | { type: 'kv.matched'; agent: AgentId; model: string; turn: number; promptTokens: number; cachedTokens: number; hitBlocks: number; blocks: number; insertedTokens: number; used: number; capacity: number; rate: number }
  /** Cached prefixes evicted (least recently used first, leaves first) to make room for `need` tokens of the agent's prompt. */
  | { type: 'kv.evicted'; agent: AgentId; model: string; blocks: { hash: string; tokens: number; owner: string; lastUsed: number }[]; tokens: number; need: number; used: number; capacity: number }
  /**
   * A real model's provider reported how many prompt tokens it served from its cache (OpenAI
   * `cached_tokens`, Anthropic `cache_read_input_tokens`): they replace the modelled figures of
   * the turn (`modelled`) in the agent's hit rate; the cost on infer.completed prices them.
   * `writtenTokens` (Anthropic `cache_creation_input_tokens`, when reported) beside
   * `modelledInserted`, the tokens the lookup modelled as inserted.
   */
  | { type: 'kv.reported'; agent: AgentId; model: string; turn: number; promptTokens: number; cachedTokens: number; modelled: { promptTokens: number; cachedTokens: number }; rate: number; writtenTokens?: number; modelledInserted?: number }
  /**
   * Context rot (cpu/contextRot.ts): the sim's answer this turn is a mistake, with probability `p`
   * from the declared `curve` at a window of `windowTokens` (`draw` < `p`): its `action` text is
   * replaced by the text of segment `from`, read from elsewhere in the window.
   */
  | { type: 'mem.rotted'; agent: AgentId; turn: number; curve: 'linear' | 'logistic'; windowTokens: number; p: number; draw: number; action: 'write' | 'send' | 'finish'; from: string }
  /**
   * Delegation (kernel/loop/spawn.ts). A spawn the job pipeline refused, before publish (nothing
   * is left behind: `unwound` names the stages undone): `code` is the typed reason, `numbers` the
   * figures it was decided on (the classes' ranks, the budget left, the handle asked and held).
   */
  | { type: 'spawn.refused'; agent: AgentId; template: string; stage: JobStage; code: SpawnRefusal; reason: string; unwound: string[]; numbers: Record<string, number | string | null> }
  /**
   * `agent` spawned `child` (published just before, with its handles): the A2A `task` it serves for
   * its spawner, the class it asked and got under the spawner's (`sched`), the budget carved out of
   * the spawner's group (`budget`, with what the spawner had left before and after), the window it
   * shares copy-on-write with its spawner (`window`: segments shared, not copied) and each handle
   * narrowed from one the spawner holds (`caps`); `lent`: the spawner's unique handles moved to the
   * child (unusable by the spawner until the child exits), absent when none.
   */
  | { type: 'agent.spawned'; agent: AgentId; child: AgentId; pid: number; task: string; text: string; detach: boolean; depth: number; sched: { asked: string; parent: string; granted: string }; budget: SpawnBudget; window: { shared: number; sharedTokens: number; segments: string[]; withheld?: { segment: string; ref: string; region: string; detail: string }[] }; caps: { asked: SpawnCap[]; granted: { handle: string; target: string; kind: string; access: string; from: string }[] }; lent?: string[] }
  /**
   * A sub-agent ended (`outcome`), its answer delivered to its spawner as a message from it; the
   * part of its carve it did not use (`returned`) goes back to the spawner's group. `code` says why
   * the kernel ended it (budget-exhausted: its carve is spent and no period refills it), with the
   * carve's figures in `numbers`. `lent`: the spawner's unique handles the child held, given back.
   */
  | { type: 'spawn.exited'; agent: AgentId; parent: AgentId; task: string; msgId: string; outcome: 'completed' | 'failed' | 'killed'; text: string; used: { tokens: number; cost: number }; group: string | null; returned: { tokens: number | null; cost: number | null } | null; code?: SpawnExit; numbers?: Record<string, number | string | null>; lent?: string[] }
  /**
   * A process was killed (`mode` kill) or cancelled (`mode` cancel): by a person, or by the kernel
   * propagating its spawner's end to it (`by` the spawner, `depth` generations below `origin`).
   */
  | { type: 'agent.killed'; agent: AgentId; by: string; mode: 'kill' | 'cancel'; origin: AgentId; depth: number; reason: string }
  /**
   * A person approved turning job-scoped handle `from` into the durable, refcounted `handle`
   * (trust/durable.ts); `approval` is the seq of the approval, `refs` its holders.
   */
  | { type: 'cap.promoted'; agent: AgentId; callId: string; from: string; handle: Handle; approval: number }
  /** A holder of a durable handle ended: `refs` holders are left; at 0 the handle ends. */
  | { type: 'cap.released'; agent: AgentId; handle: string; target: string; refs: number; reason: string }
  /** `evidence`: seqs of the events that justify the stop (the repeated turns of a livelock, the waits of a deadlock). */
  | { type: 'run.stopped'; reason: StopReason; detail: string; goals: Record<string, boolean>; evidence?: number[] };

/** Why the kernel refused a spawn (kernel/loop/spawn.ts). */
export type SpawnRefusal = 'no-delegate' | 'already-spawned' | 'signature' | 'escalation' | 'caps-widen' | 'budget' | 'job';

/** Why the kernel ended a sub-agent itself (kernel/loop/spawnSources.ts); absent when it ended on its own or was killed. */
export type SpawnExit = 'budget-exhausted';

/** The budget a spawn carved: the child's group, the spawner's group it came from, and what the spawner had left before and after. */
export interface SpawnBudget {
  group: string | null;
  from: string | null;
  tokens: number | null;
  cost: number | null;
  before: { tokens: number | null; cost: number | null } | null;
  after: { tokens: number | null; cost: number | null } | null;
}

/** How to undo an audited operation (where one can be undone). */
export type Undo =
  | { kind: 'delete-chunk'; store: string; id: string }
  | { kind: 'restore-artifact'; name: string; text: string | null; agent: AgentId | null; seq: number | null; taint?: string[] }
  | { kind: 'restore-core'; agent: AgentId; label: string; text: string };

/** One search hit brought into a context window as a `retrieved` segment, with its provenance. */
export interface RetrievedChunk {
  text: string;
  tokens: number;
  source: string;
  trust: 'trusted' | 'untrusted';
  valid: boolean;
  /** Source labels the chunk carried at rest (an agent's note derived from untrusted data, a recalled segment). */
  taint?: string[];
  /** Its store declares validity checks: it enters with validity 1 and `valid` is only the sim's ground truth (memory/validityChecks.ts). */
  judged?: true;
}

/** A segment named in a memory event: which, what kind, how many tokens. */
export interface SegmentRef {
  id: string;
  kind: string;
  tokens: number;
}

/** A model's capacity as the run saw it at start. */
export interface ModelInfo {
  slots: number;
  tokensPerSecond: number;
  quality: number;
  priceIn: number;
  priceOut: number;
  /** Requests / tokens per minute the endpoint allows, when the model declares them (absent otherwise). */
  limits?: { rpm?: number; tpm?: number };
  /** The endpoint's prefix cache, when the model declares one (absent otherwise). */
  prefixCache?: { capacityTokens: number; cachedPricePerMTok: number };
}

/** A prefix-cache lookup taken back by a failed call (loop/kvCacheStep.ts kvUndoneOnFailure): its figures leave the agent's hit rate, `removedTokens` it inserted leave the cache, `restoredTokens` evicted for it return. */
export interface KvUndone {
  promptTokens: number;
  cachedTokens: number;
  removedTokens: number;
  restoredTokens: number;
}

/** The cache-affinity term of a pick (loop/kvCacheStep.ts cacheAffinity): the class's pick, the candidates' warm tokens, whom it chose and why. */
export interface AffinityTerm {
  classPick: AgentId;
  chosen: AgentId;
  candidates: { agent: AgentId; warmTokens: number }[];
  reason: string;
}

/** A budget group as the run saw it at start (quotas per period; none = unlimited). */
export interface GroupInfo {
  id: string;
  parent: string | null;
  tokens: number | null;
  cost: number | null;
  periodMs: number | null;
  weight: number;
}

/** What one slice of generation cost: input tokens (charged on a slice that prefilled), output tokens, money. */
export interface SliceCharge {
  tokensIn: number;
  tokensOut: number;
  cost: number;
  /** Of `tokensIn`, those served from the model's prefix cache and priced at its cached rate (absent: none, or no cache declared). */
  cachedIn?: number;
}

/** The numbers behind a routing decision by objective (sched/objective.ts). */
export interface RouteObjective {
  form: 'product' | 'linear';
  urgencyWeight: number;
  qualityWeight: number;
  /** The agent's declared urgency (sched.urgency, default 1). */
  urgency: number;
  /** Per candidate model (those that meet the need): its speed share, quality per $/M tokens, and score. */
  scores: { model: string; speed: number; qualityPerPrice: number; score: number }[];
}

export type KernelEventType = KernelEventBody['type'];
export type KernelEvent = Base & KernelEventBody;
export type EventOf<T extends KernelEventType> = Extract<KernelEvent, { type: T }>;

/** Every event type, in a stable order (for filters and breakpoints in the UI). */
export const EVENT_TYPES: readonly KernelEventType[] = Object.freeze([
  'run.started', 'run.forked', 'job.published', 'job.failed', 'sched.admitted', 'sched.refused', 'sched.routed', 'sched.enqueued', 'sched.picked',
  'sched.preempted', 'sched.throttled', 'sched.replenished', 'infer.started', 'infer.sliced', 'infer.completed', 'infer.failed',
  'tool.called', 'tool.allowed', 'tool.denied', 'tool.asked', 'tool.approved', 'tool.returned', 'proc.read', 'msg.sent', 'task.updated', 'msg.retained', 'msg.denied', 'msg.delivered',
  'agent.blocked', 'agent.woke', 'artifact.written', 'agent.finished', 'mem.pressure', 'mem.evicted', 'mem.compacted', 'mem.faulted', 'mem.validity',
  'cap.granted', 'cap.expired', 'mem.cow', 'trust.signature', 'human.edited', 'audit.rolledback', 'change.reviewed', 'goal.judged', 'goal.met', 'sched.missed', 'run.stopped',
  'remote.replied', 'kv.matched', 'kv.evicted', 'kv.reported', 'mem.rotted', 'turn.chosen', 'cutoff.decided',
  'region.denied', 'region.stale',
  'spawn.refused', 'agent.spawned', 'spawn.exited', 'agent.killed', 'cap.promoted', 'cap.released',
]);
