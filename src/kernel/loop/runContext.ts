/**
 * What the run loop works on: the state, the log, the document indexed for look-ups, the
 * policy stack, the archive and the CPUs, plus `emit`, the one way an event enters the run.
 * The Kernel owns one; the event sources (sources.ts) and the decisions they call read it.
 */
import { cachedSliceCharge } from '../memory/prefixCache';
import type { CachePrefix, Cpu, Generation, InferRequest, InferResult } from '../cpu/cpu';
import type { FunctionDef } from '../cpu/calls';
import { agentFunctions, memoryOffer } from './functions';
import { attemptOf } from '../state/reduceFaults';
import type { RunId } from '../ids';
import { applyEvent, cloneState, groupChain, rqOf, stateFromStart } from '../state/reduce';
import { SnapshotLog, type Snapshot } from '../state/snapshots';
import { StateSharing } from '../state/sharing';
import { upgradeStoredState } from '../state/storedState';
import type { KernelState, Proc } from '../state/state';
import { SCHED_CLASSES } from '../sched';
import { DeadlineMissWatch } from '../sched/deadlineMisses';
import { sliceLength, type SchedView } from '../sched/core';
import { STATE_CHECK_EVERY, storeTier, type AgentSpec, type ChannelSpec, type HarnessSpec, type ModelSpec, type RemoteAgentSpec, type ToolSpec } from '../spec';
import type { Encoding } from '../tokens';
import type { RunArchive } from '../memory/runArchive';
import { RunIndex } from './runIndex';
import { storesWithChecks } from './validityIndex';
import type { TermWatch } from '../term/watch';
import { specDigests } from '../trust/digest';
import { placeholders } from '../trust/execOnly';
import { signatureCheck, type VerifiedDigests } from '../trust/signatureCheck';
import type { TrustGate } from '../trust/gate';
import type { HumanInput } from '../trust/types';
import type { EventOf, KernelEvent, KernelEventBody, SliceCharge, StopReason } from '../trace/events';
import { EventLog } from '../trace/eventLog';
import type { McpPort } from '../tools/mcp';
import type { A2aPort } from '../ipc/remoteAgent';

/** What `next` yields: one event, null (stopped, or waiting for a person), or a CPU answer still coming. */
export type Step = KernelEvent | null | Promise<KernelEvent | null>;

/** Digests whose signatures the host verified (see KernelOptions.signatures). */
export type VerifiedSignatures = VerifiedDigests | undefined;

/** One run's working set: state, log, snapshots, the indexed document, its policy stack and archive, and `emit`. */
export class RunContext {
  /** The run's events; old ones spilled to blocks when the kernel was asked to (trace/eventLog.ts). */
  readonly trace = new EventLog();
  /** Evenly spaced copies of the state, bounded in number (state/snapshots.ts). */
  readonly snapshots: SnapshotLog;
  /** Snapshots sharing what did not change, and the incremental state meter (state/sharing.ts). */
  private readonly sharing = new StateSharing();
  /** The state's size as JSON, and the block of STATE_CHECK_EVERY events it was measured in. */
  private sized = 0;
  private sizedAt = -1;
  s!: KernelState;
  agents = new Map<string, AgentSpec>();
  models = new Map<string, ModelSpec>();
  tools = new Map<string, ToolSpec>();
  channels = new Map<string, ChannelSpec>();
  storeTiers = new Map<string, 'platform' | 'shared' | 'session'>();
  /** Inference results computed at start, keyed by agent; re-asked if missing (after a seek). */
  readonly inferences = new Map<string, { turn: number; result: InferResult }>();
  /** A real model's generation in flight (streamed.ts), keyed by agent; asked again (from the record) if missing after a seek. */
  readonly generations = new Map<string, { turn: number; gen: Generation }>();
  /** Last event seq per agent: the default cause of its next event. */
  readonly lastByAgent = new Map<string, number>();
  readonly pids = new Map<number, string>();
  /** Agents whose signature this kernel checked at their first turn here (a fork may carry edited prompts). */
  readonly turnChecked = new Set<string>();
  /** Human inputs waiting to be recorded, first in first out. */
  readonly inputs: HumanInput[] = [];
  /** Which agents, handles and messages each event source looks for, kept in step with `s` (runIndex.ts). */
  readonly index = new RunIndex();
  /** Deadline-class turns that completed late, found from the events (sched/deadlineMisses.ts). */
  readonly misses = new DeadlineMissWatch();
  private digests: { agents: Record<string, string>; policy: string } | null = null;
  /** The host's MCP client (tools/mcp.ts), wrapped with the trace's recorded results when restored or forked; absent: MCP calls fail plainly. */
  mcp: McpPort | undefined;
  /** The host's A2A client for remote agents (ipc/remoteAgent.ts), wrapped like `mcp`; absent: messages to remote agents fail plainly. */
  a2a: A2aPort | undefined;
  /** The document's remote agents by id. */
  readonly remoteAgents: ReadonlyMap<string, RemoteAgentSpec>;

  constructor(
    readonly runId: RunId,
    readonly seed: number,
    readonly spec: HarnessSpec,
    readonly cpus: Record<string, Cpu>,
    snapshotEvery: number,
    readonly archive: RunArchive,
    readonly gate: TrustGate,
    readonly watch: TermWatch,
    private readonly verified: VerifiedSignatures,
  ) {
    this.agents = new Map(spec.agents.map((a) => [a.id, a]));
    this.models = new Map(spec.models.map((m) => [m.id, m]));
    this.tools = new Map(spec.tools.map((t) => [t.id, t]));
    this.channels = new Map(spec.channels.map((c) => [`${c.from}\u0000${c.to}`, c]));
    this.remoteAgents = new Map((spec.remoteAgents ?? []).map((r) => [r.id, r]));
    this.storeTiers = new Map(spec.stores.map((st) => [st.id, storeTier(st)]));
    this.snapshots = new SnapshotLog(snapshotEvery);
    this.index.validity.watch(storesWithChecks(spec));
  }

  /** The events as an array (a read-only view of `trace` while it spills). */
  get log(): readonly KernelEvent[] {
    return this.trace.view;
  }

  /** The snapshots kept, in seq order. */
  get snaps(): readonly Snapshot[] {
    return this.snapshots.list;
  }

  /** Takes over a run's events (optionally from a snapshot): the state, archive and watch they lead to. */
  load(events: readonly KernelEvent[], snapshot?: KernelState): void {
    const first = events[0];
    if (!first || first.type !== 'run.started') throw new Error('a run must begin with run.started');
    let state: KernelState;
    let from: number;
    if (snapshot && snapshot.seq < events.length) {
      state = upgradeStoredState(cloneState(snapshot));
      from = snapshot.seq + 1;
    } else {
      state = stateFromStart(first);
      from = 1;
    }
    this.archive.reset();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.trace.push(e);
      this.archive.apply(e);
      this.watch.apply(e);
      this.misses.apply(e);
      if (i >= from) applyEvent(state, e);
      if (e.agent !== undefined) this.lastByAgent.set(e.agent, e.seq);
      if (i === from - 1) this.sharing.track(state);
      if (i >= from - 1 && this.snapshots.due(i)) this.snapshots.add(i, this.sharing.snapshot(state));
    }
    this.s = state;
    this.index.rebuild(state);
    for (const p of Object.values(state.procs)) this.pids.set(p.pid, p.id);
  }

  /**
   * Appends one event and applies it. `measure`, when given, fills in numbers that describe the
   * state after the transition (e.g. a class's placement of an enqueued agent); the reducer must
   * not read those fields, and nothing outside sees the event before they are set.
   */
  emit(body: KernelEventBody, t: number = this.s.now, cause?: number, measure?: (e: KernelEvent) => void): KernelEvent {
    const seq = this.trace.length;
    const agent = 'agent' in body ? body.agent : undefined;
    const c = cause ?? (agent !== undefined ? this.lastByAgent.get(agent) : undefined);
    const e = (c === undefined ? { seq, t, run: this.runId, ...body } : { seq, t, run: this.runId, cause: c, ...body }) as KernelEvent;
    if (body.type === 'run.started') {
      this.s = stateFromStart(e as EventOf<'run.started'>);
      this.sharing.track(this.s);
      this.index.rebuild(this.s);
    } else {
      applyEvent(this.s, e);
      this.index.afterEvent(this.s, e);
    }
    measure?.(e);
    this.trace.push(e);
    this.archive.apply(e);
    this.watch.apply(e);
    this.misses.apply(e);
    if (agent !== undefined) this.lastByAgent.set(agent, seq);
    if (this.snapshots.due(seq)) this.snapshots.add(seq, this.sharing.snapshot(this.s));
    return e;
  }

  /**
   * The state's size as JSON in characters, measured once per block of STATE_CHECK_EVERY events
   * (so at the same events in every replay); only what changed since is measured again (state/sharing.ts).
   */
  stateSize(): number {
    const block = Math.floor(this.s.seq / STATE_CHECK_EVERY);
    if (block !== this.sizedAt) {
      this.sizedAt = block;
      this.sized = this.sharing.jsonLength(this.s);
    }
    return this.sized;
  }

  /** Aborts every real generation still streaming for this run (nothing will read its answer); records nothing. */
  abortGenerations(): void {
    for (const { gen } of this.generations.values()) void Promise.resolve().then(() => gen.abort()).catch(() => undefined);
    this.generations.clear();
  }

  /** Ends the run with `run.stopped`, recording which goals were met. */
  stop(reason: StopReason, detail: string, t: number = this.s.now, evidence?: readonly number[]): KernelEvent {
    this.abortGenerations();
    const goals: Record<string, boolean> = {};
    for (const g of this.spec.goals) goals[g.id] = this.s.goalsMet[g.id] === true;
    return this.emit({ type: 'run.stopped', reason, detail, goals, ...(evidence && evidence.length > 0 ? { evidence: [...evidence] } : {}) }, t);
  }

  /**
   * With policy.requireSigned: checks the agent's prompt and the policy against the digests the
   * host verified, emits `trust.signature`, and says what is wrong (null: fine or not required).
   */
  signatureProblem(agent: string, at: 'job.create' | 'turn'): string | null {
    if (!this.spec.policy.requireSigned) return null;
    this.digests ??= specDigests(this.spec);
    const { event, problem } = signatureCheck(agent, at, this.digests, this.verified, this.spec.policy.mode);
    this.emit(event);
    return problem;
  }

  /** What the CPU is asked for the agent's current turn. */
  request(p: Proc): InferRequest {
    return turnRequest(this, p, this.seed);
  }

  /** The CPU of the agent's model's provider (sim when the provider has none here). */
  cpuFor(p: Proc): Cpu {
    const model = this.models.get(p.model)!;
    return this.cpus[model.provider] ?? this.cpus.sim!;
  }

  /** What `tokensIn` and `tokensOut` cost on the agent's model; `cachedIn` of the input at its prefix cache's rate, when it declares one. */
  charge(p: Proc, tokensIn: number, tokensOut: number, cachedIn?: number): SliceCharge {
    const model = this.models.get(p.model)!;
    const cached = cachedSliceCharge(model, tokensIn, tokensOut, cachedIn);
    if (cached) return cached;
    return { tokensIn, tokensOut, cost: (tokensIn * model.priceIn + tokensOut * model.priceOut) / 1_000_000 };
  }

  /** One model's runqueues for the scheduler core; agents of a throttled budget group are held. */
  schedView(model: string): SchedView {
    return { classes: SCHED_CLASSES.ordered, rqs: this.s.runqueues[model]!, now: this.s.now, held: (a) => this.groupThrottled(this.s.procs[a]!) };
  }

  /** True while the agent's budget group, or one above it, is throttled. */
  groupThrottled(p: Proc): boolean {
    return groupChain(this.s, p.group).some((g) => g.throttledUntil !== null);
  }

  /** Tokens the agent may generate before the next check: its class's slice, capped while a budget applies. */
  sliceFor(p: Proc): number {
    const { cls, rq } = rqOf(this.s, p);
    const budgeted = groupChain(this.s, p.group).some((g) => g.tokens !== null || g.cost !== null);
    return sliceLength(cls, rq, p.id, budgeted ? this.s.params.sliceTokens : Number.POSITIVE_INFINITY);
  }

  /** The tokenizer of an agent's model (o200k for an agent not running). */
  encodingOf(agent: string): Encoding {
    return this.s.procs[agent]?.encoding ?? 'o200k_base';
  }
}

/** The document indexed as RunContext keeps it: what building a turn's request reads. */
export interface RequestLookups {
  readonly spec: HarnessSpec;
  readonly agents: ReadonlyMap<string, AgentSpec>;
  readonly models: ReadonlyMap<string, ModelSpec>;
  readonly tools: ReadonlyMap<string, ToolSpec>;
}

/**
 * What the CPU is asked for `p`'s current turn: its window, system prompt, script position and
 * the functions it is offered. The one builder of a CPU's input: the run loop asks the CPU with
 * it, and the debugger's context view (loop/contextPrompt.ts) shows what it built.
 */
export function turnRequest(doc: RequestLookups, p: Proc, seed: number): InferRequest {
  const agent = doc.agents.get(p.id)!;
  const tools = p.tools;
  // Execute-only: the planner sees each value only as its placeholder; the kernel binds it.
  const exec = agent.executeOnly;
  return new TurnRequest(
    agent, doc.models.get(p.model)!, p.turn, p.pc, seed, p.context, tools, p.followed, agent.systemPrompt, p.contextTokens,
    exec ? placeholders(p.vars) : p.vars, exec ? '$last' : p.last,
    () => agentFunctions(agent.id, tools, doc.tools, doc.spec.channels, memoryOffer(agent, doc.spec), agent.proc === true, agent.spawn === true), attemptOf(p),
    cachePrefixOf(doc, p),
  );
}

/** Where the agent's last prefix-cache lookup says its prompt's cached prefix ends (undefined: its model declares no cache, or nothing was looked up). */
function cachePrefixOf(doc: RequestLookups, p: Proc): CachePrefix | undefined {
  const blocks = p.kv?.blocks;
  return blocks && doc.models.get(p.model)?.prefixCache ? { warmSegments: blocks.warm, cachedSegments: blocks.cached } : undefined;
}

/**
 * One turn's request. `functions` is a prototype getter built on first read: the sim never reads
 * it, so its runs pay nothing. (An object literal with an own getter cost the sim a third of its
 * speed: V8 kept every request in slow dictionary mode.)
 */
class TurnRequest implements InferRequest {
  private fns: readonly FunctionDef[] | undefined;
  constructor(
    readonly agent: InferRequest['agent'],
    readonly model: InferRequest['model'],
    readonly turn: number,
    readonly pc: number,
    readonly seed: number,
    readonly context: InferRequest['context'],
    readonly tools: readonly string[],
    readonly followed: InferRequest['followed'],
    readonly system: string,
    readonly estimatedTokensIn: number,
    readonly vars: InferRequest['vars'],
    readonly last: string,
    private readonly buildFunctions: () => readonly FunctionDef[],
    readonly attempt: number,
    readonly cachePrefix: CachePrefix | undefined,
  ) {}

  get functions(): readonly FunctionDef[] {
    return (this.fns ??= this.buildFunctions());
  }
}
