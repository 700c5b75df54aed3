/**
 * The harness document, version 1. This zod schema is the single source of truth: the
 * TypeScript types, the runtime parser and the published JSON Schema all come from it.
 * Fields the kernel does not use yet are still part of the document so files stay stable.
 */
import { z } from 'zod';
import { SCHED_CLASSES, type AgentSched, type SchedParam, type SchedRegistry } from '../sched';
import { PrefixCacheSchema } from './prefixCacheSchema';
import { ContextRotSchema } from './contextRotSchema';
import { SLAB_CLASS_NAMES } from '../alloc/slabClass';

export const SPEC_VERSION = 1 as const;

/** The person at the studio: a participant in conversations (channels, sends, receives), never an agent. */
export const HUMAN = 'human';

/** The built-in system call that reads /proc (an agent's runtime state, kernel/proc): rules match `proc(<agent>)`. */
export const PROC_TOOL = 'proc';

/**
 * The built-in system call that turns a job-scoped handle into a durable, refcounted one
 * (trust/durable.ts): always asked of a person, never decided by a rule alone.
 */
export const DURABLE_TOOL = 'cap_durable';

const Id = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'an id: a letter, then letters, digits, _ . or - (at most 64)');

/**
 * The providers a model may name. Only `sim` runs without an endpoint; whether the others can
 * run is up to the host (cpu/runnable.ts checks it before a run).
 */
export const PROVIDERS = ['sim', 'openai', 'openai-compatible', 'anthropic'] as const;

/** A model is a CPU: where it runs, what it costs and how many inferences it serves at once. */
export const ModelSchema = z.object({
  id: Id,
  name: z.string().min(1),
  provider: z.enum(PROVIDERS).default('sim'),
  /** The provider's own model name, e.g. "gpt-4o-mini"; free text for sim. */
  model: z.string().default('sim-1'),
  baseUrl: z.string().optional(),
  contextWindow: z.number().int().min(256).max(10_000_000).default(8192),
  /** Price in USD per million input / output tokens. */
  priceIn: z.number().min(0).default(0),
  priceOut: z.number().min(0).default(0),
  /** Quality tier, 1 (weakest) to 5 (strongest); routing weighs it against price. */
  quality: z.number().int().min(1).max(5).default(3),
  /** Concurrent inference slots: how many agents may hold this CPU at once. */
  slots: z.number().int().min(1).max(1024).default(1),
  /** Sim only: decoding speed, used to turn output tokens into virtual time. */
  tokensPerSecond: z.number().positive().default(50),
  /** The tokenizer that counts this model's tokens; unset: chosen from the model name (cl100k for GPT-4/3.5, else o200k). */
  tokenizer: z.enum(['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base']).optional(),
  /**
   * How often a failed call (429, 5xx, network, dropped) is retried before the turn fails and the
   * job with it; unset: 4 retries (kernel/cpu/retry.ts DEFAULT_RETRY_POLICY).
   */
  retry: z.object({ max: z.number().int().min(0).max(20) }).strict().optional(),
  /**
   * Requests and tokens per minute the endpoint allows, scheduled like a cgroup's cpu.max: a turn
   * that would exceed the sliding 60 s window waits (`sched.throttled`). Unset: no limit.
   */
  limits: z.object({ rpm: z.number().int().min(1).optional(), tpm: z.number().int().min(1).optional() }).strict().optional(),
  /** The endpoint's prompt-prefix (KV) cache, modelled by the kernel (spec/prefixCacheSchema.ts). Unset: none. */
  prefixCache: PrefixCacheSchema.optional(),
  /** Sim only: the chance of a mistake grows with the window's length (spec/contextRotSchema.ts). Unset: none. */
  contextRot: ContextRotSchema.optional(),
});

/** The quality tier a step needs (1..5); when set, the router picks the cheapest model that meets it. */
const precision = { precision: z.number().int().min(1).max(5).optional() };

/** One step of a sim agent's behaviour script. Text fields accept {{last}} and {{var.NAME}}. */
export const SimStepSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('think'), text: z.string().default(''), tokens: z.number().int().min(0).optional(), ...precision }),
  z.object({ op: z.literal('call'), tool: Id, args: z.record(z.string(), z.unknown()).default({}), as: z.string().optional(), ...precision }),
  /**
   * A message (an A2A SendMessage). `facts`: parts tagged fact, which must survive every hop;
   * `forwardFacts`: also tag every fact in the sender's window; `paraphrase`: the sim drops each
   * sentence of the text with this probability (natural language is lossy); `task`: the state the
   * reply puts the task it answers in (default completed; input-required asks the sender back).
   */
  z.object({
    op: z.literal('send'), to: Id, text: z.string(), facts: z.array(z.string()).default([]),
    forwardFacts: z.boolean().default(false), paraphrase: z.number().min(0).max(1).default(0),
    task: z.enum(['completed', 'input-required', 'failed', 'rejected']).optional(), ...precision,
  }),
  z.object({ op: z.literal('recv'), from: Id.optional(), as: z.string().optional() }),
  z.object({ op: z.literal('search'), store: Id, query: z.string(), as: z.string().optional(), ...precision }),
  z.object({ op: z.literal('remember'), store: Id, text: z.string(), ...precision }),
  z.object({ op: z.literal('write'), artifact: z.string().min(1), text: z.string(), ...precision }),
  z.object({ op: z.literal('finish'), text: z.string().default(''), ...precision }),
  /** Explicit page faults (MemGPT): search the agent's own past messages, edit a core memory block. */
  z.object({ op: z.literal('recall'), query: z.string(), as: z.string().optional() }),
  z.object({ op: z.literal('core'), label: z.string().min(1), text: z.string(), mode: z.enum(['append', 'replace']).default('append') }),
  /** Lazy fault: reference an artifact, a store chunk (`store:ID#N`) or new scratch space (`new:NAME`), materialised on first access. */
  z.object({ op: z.literal('read'), ref: z.string().min(1), as: z.string().optional() }),
  /** Read /proc: its own runtime state as JSON, or `agent`'s (which needs an allow rule proc(<agent>)); bound to `as` and to {{last}}. */
  z.object({ op: z.literal('proc'), agent: Id.optional(), as: z.string().optional() }),
  /**
   * Spawn a sub-agent (kernel/loop/spawn.ts): start the `agent` template over a delegate channel
   * with `spawn` set, giving it `task` (its {{var.task}}). `tokens` / `cost`: the budget carved out
   * of the spawner's group (default: the channel's); `sched`: the class and priority it asks
   * (never above the spawner's); `caps`: the handles it gets (each only narrower than one the
   * spawner holds); `detach`: it outlives its spawner and is not killed with it.
   */
  z.object({
    op: z.literal('spawn'), agent: Id, task: z.string().default(''),
    tokens: z.number().int().min(1).optional(), cost: z.number().min(0).optional(),
    sched: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    caps: z.array(z.object({ target: Id, access: z.enum(['use', 'read', 'write', 'readwrite']).default('read'), handle: z.enum(['borrowed', 'unique', 'shared']).optional() })).optional(),
    detach: z.boolean().optional(),
  }),
  /** Ask to turn the job-scoped handle on `target` into a durable, refcounted one (a person approves; trust/durable.ts). */
  z.object({ op: z.literal('promote'), target: Id, as: z.string().optional() }),
  /**
   * Control flow, no turn spent: reads `var` (or {{last}} without it) as JSON, takes the dotted
   * `path` in it (e.g. `budget.tokensLeft`) and continues at step `to` when the value is a number
   * below `below` and at least `atLeast` (each when given; with neither: when it is present and
   * not null, false, 0 or ""); otherwise at the next step.
   */
  z.object({
    op: z.literal('branch'), var: z.string().optional(), path: z.string().min(1),
    below: z.number().optional(), atLeast: z.number().optional(), to: z.number().int().min(0),
  }),
]);

/** The zod type of one class parameter: its kind and range, its default, its description. */
function paramSchema(p: SchedParam): z.ZodType {
  let t: z.ZodType;
  if (p.kind === 'choice') t = z.enum(p.choices as [string, ...string[]]);
  else {
    let n = p.kind === 'integer' ? z.number().int() : z.number();
    if (p.min !== undefined) n = n.min(p.min);
    if (p.max !== undefined) n = n.max(p.max);
    t = n;
  }
  t = t.describe(p.description);
  return p.default === undefined ? t.optional() : t.default(p.default as never);
}

/**
 * An agent's `sched` section, built from a registry of scheduling classes: `class` is one of
 * theirs, each field one a class declares (kind, range, default), `group` the budget group.
 * The class's own rules over its fields (deadline's runtime ≤ deadline ≤ period) need the
 * agent's model and are checked with the references (parse.ts).
 */
export function schedSchemaFor(registry: SchedRegistry): z.ZodType<AgentSched, AgentSchedInput> {
  const shape: Record<string, z.ZodType> = {
    class: z.enum(registry.names as [string, ...string[]]).default(registry.fallback),
  };
  for (const p of registry.params) shape[p.name] = paramSchema(p);
  shape.group = Id.optional().describe('The budget group (groups[].id) the agent belongs to.');
  return z.object(shape) as unknown as z.ZodType<AgentSched, AgentSchedInput>;
}

/** What a user may write in an agent's `sched` section: every field optional. */
export interface AgentSchedInput {
  class?: string;
  group?: string;
  [param: string]: string | number | undefined;
}

export const SchedSchema = schedSchemaFor(SCHED_CLASSES);

/**
 * Turn-taking over a group's member agents (those whose `sched.group` is the group), after
 * AutoGen's GroupChat: only the current speaker may take a model turn; the others wait on their
 * turn. `round-robin` goes through `order` (default: document order), `random` draws from the
 * run's seeded randomness, `model` lets a model name the next speaker (on the sim: the speaker
 * the last one named in its text, else round robin; on a real CPU: a recorded call). After
 * `maxTurns` turns the chat ends: its members finish.
 */
export const TurnTakingSchema = z.object({
  policy: z.enum(['round-robin', 'random', 'model']),
  order: z.array(Id).min(1).optional(),
  maxTurns: z.number().int().min(1).optional(),
  /** The model that names the next speaker under `model` (default: the last speaker's model). */
  model: Id.optional(),
});

/**
 * Task cutoff as an expected-value decision (sched/cutoff.ts): before each further turn of the
 * agent, the marginal cost of a turn (its cost per turn so far) is set against the marginal gain
 * in the goal's probability (its predicates' progress per turn so far, or `passRates[k]` −
 * `passRates[k−1]`, the goal's pass rate after k turns from an experiment) times `value`; it
 * continues while gain × value ≥ cost, else finishes.
 */
export const CutoffSchema = z.object({
  goal: Id,
  /** What meeting the goal is worth, in USD (the same unit as a turn's cost). */
  value: z.number().min(0),
  passRates: z.array(z.number().min(0).max(1)).min(1).optional(),
  /** Turns always granted before the rule applies (default 1: the first turn has no cost to estimate from). */
  minTurns: z.number().int().min(1).optional(),
});

/**
 * One objective over urgency and quality per token (sched/objective.ts), used by model routing
 * and by the `objective` scheduling class: `product` scores urgency^urgencyWeight ×
 * (quality/price)^qualityWeight, `linear` urgencyWeight·urgency + qualityWeight·quality/price.
 */
export const ObjectiveSchema = z.object({
  urgencyWeight: z.number().min(0),
  qualityWeight: z.number().min(0),
  form: z.enum(['product', 'linear']).default('product'),
});

export const CoreBlockSchema = z.object({
  label: z.string().min(1),
  value: z.string().default(''),
  limit: z.number().int().positive().default(2000),
  /** The value is a secret: redacted in traces, CLI output and exports (spec/secrets.ts). */
  secret: z.boolean().optional(),
  /**
   * Part of the agent's identity: covered by the agent's signature (trust/digest.ts), and a
   * core_memory_replace or _append of it at run time waits for a person's approval.
   */
  identity: z.boolean().optional(),
});

export const MemorySchema = z.object({
  /** Overrides the model's context window (tokens) when set. */
  window: z.number().int().min(256).optional(),
  warnAt: z.number().min(0).max(1).default(0.75),
  compactAt: z.number().min(0).max(1).default(0.9),
  eviction: z.enum(['fifo', 'lru', 'lru-k', 'quality']).default('lru'),
  k: z.number().int().min(1).max(16).default(2),
  coreBlocks: z.array(CoreBlockSchema).default([]),
  /**
   * The model that writes the summary at compaction (loop/compactSource.ts): on a real endpoint its
   * answer, recorded, becomes the summary; on the sim the summary stays the deterministic gist.
   * Fact-tagged and pinned segments are never summarised. Unset: the gist.
   */
  summarizer: Id.optional(),
});

/** A capability is an edge from an agent to a tool or a store, held as a handle. */
export const CapabilitySchema = z.object({
  target: Id,
  access: z.enum(['use', 'read', 'write', 'readwrite']).default('use'),
  /** borrowed: a read-only view; unique: the one editable handle on the target; shared: published for many. Unset: from access. */
  handle: z.enum(['borrowed', 'unique', 'shared']).optional(),
  /** job: ends with the job (or after leaseMs); durable: an explicit grant that outlives it. */
  lease: z.enum(['job', 'durable']).default('job'),
  /** A job lease's term in virtual ms: used after it, the handle is a typed error. */
  leaseMs: z.number().int().positive().optional(),
});

export const AgentSchema = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().default(''),
  model: Id,
  systemPrompt: z.string().default(''),
  behaviour: z.array(SimStepSchema).default([]),
  /** Sim sampling temperature: 0 is exactly the script; higher adds seeded variation. */
  temperature: z.number().min(0).max(2).default(0),
  /** Sim only: how readily injected instructions in its context are followed (0..1). */
  injectionSusceptibility: z.number().min(0).max(1).default(0),
  /** Execute-only (XOA): tool results never enter its window, and each call must validate against the tool's argument schema. */
  executeOnly: z.boolean().default(false),
  /** Isolation tiers it may read; a read of a store or tool in another tier is denied. */
  tiers: z.array(z.enum(['platform', 'shared', 'session'])).default(['platform', 'shared', 'session']),
  sched: SchedSchema.default(SchedSchema.parse({})),
  memory: MemorySchema.default(MemorySchema.parse({})),
  capabilities: z.array(CapabilitySchema).default([]),
  /** A real model is offered the read_proc function (its /proc; another agent's needs an allow rule). Sim scripts read /proc with the proc step either way. */
  proc: z.boolean().optional(),
  /** Sim only: context rot for this agent, overriding its model's (spec/contextRotSchema.ts). */
  contextRot: ContextRotSchema.optional(),
  /** Stop when another turn is not worth it: expected gain in the goal's probability × its value against a turn's cost. */
  cutoff: CutoffSchema.optional(),
  /** A real model is offered the spawn_agent function (sub-agents over its delegate channels with `spawn`). Sim scripts spawn with the spawn step either way. */
  spawn: z.boolean().optional(),
});

export const ToolImplSchema = z.discriminatedUnion('kind', [
  /** A scripted tool: answers with `result` (a template over {{args.NAME}}) after `latencyMs`. */
  z.object({ kind: z.literal('sim'), result: z.string().default(''), latencyMs: z.number().int().min(0).default(100) }),
  /** Ranked full-text search over a store's documents. */
  z.object({ kind: z.literal('search'), store: Id, topK: z.number().int().min(1).max(50).default(3), latencyMs: z.number().int().min(0).default(200) }),
  z.object({ kind: z.literal('archival_insert'), store: Id, latencyMs: z.number().int().min(0).default(20) }),
  /**
   * A tool of an MCP server (`mcpServers[].id`), called by its name there; the host (studio worker,
   * CLI) makes the call and the kernel records its result. `latencyMs` is the virtual time it takes.
   */
  z.object({ kind: z.literal('mcp'), server: Id, tool: z.string().min(1), latencyMs: z.number().int().min(0).default(100) }),
]);

/**
 * An MCP server the harness's tools come from: a Streamable HTTP `url`, or (the CLI only) a stdio
 * `command` with `args`. `trust` is the trust level of every result it returns. An auth header is
 * never in the document: `auth.env` names the environment variable the CLI reads its value from
 * (the studio keeps it in this browser's settings, like an API key).
 */
export const McpServerSchema = z
  .object({
    id: Id,
    name: z.string().default(''),
    url: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL').optional(),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).optional(),
    trust: z.enum(['trusted', 'untrusted']).default('untrusted'),
    auth: z.object({ header: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name').default('Authorization'), env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict().optional(),
  })
  .strict()
  .refine((s) => (s.url === undefined) !== (s.command === undefined), { message: 'give exactly one of "url" (Streamable HTTP) or "command" (stdio, CLI only)', path: ['url'] });

/**
 * A remote agent: an A2A agent outside this harness, reached over HTTP at its Agent Card's `url`
 * (the card names the JSON-RPC endpoint). Local agents message it over a declared channel; the
 * host sends each message (`message/send`) and the kernel records the answer, so a replay never
 * calls it. `trust` is the trust of its answers (untrusted: each answer is a taint source). An
 * auth header is never in the document: `auth.env` names the environment variable the CLI reads
 * its value from (the studio keeps it in this browser's settings, like an API key).
 * `skills` and `name` are what its card said when it was added (shown on the canvas).
 */
export const RemoteAgentSchema = z
  .object({
    id: Id,
    name: z.string().default(''),
    // No credentials in the URL: they would be in the document, its exports and its traces.
    url: z.string().regex(/^https?:\/\/[^\s/@]+(?:[/?#][^\s]*)?$/, 'an http:// or https:// URL without user:password@'),
    trust: z.enum(['trusted', 'untrusted']).default('untrusted'),
    auth: z.object({ header: z.string().regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name').default('Authorization'), env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict().optional(),
    skills: z.array(z.object({ id: z.string(), name: z.string().default('') }).strict()).optional(),
  })
  .strict();

export const ToolSchema = z.object({
  id: Id,
  name: z.string().min(1),
  description: z.string().default(''),
  /** JSON Schema of the arguments object. */
  args: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  /** privileged and external are sinks a tainted value may not reach without a human declassifying it (mail, spend, an HTTP post); so are writes outside the session tier (trust/sinks.ts). */
  sideEffect: z.enum(['none', 'read', 'write', 'external', 'privileged']).default('none'),
  tier: z.enum(['platform', 'shared', 'session']).default('shared'),
  /** The argument rule specifiers match, as in `send_mail(*@example.com)`; unset: path, url, to, recipient, command, query or text. */
  mainArg: z.string().optional(),
  /** Whether its results can be trusted; untrusted results taint what is derived from them. */
  trust: z.enum(['trusted', 'untrusted']).default('untrusted'),
  /** Its results are secrets (a vault read): the sim `result` is redacted in traces, CLI output and exports (spec/secrets.ts). */
  secret: z.boolean().optional(),
  impl: ToolImplSchema.default({ kind: 'sim', result: '', latencyMs: 100 }),
});

export const DocumentSchema = z.object({
  id: z.string().optional(),
  text: z.string(),
  tags: z.array(z.string()).default([]),
  trust: z.enum(['trusted', 'untrusted']).default('trusted'),
  /** False plants a plausible-but-wrong chunk (a distractor): retrieved, it lowers the sim's accuracy. */
  valid: z.boolean().default(true),
  /** The text is a secret: redacted in traces, CLI output and exports (spec/secrets.ts). */
  secret: z.boolean().optional(),
});

const validPattern = (v: string): boolean => {
  try {
    new RegExp(v, 'i');
    return true;
  } catch {
    return false;
  }
};

/**
 * One validity check a store declares for the chunks it hands out (memory/validityChecks.ts):
 * `stale` after `lifetimeMs` of virtual time in the window; `contradiction` when the chunk and a
 * fact-tagged segment of the same window both name `subject` with different values (the first
 * match of `value`, a case-insensitive regular expression; with `recheck`, the newest such fact,
 * and a chunk found valid is judged again when a newer one enters); `verify` asks `tool` (a sim or search
 * tool, with argument `text`, decided by the policy stack as the agent's own call) and its result
 * sets validity (a number 0..1, else 0 when it matches `invalidIf`, else 1); `judge` asks a real
 * model `rubric` about the chunk (pass 1, fail 0; recorded, a replay never asks again).
 */
export const ValidityCheckSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stale'), lifetimeMs: z.number().int().positive() }),
  z.object({
    kind: z.literal('contradiction'),
    subject: z.string().min(1),
    value: z.string().min(1).refine(validPattern, 'a regular expression (JavaScript syntax) that matches the value'),
    /** Compare with the newest fact naming the subject, and judge a chunk found valid again when a newer one enters its window. Absent: the first fact, one verdict. */
    recheck: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('verify'),
    tool: Id,
    invalidIf: z.string().min(1).refine(validPattern, 'a regular expression (JavaScript syntax)').default('\\b(false|invalid|wrong|refuted)\\b'),
  }),
  z.object({ kind: z.literal('judge'), model: Id, rubric: z.string().min(1) }),
]);

/** Checks that judge the validity of a store's chunks at run time; absent: the documents' planted `valid` stands. */
export const ValiditySchema = z.object({
  checks: z.array(ValidityCheckSchema).min(1),
  /** A chunk a check leaves below this validity leaves the window at once (to recall). Unset: it stays, ranked first by quality eviction. */
  evictBelow: z.number().min(0).max(1).optional(),
});

export const StoreSchema = z.object({
  id: Id,
  name: z.string().min(1),
  kind: z.enum(['archival', 'knowledge']).default('archival'),
  owner: Id.optional(),
  /**
   * platform: read-only to agents; shared: written only through declared tools; session: each
   * agent's private copy-on-write view. Unset: session for archival memory, shared for knowledge.
   */
  tier: z.enum(['platform', 'shared', 'session']).optional(),
  documents: z.array(DocumentSchema).default([]),
  /** Validity judged at run time (ValiditySchema): a chunk enters valid and the checks decide; the planted `valid` becomes the sim's ground truth only. */
  validity: ValiditySchema.optional(),
});

export const ChannelSchema = z.object({
  id: Id,
  from: Id,
  to: Id,
  kind: z.enum(['message', 'delegate']).default('message'),
  /** Virtual milliseconds a message spends in flight. */
  latencyMs: z.number().int().min(0).default(0),
  /**
   * untrusted: the sender is outside the trust boundary (a partner's agent): each message over the
   * channel is an untrusted source with its own label (`msg:FROM#ID`), like an untrusted tool's
   * result. Unset or trusted: a message carries only the labels of what it derives from.
   */
  trust: z.enum(['trusted', 'untrusted']).optional(),
  /**
   * A delegate channel with `spawn`: `from` may spawn sub-agents from the `to` agent as a template
   * (kernel/loop/spawn.ts), and `to` no longer starts with the run. `tokens` / `cost`: the budget
   * carved out of the spawner's group for each sub-agent, unless the spawn asks its own.
   */
  spawn: z.object({ tokens: z.number().int().min(1).optional(), cost: z.number().min(0).optional() }).strict().optional(),
});

export const RuleSchema = z.object({
  id: Id,
  effect: z.enum(['allow', 'ask', 'deny']),
  /** `Tool(specifier)`, e.g. `fs.write(/workspace/**)`, or a bare tool name. */
  match: z.string().min(1),
});

export const ScopeSchema = z.object({
  id: Id,
  level: z.enum(['org', 'project', 'user', 'session']),
  rules: z.array(RuleSchema).default([]),
});

export const PolicySchema = z.object({
  mode: z.enum(['plan', 'ask', 'accept-edits', 'auto', 'deny-unlisted']).default('auto'),
  scopes: z.array(ScopeSchema).default([]),
  /** A tainted value reaching a sink that leaves the agent's session (trust/sinks.ts): deny, ask a human to declassify, or off (no taint defence). */
  taint: z.enum(['deny', 'ask', 'off']).default('deny'),
  /** Refuse to start (or stop) an agent whose system prompt or the policy no longer match their signature. */
  requireSigned: z.boolean().default(false),
});

/** A signature over a canonical payload: its SHA-256 digest (hex) and an ECDSA P-256 signature of it (base64). */
export const SignatureSchema = z.object({ digest: z.string(), sig: z.string() });

/** Signatures made by the studio when the document is saved (WebCrypto; the private key never leaves the browser). */
export const SignaturesSchema = z.object({
  /** The signer's public key as a JWK. */
  publicKey: z.record(z.string(), z.unknown()),
  signedAt: z.number(),
  agents: z.record(z.string(), SignatureSchema).default({}),
  policy: SignatureSchema.optional(),
});

/**
 * A goal condition over kernel state, evaluated by term/goals.ts (`evaluate`, `explain`).
 * Leaves: an artifact exists (with text or fields), a fact is in an agent's context, an agent
 * finished, a message was sent, a budget is left; `all` / `any` combine them.
 */
export type Predicate =
  /** Artifact `name` exists; its text contains `contains`; `fields`: its JSON object (or its `key: value` lines) has these values. */
  | { kind: 'artifact'; name: string; contains?: string; fields?: Record<string, string> }
  /** The fact's normalised text is in a context segment of agent `in` (present, not merely archived). */
  | { kind: 'fact'; fact: string; in: string }
  | { kind: 'finished'; agent: string }
  /** A sent message matches every filter given; `tag`: its text (or one of its facts) starts with `<tag>:`, or a fact is `<tag>`. */
  | { kind: 'message'; from?: string; to?: string; contains?: string; tag?: string }
  /** Budget left in `group` (quota minus used, ancestors included) or, without one, under the harness limits; no threshold: not spent. */
  | { kind: 'budget'; group?: string; tokensLeft?: number; costLeft?: number }
  /**
   * The subject's text (artifact `artifact`, or the final answer of agent `agent`) is like
   * `reference`: its ROUGE F-measure (`rouge-l`, the longest common word subsequence, or `rouge-1`,
   * shared words) is at least `threshold`. Offline and deterministic (term/rouge.ts).
   */
  | { kind: 'similar'; artifact?: string; agent?: string; reference: string; threshold: number; measure?: SimilarityMeasure }
  /**
   * A model (`model`, a real CPU) answers `rubric` about the subject's text; its verdict is recorded
   * in the trace (`goal.judged`), so a replay or a fork has the verdict without asking again. On the
   * sim CPU no model can judge: `fallback`, when given, is evaluated instead and labelled as such.
   */
  | { kind: 'judge'; artifact?: string; agent?: string; rubric: string; model: string; fallback?: Predicate }
  | { kind: 'all'; of: Predicate[] }
  | { kind: 'any'; of: Predicate[] };

/** How a `similar` predicate scores overlap: ROUGE-L (longest common subsequence of words) or ROUGE-1 (shared words), as F1. */
export type SimilarityMeasure = 'rouge-l' | 'rouge-1';

/** The text a semantic predicate reads: exactly one of an artifact or an agent's final answer. */
const oneSubject = (p: { artifact?: string | undefined; agent?: string | undefined }): boolean => (p.artifact === undefined) !== (p.agent === undefined);
const SUBJECT_MESSAGE = { message: 'name exactly one subject: "artifact" (its text) or "agent" (its final answer)', path: ['artifact'] };

/** Validates a `Predicate`; recursive through `all` / `any`. */
export const PredicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('artifact'),
      name: z.string().min(1),
      contains: z.string().optional(),
      fields: z.record(z.string().min(1), z.string()).optional(),
    }),
    z.object({ kind: z.literal('fact'), fact: z.string().min(1), in: Id }),
    z.object({ kind: z.literal('finished'), agent: Id }),
    z.object({
      kind: z.literal('message'),
      from: Id.optional(),
      to: Id.optional(),
      contains: z.string().optional(),
      tag: z.string().min(1).regex(/^[^:\n]+$/, 'a tag has no colon or line break').optional(),
    }),
    z.object({
      kind: z.literal('budget'),
      group: Id.optional(),
      tokensLeft: z.number().int().min(0).optional(),
      costLeft: z.number().min(0).optional(),
    }),
    z
      .object({
        kind: z.literal('similar'),
        artifact: z.string().min(1).optional(),
        agent: Id.optional(),
        reference: z.string().min(1),
        /** Required, so the bar a run must clear is in the document for everyone to see. */
        threshold: z.number().min(0).max(1),
        measure: z.enum(['rouge-l', 'rouge-1']).optional(),
      })
      .refine(oneSubject, SUBJECT_MESSAGE),
    z
      .object({
        kind: z.literal('judge'),
        artifact: z.string().min(1).optional(),
        agent: Id.optional(),
        rubric: z.string().min(1),
        model: Id,
        fallback: PredicateSchema.optional(),
      })
      .refine(oneSubject, SUBJECT_MESSAGE),
    z.object({ kind: z.literal('all'), of: z.array(PredicateSchema) }),
    z.object({ kind: z.literal('any'), of: z.array(PredicateSchema) }),
  ]),
);

export const GoalSchema = z.object({
  id: Id,
  name: z.string().min(1),
  /** "harness" or the id of the agent the goal belongs to. */
  scope: z.string().default('harness'),
  when: PredicateSchema,
  /** Semantic termination: the run stops (reason `goal-reached`) as soon as this goal is met. */
  stop: z.boolean().optional(),
});

/** A budget group (cgroup-like): harness → team → agent. Quotas refill every `periodMs` (none: once per run). */
export const GroupSchema = z.object({
  id: Id,
  name: z.string().min(1),
  parent: Id.optional(),
  /** Token quota (in + out) per period, like cpu.max. */
  tokens: z.number().int().positive().optional(),
  /** Money quota in USD per period. */
  cost: z.number().positive().optional(),
  periodMs: z.number().int().positive().optional(),
  /** Share among sibling groups, like cpu.weight (1..10000, default 100). */
  weight: z.number().int().min(1).max(10000).default(100),
  /** A conversation group: its member agents speak one at a time, the next speaker chosen by a policy (sched/turnTaking.ts). */
  turnTaking: TurnTakingSchema.optional(),
});

/** Class-wide scheduler knobs (REFERENCES §1): base slice, rt throttling, deadline bound, aging. */
export const SchedParamsSchema = z.object({
  sliceTokens: z.number().int().min(1).default(64),
  rtPeriodMs: z.number().int().min(1).default(1000),
  rtRuntimeShare: z.number().min(0).max(1).default(0.95),
  dlBound: z.number().min(0).max(1).default(0.95),
  /** Priority class: +1 effective priority per this many ms waiting; 0 turns aging off. */
  agingStepMs: z.number().int().min(0).default(500),
  /** Two-dimensional priority: one objective over urgency and quality per token for routing and the objective class (absent: routing by quality need alone). */
  objective: ObjectiveSchema.optional(),
});

export const LimitsSchema = z.object({
  maxSteps: z.number().int().positive().default(1000),
  maxTokens: z.number().int().positive().optional(),
  maxCost: z.number().positive().optional(),
  maxTimeMs: z.number().int().positive().optional(),
  /** Resource ceilings (defaults in CEILINGS): events in the trace, characters of the run's state as JSON. */
  maxEvents: z.number().int().positive().max(50_000_000).optional(),
  maxStateBytes: z.number().int().positive().optional(),
});

/**
 * Defaults of the resource ceilings: a run that would outgrow them stops with `max-events` or
 * `max-state` before the machine suffers (a run with maxSteps 1e9 and no livelock detection grew
 * to 4 GB in 90 s). The state is measured as JSON every STATE_CHECK_EVERY events.
 */
export const CEILINGS = Object.freeze({ maxEvents: 1_000_000, maxStateBytes: 32_000_000 });
export const STATE_CHECK_EVERY = 1024;

/**
 * Livelock thresholds (term/livelock.ts). Tunable because no published standard exists
 * (REFERENCES §5); the defaults follow OpenHands' StuckDetector (3 repeats, a 6-step A-B
 * window) and keep similarity strict, so a run that converges slowly is never stopped.
 */
export const LivelockSchema = z.object({
  enabled: z.boolean().default(true),
  /** The same (action, observation) pair this many turns in a row. */
  repeat: z.number().int().min(2).max(64).default(3),
  /** Turns an alternation of two states must fill (at least 4: A-B-A-B). */
  window: z.number().int().min(4).max(64).default(6),
  /** Word-bigram Jaccard an output must exceed against the previous one to count as no progress; 1 turns the test off. */
  similarity: z.number().min(0).max(1).default(0.9),
  /** Outputs in a row, each above `similarity` to the one before, with nothing new observed. */
  similarRounds: z.number().int().min(2).max(64).default(3),
});

/** Stop conditions beyond goals and limits (term/): livelock detection. Deadlock detection has no knobs. */
export const TermSchema = z.object({
  livelock: LivelockSchema.default(LivelockSchema.parse({})),
});

/** The `term` section with defaults filled in. */
export type TermSpec = z.infer<typeof TermSchema>;

export const LayoutSchema = z.object({
  nodes: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).default({}),
});

/** A fact whose retention is tracked across hops (a brief's budget, a deadline, a name). */
export const FactSchema = z.object({ id: Id, text: z.string().min(1) });

/** Where one allocator class's objects may go when they leave the run (kernel/alloc); an absent path is allowed. */
export const SlabExportSchema = z.object({ file: z.boolean().optional(), otel: z.boolean().optional(), ipc: z.boolean().optional() }).strict();

/** The allocator's class policies, by class name (kernel/alloc). Every class is accounted whether or not it is listed. */
export const AllocSchema = z.object({
  classes: z.partialRecord(z.enum(SLAB_CLASS_NAMES), z.object({ export: SlabExportSchema.default({}) }).strict()).default({}),
}).strict();

/** One agent's permission on a region: none, read, or read and write. */
export const RegionAccessSchema = z.enum(['none', 'r', 'rw']);

/**
 * A region of state agents reach (kernel/region): artifacts whose name starts with `match`, a
 * store (`match` is its id) or scratch space (`new:` names starting with `match`), with a
 * permission per agent (`others` for agents not listed) and a generation that a fault which
 * drops the region's lock advances, so handles taken before it are refused.
 */
export const RegionSchema = z.object({
  id: Id,
  kind: z.enum(['artifact', 'store', 'workspace']),
  match: z.string().min(1),
  access: z.record(z.string(), RegionAccessSchema).default({}),
  others: RegionAccessSchema.default('rw'),
}).strict();

export const HarnessSpecSchema = z.object({
  $schema: z.string().optional(),
  version: z.literal(SPEC_VERSION),
  name: z.string().min(1),
  description: z.string().default(''),
  models: z.array(ModelSchema).default([]),
  agents: z.array(AgentSchema).default([]),
  tools: z.array(ToolSchema).default([]),
  stores: z.array(StoreSchema).default([]),
  channels: z.array(ChannelSchema).default([]),
  groups: z.array(GroupSchema).default([]),
  sched: SchedParamsSchema.default(SchedParamsSchema.parse({})),
  policy: PolicySchema.default(PolicySchema.parse({})),
  goals: z.array(GoalSchema).default([]),
  limits: LimitsSchema.default(LimitsSchema.parse({})),
  layout: LayoutSchema.default({ nodes: {} }),
  signatures: SignaturesSchema.optional(),
  /** Facts that must survive every hop: the kernel measures, per message, which arrive intact in the receiver's context. */
  facts: z.array(FactSchema).default([]),
  term: TermSchema.default(TermSchema.parse({})),
  /** MCP servers whose tools the document's `mcp` tools call. Absent, not empty, by default: a document without them hashes as before. */
  mcpServers: z.array(McpServerSchema).optional(),
  /** Remote A2A agents local agents may message over channels. Absent, not empty, by default: a document without them hashes as before. */
  remoteAgents: z.array(RemoteAgentSchema).optional(),
  /** Allocator class policies (kernel/alloc). Absent by default: a document without them hashes as before. */
  alloc: AllocSchema.optional(),
  /** Regions with permissions and handle generations (kernel/region). Absent by default: a document without them hashes as before. */
  regions: z.array(RegionSchema).optional(),
});

export type HarnessSpec = z.infer<typeof HarnessSpecSchema>;
export type ModelSpec = z.infer<typeof ModelSchema>;
export type AgentSpec = z.infer<typeof AgentSchema>;
export type SimStep = z.infer<typeof SimStepSchema>;
export type ToolSpec = z.infer<typeof ToolSchema>;
export type McpServerSpec = z.infer<typeof McpServerSchema>;
export type RemoteAgentSpec = z.infer<typeof RemoteAgentSchema>;
export type StoreSpec = z.infer<typeof StoreSchema>;
export type ValidityCheckSpec = z.infer<typeof ValidityCheckSchema>;
export type ValiditySpec = z.infer<typeof ValiditySchema>;
export type ChannelSpec = z.infer<typeof ChannelSchema>;
export type GoalSpec = z.infer<typeof GoalSchema>;
export type PolicySpec = z.infer<typeof PolicySchema>;
export type CapabilitySpec = z.infer<typeof CapabilitySchema>;
export type SignaturesSpec = z.infer<typeof SignaturesSchema>;
export type { PrefixCacheSpec, CacheAffinitySpec } from './prefixCacheSchema';
export type { ContextRotSpec } from './contextRotSchema';
export type AllocSpec = z.infer<typeof AllocSchema>;
export type RegionSpec = z.infer<typeof RegionSchema>;
/** What a user may write: defaults filled in by the parser. */
export type HarnessSpecInput = z.input<typeof HarnessSpecSchema>;

/** A store's isolation tier: its declared one, else session for archival memory (private to each agent) and shared for knowledge. */
export function storeTier(store: Pick<StoreSpec, 'tier' | 'kind'>): 'platform' | 'shared' | 'session' {
  return store.tier ?? (store.kind === 'archival' ? 'session' : 'shared');
}
