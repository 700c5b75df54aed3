/**
 * The trust pillar's vocabulary. Every operation an agent attempts (a job starting, a tool
 * call, a memory read or write, a message send) is an OpRequest run through a stack of policy
 * modules at one hook point, like Linux LSM hooks: modules run in order, the first that does
 * not allow decides (deny or ask), and nothing later undoes it. A decision always names the
 * module, the rule and the scope that made it, and the mode in force.
 */
import type { StateEdit } from '../trace/editEvent';

export type Effect = 'allow' | 'ask' | 'deny';

/** Scopes, highest first. A deny in any scope cannot be re-allowed by another. */
export type ScopeLevel = 'org' | 'project' | 'user' | 'session';
export const SCOPE_LEVELS: readonly ScopeLevel[] = Object.freeze(['org', 'project', 'user', 'session']);

/**
 * Permission modes (what happens when no rule matches, and what plan forbids):
 * - plan: no side effects (write, external, privileged are denied even when a rule allows them)
 * - ask (default): reads run, everything with a side effect asks
 * - accept-edits: reads and writes run, external and privileged ask
 * - auto: everything runs unless a rule denies or asks
 * - deny-unlisted: only what an allow rule lists runs; an ask becomes a deny
 */
export type Mode = 'plan' | 'ask' | 'accept-edits' | 'auto' | 'deny-unlisted';
export const MODES: readonly Mode[] = Object.freeze(['plan', 'ask', 'accept-edits', 'auto', 'deny-unlisted']);

/** What a call does to the world, from the tool's declaration. */
export type SideEffect = 'none' | 'read' | 'write' | 'external' | 'privileged';

export type HookPoint = 'job.create' | 'tool.call' | 'memory.read' | 'memory.write' | 'msg.send';
export const HOOK_POINTS: readonly HookPoint[] = Object.freeze(['job.create', 'tool.call', 'memory.read', 'memory.write', 'msg.send']);

/** A rule as the rules check sees it: one of a scope's rules, or a session rule a human added. */
export interface PolicyRule {
  id: string;
  effect: Effect;
  /** `Tool` or `Tool(specifier)`: a tool name (glob) and a glob over the call's main argument. */
  match: string;
  /** Id of the scope it belongs to ("session" for remembered approvals). */
  scope: string;
  level: ScopeLevel;
}

/** Isolation tiers: platform (read-only to agents), shared (written only through declared tools), session (private, copy-on-write). */
export type Tier = 'platform' | 'shared' | 'session';
export const TIERS: readonly Tier[] = Object.freeze(['platform', 'shared', 'session']);

/** One operation an agent attempts, as every policy module sees it. */
export interface OpRequest {
  hook: HookPoint;
  agent: string;
  /** Tool id or built-in name; for msg.send "send", for job.create "job". */
  tool: string;
  /** The id a capability must name: a tool, a store, an agent (messages). */
  target: string;
  access: 'use' | 'read' | 'write';
  /** The value rule specifiers match against: the main argument (path, url, recipient, query…), or null. */
  arg: string | null;
  args: Readonly<Record<string, unknown>>;
  sideEffect: SideEffect;
  /** Taint labels carried by the values crossing this call (empty: untainted). */
  taint: readonly string[];
  /** True when the call goes through a tool declared in the document (not a built-in). */
  declared: boolean;
  /** The isolation tier of the target (tools and stores declare one). */
  tier: Tier;
  /**
   * Why the operation leaves the agent's session, when it does (trust/sinks.ts: `is a privileged
   * sink`, `persists into store wiki of the shared tier…`); null: it stays inside. Unset: the
   * taint module classifies by `sideEffect` alone (privileged and external are sinks).
   */
  sink?: string | null;
}

export interface Decision {
  effect: Effect;
  /** The module that decided (capability, tier, handle, signature, execute-only, rules, taint, mode). */
  module: string;
  /** The deciding rule: a rule id, `mode:<mode>`, `capability:<a>-><t>`, `taint`, `tier:<tier>`… */
  rule: string;
  /** The scope id of the rule, or `kernel` / `agent` / `mode`. */
  scope: string;
  mode: Mode;
  reason: string;
  /** For asks: what the human is asked for. */
  ask?: 'approve' | 'declassify';
  /** A typed error code where one applies (lease-ended, schema, signature…). */
  code?: string;
}

/**
 * A trust decision as every trust event records it (`decision` of tool.allowed, tool.denied,
 * tool.asked, tool.approved, msg.denied, trust.signature) and as `explainAccess` answers it.
 * Every field is always present: null (or []) says "none", never a missing key.
 */
export interface DecisionRecord {
  /** Where it was decided: a hook point, or `turn` (a signature checked at a context rebuild). */
  hook: HookPoint | 'turn';
  /** The deciding module (capability, tier, channel, execute-only, taint, rules, mode, signature, handles), `kernel`, or `human`. */
  module: string;
  effect: Effect;
  /** The deciding rule (see Decision.rule); null where none did (a one-off human approval, an absent recipient). */
  rule: string | null;
  /** The scope of that rule (a scope id, `session`, `kernel`, `agent`, `mode`), null with no rule. */
  scope: string | null;
  mode: Mode;
  reason: string;
  /** The capability handle the call used (`h3`, `own-memory`), else null. */
  grant: string | null;
  /** Source labels of the values the operation carried ([] when untainted). */
  taint: string[];
  /** A typed error code (lease-ended, schema, no-handle…), else null. */
  code: string | null;
  /** For asks, and for a human's answer: what is (was) asked — approve, or declassify a tainted value. */
  ask: 'approve' | 'declassify' | null;
  /** For a human's answer (approve or deny): seq of the `tool.asked` it answers, else null. */
  answers: number | null;
}

/** What a policy module answers: null means "no objection" (the LSM default). */
export type ModuleAnswer = Omit<Decision, 'mode'> | null;

export interface PolicyModule {
  readonly name: string;
  readonly hooks: readonly HookPoint[];
  check(req: OpRequest): ModuleAnswer;
}

/** Capability handles: how an agent holds a target. */
export type HandleKind = 'borrowed' | 'unique' | 'shared';
export type LeaseKind = 'job' | 'durable';

export interface Handle {
  id: string;
  agent: string;
  target: string;
  kind: HandleKind;
  /** What the handle lets its holder do. */
  access: 'use' | 'read' | 'write' | 'readwrite';
  lease: LeaseKind;
  /** Virtual time it was issued. */
  issuedAt: number;
  /** Virtual time the lease ends (job leases with a term), or null. */
  expiresAt: number | null;
  /** Set when the lease ended: why and when. */
  ended: { t: number; reason: string } | null;
  /** A sub-agent's handle narrowed from its spawner's handle `from`: it ends when that one ends. */
  from?: string;
  /** A durable handle a person promoted (trust/durable.ts): its holders; it ends when the last one ends. */
  refs?: string[];
  /** A unique handle moved to a sub-agent (trust/spawnCaps.ts): that agent, until it exits; meanwhile its holder cannot use it (`lent`). */
  lentTo?: string;
}

/** An action a human takes on a run, recorded as an event so replays reproduce it. */
export type HumanInput =
  | { kind: 'approve'; callId: string; remember: boolean }
  | { kind: 'deny'; callId: string; reason?: string }
  | { kind: 'rollback'; seq: number }
  /** The person approves the change made at `seq` as it is (kernel/provenance: its review status). */
  | { kind: 'review'; seq: number; verdict: 'approved'; note?: string }
  | { kind: 'message'; to: string; text: string; facts?: string[] }
  /** The person edits the state (a window segment, core block, chunk, message, tool result or artifact): trace/editEvent.ts. */
  | { kind: 'edit'; edit: StateEdit }
  /** The person ends the run (e.g. nobody will answer: the CLI has no person to ask). */
  | { kind: 'stop'; detail?: string; ceiling?: 'max-wall-time' }
  /** The person kills (or cancels) an agent; its spawned sub-agents follow (kernel/loop/spawn.ts). */
  | { kind: 'kill'; agent: string; mode?: 'kill' | 'cancel' };
