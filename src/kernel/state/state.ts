/**
 * The kernel's whole state: plain data, structured-clone safe, a pure reduction over the
 * run's events (reduce.ts). Snapshots are copies of it; seek = snapshot + replay of events.
 */
import type { AgentId, RunId } from '../ids';
import type { Action } from '../cpu/cpu';
import type { GroupInfo, MemoryParams, ModelInfo, ProcState, StopReason } from '../trace/events';
import type { Segment } from '../memory/segment';
import type { AgentSpec, HarnessSpec } from '../spec';
import type { Encoding } from '../tokens';
import type { DecisionRecord, Handle, PolicyRule } from '../trust/types';
import type { TaskRecord } from '../ipc/taskRecord';
import type { Judgement } from '../term/verdict';
import type { LookupUndo, NamedBlock, PrefixCacheState } from '../memory/prefixCache';
import type { SlabLedger } from '../alloc/ledger';
import type { RegionsState } from '../region/regionState';

export interface Message {
  msgId: string;
  from: AgentId;
  to: AgentId;
  text: string;
  facts: string[];
  tokens: number;
  deliverAt: number;
  sentSeq: number;
  /** Virtual time it was sent (absent in states stored before it was kept): how far along its channel it is. */
  sentAt?: number;
  /** Source labels of the values in the text (taint travels with messages). */
  taint?: string[];
  channel?: string;
  /** The A2A task it belongs to, and the tracked facts its sender held (retention is measured on them). */
  task?: string;
  tracked?: string[];
}

/**
 * An agent's place in the slot cycle: 'off' (holds no slot), 'picked' (holds a slot, its
 * inference not started), 'slicing' (a slice in flight until `until`), 'boundary' (a slice
 * ended: it continues or is preempted), 'throttle-noted' (at a boundary, its class throttle
 * already announced: preemption follows).
 */
export type SlotPhase = 'off' | 'picked' | 'slicing' | 'boundary' | 'throttle-noted';

/** The deciding module and rule of an allowed call, kept while it runs (the canvas shows them at the cursor). */
export type CallDecisionNote = Pick<DecisionRecord, 'module' | 'rule' | 'scope' | 'reason'>;

export interface Proc {
  id: AgentId;
  pid: number;
  state: ProcState;
  model: string;
  /** Context window size in tokens. */
  window: number;
  /** The tokenizer of its model: every segment of its window is counted with it. */
  encoding: Encoding;
  /** Turn counter and sim script counter. */
  turn: number;
  pc: number;
  /** The context window: what the model reads each turn, as typed segments. */
  context: Segment[];
  contextTokens: number;
  /** Recall storage: segments that left the window (evicted or compacted), oldest first. */
  recall: Segment[];
  memory: MemoryParams;
  /** The pressure level last announced (mem.pressure). */
  pressure: 'ok' | 'warn' | 'compact';
  /** Tool and store ids this process may use (installed guards). */
  tools: string[];
  /** Delivered, not yet received messages. */
  inbox: Message[];
  vars: Record<string, string>;
  last: string;
  /** The action decided by the last inference, until it is carried out. */
  pending: Action | null;
  /** Slot held while running: model slot index. */
  slot: number;
  /** Where it is in the slot cycle while it holds a slot (see SlotPhase). */
  slotPhase: SlotPhase;
  /** Virtual time the slice in flight completes while `slotPhase` is 'slicing'; 0 otherwise. */
  until: number;
  /**
   * Open system call while in state `syscall`: its argument labels, and while a human is asked
   * (only this agent waits), the `tool.asked` event's seq and decision (what is asked, and why).
   */
  call: {
    callId: string;
    tool: string;
    args: Record<string, unknown>;
    as?: string;
    decided: boolean;
    until: number;
    taint?: string[];
    asked?: { seq: number; decision: DecisionRecord };
    /** Once allowed (by the engine or a person): who decided and by which rule (absent in older stored states). */
    decision?: CallDecisionNote;
    /** A /proc read's text once `proc.read` recorded it (its tool result). */
    read?: string;
  } | null;
  /** Source labels of each variable's value and of `last` (CaMeL: derivation joins them). */
  taint: Record<string, string[]>;
  lastTaint: string[];
  /** Segments whose injected instruction it has already followed (the sim follows one once). */
  followed: string[];
  /** Time it entered the runqueue (for wait accounting). */
  readyAt: number;
  /** While blocked in recv: whom it waits for and the variable to bind. */
  waiting: { from?: AgentId; as?: string } | null;
  sched: AgentSpec['sched'];
  /** The scheduling class it runs under (the spec's, or fifo where a class is unknown). */
  class: string;
  /** Its budget group, if any. */
  group: string | null;
  /** The generation in progress: output tokens in all and done so far (kept across preemption). */
  gen: { turn: number; total: number | null; done: number; slice: number; prefill: number; spent: { tokensIn: number; cost: number }; cachedIn?: number } | null;
  /** The turn for which the router last chose a model (-1: never). */
  routedTurn: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  finished: string | null;
  needsEnqueue: boolean;
  /**
   * The turn whose model call failed, how many attempts failed, when it may try again (null: not
   * waiting) and the follow-up still to record: the endpoint's throttle, or the job's failure.
   * Absent in states stored before faults were events (read as null).
   */
  retry?: ProcRetry | null;
  /** Its prompts' prefix-cache figures, when its model declares a cache (absent otherwise): state/kvCacheReducers.ts. */
  kv?: ProcKv;
  /** Set when it was killed or cancelled (agent.killed): how, by whom, from which origin. */
  killed?: { mode: 'kill' | 'cancel'; by: string; origin: AgentId; depth: number };
}

/**
 * An agent's prefix-cache figures: lookups, prompt tokens looked up and those served from the
 * cache; `pending`: the last lookup's figures, waiting for the prefill they price (infer.started).
 */
export interface ProcKv {
  lookups: number;
  promptTokens: number;
  cachedTokens: number;
  pending: {
    promptTokens: number;
    cachedTokens: number;
    /** What the lookup changed, and the `last` before it: taken back if its call fails before the prefill (absent in states stored before). */
    undo?: { cache: LookupUndo; last: ProcKv['last']; blocks?: ProcKv['blocks'] };
  } | null;
  /** The figures of the turn's last lookup (what a provider's report replaces). */
  last: { turn: number; promptTokens: number; cachedTokens: number; insertedTokens?: number } | null;
  /** Blocks evicted for the lookup about to be made (`kv.evicted` before `kv.matched`), as they were. */
  evicting?: NamedBlock[];
  /** The last lookup's chain: leading window segments warm before it and cached after it (InferRequest.cachePrefix). */
  blocks?: { warm: number; cached: number };
}

/** A sub-agent's link to its spawner (kernel/loop/spawn.ts): the task it serves, its carved group, whether it has exited. */
export interface SpawnRecord {
  child: AgentId;
  parent: AgentId;
  task: string;
  /** The group carved for it (null: it runs in its spawner's group), and the spawner's group it came from. */
  group: string | null;
  from: string | null;
  detach: boolean;
  depth: number;
  exited: boolean;
  /** The spawner's unique handles moved to it, given back when it exits (absent: none). */
  lent?: string[];
}

/** A turn's failed model calls (kernel/loop/modelFaults.ts). */
export interface ProcRetry {
  turn: number;
  attempts: number;
  at: number | null;
  pending: 'throttle' | 'fail' | null;
  /** The last failure's endpoint throttle: until when, and why (reported by `sched.throttled`). */
  throttle: { until: number; retryAfterMs: number | null; status: number | null } | null;
}

/**
 * A model's endpoint as a schedulable resource: throttled (a 429, or its declared rpm/tpm) until a
 * time, and, when it declares limits, the requests of the last minute (a sliding window kept in
 * arrival order, pruned as it is pushed: O(1) amortised per turn).
 */
export interface EndpointState {
  throttledUntil: number | null;
  reason: string | null;
  /** Start times and token counts of the requests still in the window, oldest first; `sum`: their tokens. */
  window: { at: number[]; tokens: number[]; sum: number } | null;
}

export interface StoreDoc {
  id: string;
  text: string;
  tags: string[];
  trust: 'trusted' | 'untrusted';
  /** False for a planted distractor. */
  valid: boolean;
  source: string;
  t: number;
  /** Source labels of untrusted data the text derives from (an agent's note of a web page): they rest with it. */
  taint?: string[];
}

/** A budget group's quotas and what it used in the current period. */
export interface GroupState extends GroupInfo {
  usedTokens: number;
  usedCost: number;
  periodStart: number;
  /** Set while the group (or an ancestor) is spent: agents in it are not picked until then. */
  throttledUntil: number | null;
  /** Groups carved out of this one for sub-agents still running: their unspent quota counts as spent here. */
  carvedTo?: string[];
  /** The group this one was carved out of (a sub-agent's budget). */
  carvedFrom?: string;
}

export interface KernelState {
  run: RunId;
  seed: number;
  /** seq of the last applied event, -1 before any. */
  seq: number;
  now: number;
  procs: Record<AgentId, Proc>;
  /** Agent ids in document order: every scan goes in this order, for determinism. */
  order: AgentId[];
  /** Per model: which agent holds each slot (null when free). */
  slots: Record<string, (AgentId | null)[]>;
  models: Record<string, ModelInfo>;
  /** Scheduler knobs of the run (document `sched`). */
  params: HarnessSpec['sched'];
  groups: Record<string, GroupState>;
  /** Admitted deadline bandwidth per model, in slots (Σ runtime / capacity per period). */
  bandwidth: Record<string, number>;
  /** Per model runqueue, owned by its scheduling class (opaque to everyone else). */
  runqueues: Record<string, Record<string, unknown>>;
  inflight: Message[];
  stores: Record<string, StoreDoc[]>;
  /** Artifacts by name; `taint`: the labels of what the text derives from (they come back on every read). */
  artifacts: Record<string, { agent: AgentId; text: string; seq: number; taint?: string[] }>;
  sent: { from: AgentId; to: AgentId; text: string; facts?: string[] }[];
  /** A2A tasks by id (ipc/tasks.ts). */
  tasks: Record<string, TaskRecord>;
  /** Ids of tasks with a transition to record (created, or `want` ≠ `state`), oldest first. */
  taskQueue: string[];
  /** Messages read whose fact retention is still to be measured. */
  retainQueue: { msgId: string; from: string; to: string; channel: string; tracked: string[] }[];
  goalsMet: Record<string, boolean>;
  /** The latest verdict per judge leaf (term/judgement.ts `judgementKey`), from `goal.judged`; absent until the first. */
  judged?: Record<string, Judgement>;
  steps: number;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  nextPid: number;
  nextId: number;
  /** Next segment number (segment ids are `s<n>`). */
  nextSeg: number;
  /** Capability handles by id: issued at job start (cap.granted), ended at cap.expired. */
  handles: Record<string, Handle>;
  /** Rules humans added while approving (approve and remember): the session scope. */
  sessionRules: PolicyRule[];
  /** Taint labels a human declassified. */
  declassified: string[];
  /** Session-tier stores: each agent's private copy-on-write writes (the shared tier never changes). */
  views: Record<string, Record<string, StoreDoc[]>>;
  stopped: { reason: StopReason; detail: string } | null;
  /** Per model with a throttle or declared limits (absent: none yet; older stored states lack it). */
  endpoints?: Record<string, EndpointState>;
  /** Per model that declares a prefix cache: its cached prompt prefixes (memory/prefixCache.ts); absent otherwise. */
  kvCaches?: Record<string, PrefixCacheState>;
  /** Agents whose failed call has a follow-up to record (an endpoint throttle, a job failure), oldest first. */
  faultQueue?: AgentId[];
  /** Conversation groups' turn-taking by group (sched/turnTaking.ts), from `turn.chosen`; absent until the first. */
  turns?: Record<string, TurnState>;
  /** Each agent's last cutoff decision (sched/cutoff.ts), from `cutoff.decided`; absent until the first. */
  cutoffs?: Record<AgentId, CutoffState>;
  /** The allocator's per-class counters (kernel/alloc); absent in a state stored before they existed (not accounted then). */
  slabs?: SlabLedger;
  /** Declared regions' generations and handles (kernel/region); absent when the document declares none. */
  regions?: RegionsState;
  /** Sub-agents by id, with their spawner (absent until the first spawn). */
  spawns?: Record<AgentId, SpawnRecord>;
  /** How many handles a person promoted to durable (absent until the first): the refcount watch runs only then. */
  promoted?: number;
}

/** A conversation group's turn: who speaks, since which of its own turns, and the group's count. */
export interface TurnState {
  members: AgentId[];
  /** The speaker holds the turn while its `turn` counter is still `speakerTurn` (its model turn has not completed). */
  speaker: AgentId;
  speakerTurn: number;
  /** Turns the group has given, the current one included. */
  taken: number;
  /** Turns each member has had. */
  spoken: Record<AgentId, number>;
}

/** An agent's last cutoff decision: before which turn, what, and the goal's progress then. */
export interface CutoffState {
  turn: number;
  outcome: 'continue' | 'stop';
  progress: number;
}
