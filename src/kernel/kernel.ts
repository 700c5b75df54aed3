/**
 * The kernel: a discrete-event simulation on a virtual clock. Each call to `next` decides and
 * emits exactly ONE event from the current state; the state changes only in applyEvent. So
 * running to event k one step at a time, running straight through, and seeking to k all give
 * the same state — and a fork from k continues exactly as the original would, unless edited.
 */
import type { Action, Cpu, InferRequest, InferResult } from './cpu/cpu';
import { SimCpu } from './cpu/sim';
import { asRunId, type RunId } from './ids';
import { runJobPipeline } from './state/pipeline';
import { applyEvent, cloneState, groupChain, replayTo, rqOf, stateFromStart } from './state/reduce';
import type { GroupState, KernelState, Proc } from './state/state';
import { SCHED_CLASSES, type SchedClass, type SchedStats } from './sched';
import { HUMAN, storeTier, type AgentSpec, type ChannelSpec, type HarnessSpec, type ModelSpec, type ToolSpec } from './spec';
import { evaluate } from './term/goals';
import { countTokens, encodingFor, hasEncoding, type Encoding } from './tokens';
import type { ArchiveStore } from './memory/archiveStore';
import { MemoryArchive } from './memory/memoryArchive';
import { RunArchive } from './memory/runArchive';
import { decideLazyFault } from './memory/lazyFault';
import { decideMemory } from './memory/memoryManager';
import { effectiveSched } from './sched/groupWeights';
import { decideRoute } from './sched/router';
import { toolClassFor, type ToolOutcome } from './tools/toolClass';
import { undoFor } from './trust/audit';
import { textPart } from './ipc/a2a';
import { factArrived } from './ipc/retention';
import { envelopeFor, nextRetention, nextTaskEvent, planSend, type ReplyState } from './ipc/tasks';
import { waitForCycle, explainCycle } from './term/deadlock';
import { TermWatch } from './term/watch';
import { specDigests } from './trust/digest';
import { placeholders } from './trust/execOnly';
import { joinLabels, labelOf } from './trust/taint';
import { actionLabels } from './trust/actionTaint';
import { bindForExecutor } from './trust/executorBinding';
import { signatureCheck } from './trust/signatureCheck';
import { answerEvent, inputProblem } from './state/humanInputs';
import { TrustGate, type GateResult } from './trust/gate';
import { decideSyscall } from './trust/syscallDecision';
import { endedLease, issueHandles } from './trust/handles';
import type { HumanInput } from './trust/types';
import type { EventOf, GroupInfo, KernelEvent, KernelEventBody, ModelInfo, SliceCharge, StopReason } from './trace/events';
import { hashText, traceHash } from './trace/hash';

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
  signatures?: { agents: Readonly<Record<string, string>>; policy: string | null };
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

type Step = KernelEvent | null | Promise<KernelEvent | null>;

/** Proc.until codes while it holds a slot without a slice in flight. */
const PICKED = -1; // picked, inference not started
const BOUNDARY = -2; // a slice ended: continue or be preempted
const THROTTLE_NOTED = -3; // at a boundary, its class throttle already announced

/** `until` of a throttle that no period will lift. */
const FOREVER = -1;

/** Event payloads stay JSON-exact: non-finite numbers (an unbounded slice, no timer) are left out. */
function finiteStats(stats: SchedStats): SchedStats {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(stats)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

/** The hash of a document as the kernel sees it (layout left out: moving nodes changes nothing). */
const specHashes = new WeakMap<HarnessSpec, string>();

export function specHash(spec: HarnessSpec): string {
  let h = specHashes.get(spec);
  if (h === undefined) {
    // Layout and signatures say nothing about behaviour: re-arranging or re-signing is not an edit.
    const { layout: _layout, signatures: _signatures, ...rest } = spec;
    specHashes.set(spec, (h = hashText(JSON.stringify(rest))));
  }
  return h;
}

export class Kernel {
  readonly runId: RunId;
  readonly seed: number;
  private spec: HarnessSpec;
  private readonly cpus: Record<string, Cpu>;
  private readonly snapshotEvery: number;
  private readonly log: KernelEvent[] = [];
  private readonly snaps: { seq: number; state: KernelState }[] = [];
  private s!: KernelState;
  private agents = new Map<string, AgentSpec>();
  private models = new Map<string, ModelSpec>();
  private tools = new Map<string, ToolSpec>();
  private channels = new Map<string, ChannelSpec>();
  private storeTiers = new Map<string, 'platform' | 'shared' | 'session'>();
  /** Inference results computed at start, keyed by agent; re-asked if missing (after a seek). */
  private readonly inferences = new Map<string, { turn: number; result: InferResult }>();
  /** Last event seq per agent: the default cause of its next event. */
  private readonly lastByAgent = new Map<string, number>();
  private readonly pids = new Map<number, string>();
  private readonly archive: RunArchive;
  private readonly watch: TermWatch;
  private readonly gate: TrustGate;
  private readonly verified: KernelOptions['signatures'];
  private digests: { agents: Record<string, string>; policy: string } | null = null;
  /** Agents whose signature this kernel checked at their first turn here (a fork may carry edited prompts). */
  private readonly turnChecked = new Set<string>();
  /** Human inputs waiting to be recorded, first in first out. */
  private readonly inputs: HumanInput[] = [];

  private constructor(spec: HarnessSpec, opts: KernelOptions) {
    this.runId = asRunId(opts.runId);
    this.seed = opts.seed >>> 0;
    this.cpus = { sim: new SimCpu(), ...opts.cpus };
    this.snapshotEvery = Math.max(1, opts.snapshotEvery ?? 500);
    this.spec = spec;
    this.index(spec);
    for (const m of spec.models) {
      const enc = encodingFor(m);
      if (!hasEncoding(enc)) throw new Error(`model ${m.id} counts tokens with ${enc}, which is not loaded: await loadEncodingsFor(spec) before starting the kernel`);
    }
    // A private in-memory archive is filled on first use; a shared one (IndexedDB, read by the UI) at once.
    this.archive = new RunArchive(opts.archive ?? new MemoryArchive(), this.runId, opts.onArchiveError, opts.archive === undefined);
    this.gate = new TrustGate(spec);
    this.watch = new TermWatch(spec.term);
    this.verified = opts.signatures;
  }

  /** Starts a run: `run.started`, then the job pipeline for every agent in document order. */
  static create(spec: HarnessSpec, opts: KernelOptions): Kernel {
    const k = new Kernel(spec, opts);
    const stores: EventOf<'run.started'>['stores'] = {};
    for (const st of spec.stores) stores[st.id] = st.documents.map((d) => ({ text: d.text, tags: d.tags, trust: d.trust, valid: d.valid }));
    const models: Record<string, ModelInfo> = {};
    for (const m of spec.models) models[m.id] = { slots: m.slots, tokensPerSecond: m.tokensPerSecond, quality: m.quality, priceIn: m.priceIn, priceOut: m.priceOut };
    const groups: GroupInfo[] = spec.groups.map((g) => ({ id: g.id, parent: g.parent ?? null, tokens: g.tokens ?? null, cost: g.cost ?? null, periodMs: g.periodMs ?? null, weight: g.weight }));
    k.emit({ type: 'run.started', seed: k.seed, harness: spec.name, specHash: specHash(spec), agents: spec.agents.map((a) => a.id), models, stores, groups, sched: spec.sched }, 0);
    k.startJobs();
    return k;
  }

  /**
   * Continues from event `parent.seq` of another run as a new run: the prefix is copied under
   * the new run id, then `run.forked` records the parent and whether the document changed.
   */
  static fork(parentEvents: readonly KernelEvent[], spec: HarnessSpec, opts: KernelOptions & { parent: { run: string; seq: number } }): Kernel {
    const k = new Kernel(spec, opts);
    const prefix = parentEvents.slice(0, opts.parent.seq + 1).map((e) => ({ ...e, run: k.runId }));
    k.load(prefix);
    const parentStart = prefix[0];
    const hash = specHash(spec);
    const edited = parentStart?.type === 'run.started' ? parentStart.specHash !== hash : true;
    k.emit({ type: 'run.forked', parent: { run: asRunId(opts.parent.run), seq: opts.parent.seq }, specHash: hash, edited }, k.s.now);
    k.startJobs();
    return k;
  }

  /** Rebuilds a run from its own events (optionally from a snapshot) to continue it. */
  static restore(events: readonly KernelEvent[], spec: HarnessSpec, opts: KernelOptions & { snapshot?: KernelState }): Kernel {
    const k = new Kernel(spec, opts);
    k.load(events, opts.snapshot);
    return k;
  }

  private index(spec: HarnessSpec): void {
    this.agents = new Map(spec.agents.map((a) => [a.id, a]));
    this.models = new Map(spec.models.map((m) => [m.id, m]));
    this.tools = new Map(spec.tools.map((t) => [t.id, t]));
    this.channels = new Map(spec.channels.map((c) => [`${c.from}\u0000${c.to}`, c]));
    this.storeTiers = new Map(spec.stores.map((st) => [st.id, storeTier(st)]));
  }

  private load(events: readonly KernelEvent[], snapshot?: KernelState): void {
    const first = events[0];
    if (!first || first.type !== 'run.started') throw new Error('a run must begin with run.started');
    let state: KernelState;
    let from: number;
    if (snapshot && snapshot.seq < events.length) {
      state = cloneState(snapshot);
      from = snapshot.seq + 1;
    } else {
      state = stateFromStart(first);
      from = 1;
    }
    this.archive.reset();
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      this.log.push(e);
      this.archive.apply(e);
      this.watch.apply(e);
      if (i >= from) applyEvent(state, e);
      if (e.agent !== undefined) this.lastByAgent.set(e.agent, e.seq);
      if (i % this.snapshotEvery === 0 && i >= from - 1) this.snaps.push({ seq: i, state: cloneState(state) });
    }
    this.s = state;
    for (const p of Object.values(state.procs)) this.pids.set(p.pid, p.id);
  }

  /** Jobs for agents of the document that are not in the process table yet. */
  private startJobs(): void {
    for (const agent of this.spec.agents) {
      if (this.s.procs[agent.id]) continue;
      // job.create hook: a signed prompt that no longer matches, or a unique handle held by another, refuses the job.
      const refused = this.jobRefusal(agent);
      if (refused !== null) {
        this.emit({ type: 'job.failed', agent: agent.id, stage: 'guards', reason: refused, unwound: [] });
        continue;
      }
      const ctx = { spec: this.spec, agent, cpus: this.cpus, pids: this.pids, firstFreePid: this.s.nextPid, bandwidth: this.s.bandwidth } as Parameters<typeof runJobPipeline>[0];
      const outcome = runJobPipeline(ctx);
      const adm = ctx.admission;
      if (outcome.ok) {
        const { ok: _ok, ...rest } = outcome;
        const { warnAt, compactAt, eviction, k } = agent.memory;
        this.emit({ type: 'job.published', agent: agent.id, ...rest, tokenizer: encodingFor(this.models.get(rest.model)!), sched: effectiveSched(this.spec, agent), memory: { warnAt, compactAt, eviction, k } });
        if (adm) this.emit({ type: 'sched.admitted', agent: agent.id, class: 'deadline', model: adm.model, utilization: adm.utilization, bound: adm.bound });
        if (agent.capabilities.length > 0) {
          const { handles } = issueHandles(agent, Object.values(this.s.handles), this.s.now, (i) => `h${this.s.nextId + i}`);
          this.emit({ type: 'cap.granted', agent: agent.id, handles });
        }
      } else {
        if (adm && !adm.ok && outcome.stage === 'allocate') {
          this.emit({ type: 'sched.refused', agent: agent.id, class: 'deadline', model: adm.model, utilization: adm.utilization, bound: adm.bound, reason: outcome.reason });
        }
        this.emit({ type: 'job.failed', agent: agent.id, stage: outcome.stage, reason: outcome.reason, unwound: outcome.unwound });
      }
    }
  }

  /** Why the job.create hook refuses an agent (its modules: signature, unique handles), or null. */
  private jobRefusal(agent: AgentSpec): string | null {
    const sig = this.signatureProblem(agent.id, 'job.create');
    // Checked at its creation by this kernel: its first turn here needs no second check.
    if (sig === null) this.turnChecked.add(agent.id);
    const { decision } = this.gate.checkJob(this.s, agent, sig);
    return decision.effect === 'allow' ? null : `${decision.reason} (${decision.module}: ${decision.rule})`;
  }

  /**
   * With policy.requireSigned: checks the agent's prompt and the policy against the digests the
   * host verified, emits `trust.signature`, and says what is wrong (null: fine or not required).
   */
  private signatureProblem(agent: string, at: 'job.create' | 'turn'): string | null {
    if (!this.spec.policy.requireSigned) return null;
    this.digests ??= specDigests(this.spec);
    const { event, problem } = signatureCheck(agent, at, this.digests, this.verified);
    this.emit(event);
    return problem;
  }

  // ---- observation -------------------------------------------------------------------

  get state(): Readonly<KernelState> {
    return this.s;
  }
  get events(): readonly KernelEvent[] {
    return this.log;
  }
  get head(): number {
    return this.log.length - 1;
  }
  get stopped(): boolean {
    return this.s.stopped !== null;
  }
  get document(): HarnessSpec {
    return this.spec;
  }
  snapshots(): ReadonlyArray<{ seq: number; state: KernelState }> {
    return this.snaps;
  }
  /** pids currently reserved or held (for tests of the pipeline's unwinding). */
  reservedPids(): ReadonlyMap<number, string> {
    return this.pids;
  }
  traceHash(): string {
    return traceHash(this.log);
  }

  /** The state right after event `seq`: the nearest snapshot at or before it, plus replay. */
  stateAt(seq: number): KernelState {
    if (seq < 0 || seq > this.head) throw new RangeError(`seq ${seq} is outside 0..${this.head}`);
    return replayTo(this.snaps, this.log, seq);
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
      if (r === null) return { events, reason: this.s.stopped ? 'stopped' : 'waiting' };
      events.push(r);
      if (stop.until?.(r)) return { events, reason: 'matched' };
      if (this.s.stopped) return { events, reason: 'stopped' };
    }
    return { events, reason: 'limit' };
  }

  /**
   * Appends one event and applies it. `measure`, when given, fills in numbers that describe the
   * state after the transition (e.g. a class's placement of an enqueued agent); the reducer must
   * not read those fields, and nothing outside sees the event before they are set.
   */
  private emit(body: KernelEventBody, t: number = this.s.now, cause?: number, measure?: (e: KernelEvent) => void): KernelEvent {
    const seq = this.log.length;
    const agent = 'agent' in body ? body.agent : undefined;
    const c = cause ?? (agent !== undefined ? this.lastByAgent.get(agent) : undefined);
    const e = (c === undefined ? { seq, t, run: this.runId, ...body } : { seq, t, run: this.runId, cause: c, ...body }) as KernelEvent;
    if (body.type === 'run.started') this.s = stateFromStart(e as EventOf<'run.started'>);
    else applyEvent(this.s, e);
    measure?.(e);
    this.log.push(e);
    this.archive.apply(e);
    this.watch.apply(e);
    if (agent !== undefined) this.lastByAgent.set(agent, seq);
    if (seq % this.snapshotEvery === 0) this.snaps.push({ seq, state: cloneState(this.s) });
    return e;
  }

  private stop(reason: StopReason, detail: string, t: number = this.s.now, evidence?: readonly number[]): KernelEvent {
    const goals: Record<string, boolean> = {};
    for (const g of this.spec.goals) goals[g.id] = this.s.goalsMet[g.id] === true;
    return this.emit({ type: 'run.stopped', reason, detail, goals, ...(evidence && evidence.length > 0 ? { evidence: [...evidence] } : {}) }, t);
  }

  /** Decides the next event from the state alone (plus deterministic CPU and tool answers). */
  private next(): Step {
    const s = this.s;
    if (s.stopped) return null;
    const procs = s.order.map((id) => s.procs[id]!);

    const input = this.inputs.shift();
    if (input) return this.record(input);
    if (this.watch.finding) {
      const f = this.watch.finding;
      return this.stop('livelock', `${f.kind}: ${f.detail}`, s.now, f.evidence);
    }
    const task = nextTaskEvent(s);
    if (task) return this.emit(task);
    const retained = nextRetention(s);
    if (retained) return this.emit(retained);
    for (const p of procs) if (p.state === 'acting' && p.pending) return this.act(p, p.pending);
    for (const p of procs) if (p.state === 'syscall' && p.call && !p.call.decided && !p.call.asked) return this.syscall(p);
    const lease = endedLease(s);
    if (lease) return this.emit(lease);
    for (const p of procs) {
      if (p.state === 'running' || p.state === 'done' || p.state === 'failed') continue;
      const m = decideMemory(p, s.now, s.nextSeg, (text) => countTokens(text, p.encoding));
      if (m) return this.emit(m);
    }
    for (const m of s.inflight) if (m.deliverAt <= s.now) return this.emit({ type: 'msg.delivered', agent: m.to, msgId: m.msgId, from: m.from, to: m.to }, s.now, m.sentSeq);
    for (const p of procs) {
      if (p.state !== 'blocked') continue;
      const m = p.inbox.find((x) => p.waiting?.from === undefined || x.from === p.waiting.from);
      if (m) return this.wake(p, m);
    }
    for (const g of Object.values(s.groups)) {
      if (g.throttledUntil === null && this.spent(g)) {
        const until = g.periodMs === null ? FOREVER : g.periodStart + g.periodMs;
        return this.emit({
          type: 'sched.throttled', group: g.id, reason: this.spentWhy(g), until,
          numbers: { usedTokens: g.usedTokens, tokens: g.tokens ?? -1, usedCost: g.usedCost, cost: g.cost ?? -1 },
        });
      }
    }
    const root = Object.values(s.groups).find((g) => g.parent === null && g.periodMs === null && g.throttledUntil !== null);
    if (root) return this.stop('budget', `the budget of ${root.id} is spent: ${this.spentWhy(root)}`);
    for (const p of procs) if (p.state === 'running' && (p.until === BOUNDARY || p.until === THROTTLE_NOTED)) return this.atBoundary(p);
    for (const p of procs) {
      if (p.state === 'ready' && p.needsEnqueue && this.spec.policy.requireSigned && !this.turnChecked.has(p.id)) {
        // A context rebuild: the first turn this kernel runs for an agent (after a fork, its prompt may have been edited).
        this.turnChecked.add(p.id);
        if (this.signatureProblem(p.id, 'turn') !== null) return this.log[this.log.length - 1]!;
      }
      if (p.state === 'ready' && p.needsEnqueue) {
        if (p.gen === null && p.routedTurn !== p.turn) {
          const need = this.cpuFor(p).precision?.(this.request(p));
          const routed = decideRoute(this.spec, this.cpus, p, this.agents.get(p.id)!, need);
          if (routed) return this.emit(routed);
        }
        const { cls, rq } = rqOf(s, p);
        const why = p.gen !== null ? 'preempted' : p.turn === 0 ? 'new' : 'wakeup';
        // queue and stats are read after the enqueue is applied: where the class placed it.
        return this.emit({ type: 'sched.enqueued', agent: p.id, class: cls.name, model: p.model, why, queue: 0, stats: {} }, s.now, undefined, (e) => {
          const placed = e as EventOf<'sched.enqueued'>;
          placed.queue = cls.size(rq);
          placed.stats = finiteStats(cls.stats(rq, p.id, s.now));
        });
      }
    }
    for (const [model, slots] of Object.entries(s.slots)) {
      const slot = slots.indexOf(null);
      if (slot < 0) continue;
      for (const cls of SCHED_CLASSES.ordered) {
        const rq = s.runqueues[model]![cls.name];
        const agent = this.pickable(cls, rq);
        if (agent === null) continue;
        const p = s.procs[agent]!;
        const slice = this.sliceFor(p);
        return this.emit({
          type: 'sched.picked', agent, class: cls.name, model, slot, waitedMs: s.now - p.readyAt, queue: cls.size(rq) - 1,
          slice: Number.isFinite(slice) ? slice : -1, stats: finiteStats(cls.stats(rq, agent, s.now)),
        });
      }
    }
    for (const p of procs) if (p.state === 'running' && p.until === PICKED) return this.startInference(p);

    for (const g of this.spec.goals) {
      if (!s.goalsMet[g.id] && evaluate(g.when, s, this.spec.limits)) return this.emit({ type: 'goal.met', goal: g.id, name: g.name });
    }
    const limits = this.spec.limits;
    if (s.steps >= limits.maxSteps) return this.stop('max-steps', `${s.steps} agent turns reached the limit of ${limits.maxSteps}`);
    if (limits.maxTokens !== undefined && s.tokensIn + s.tokensOut >= limits.maxTokens) return this.stop('max-tokens', `${s.tokensIn + s.tokensOut} tokens reached the limit of ${limits.maxTokens}`);
    if (limits.maxCost !== undefined && s.cost >= limits.maxCost) return this.stop('max-cost', `$${s.cost.toFixed(6)} reached the limit of $${limits.maxCost}`);
    if (procs.every((p) => p.state === 'done' || p.state === 'failed')) {
      const unmet = this.spec.goals.filter((g) => !s.goalsMet[g.id]).map((g) => g.name);
      return unmet.length === 0
        ? this.stop('completed', procs.length === 0 ? 'no agent is running' : 'every agent finished and every goal is met')
        : this.stop('goals-unmet', `every agent finished; not met: ${unmet.join('; ')}`);
    }
    return this.advance(procs);
  }

  /** Moves the clock to the earliest pending completion and emits it; a deadlock if none. */
  private advance(procs: Proc[]): Step {
    const s = this.s;
    let best: { t: number; rank: number; run: () => Step } | null = null;
    const offer = (t: number, rank: number, run: () => Step): void => {
      if (!best || t < best.t || (t === best.t && rank < best.rank)) best = { t, rank, run };
    };
    procs.forEach((p, i) => {
      if (p.state === 'running' && p.until >= 0 && p.gen) offer(p.until, i, () => this.endSlice(p));
      if (p.state === 'syscall' && p.call?.decided) offer(p.call.until, i, () => this.returnTool(p));
    });
    Object.values(s.groups).forEach((g, i) => {
      if (g.throttledUntil !== null && g.throttledUntil !== FOREVER) {
        offer(Math.max(s.now, g.throttledUntil), 10_000 + i, () => this.emit({ type: 'sched.replenished', group: g.id, numbers: { usedTokens: g.usedTokens, usedCost: g.usedCost } }, Math.max(s.now, g.throttledUntil!)));
      }
    });
    Object.entries(s.runqueues).forEach(([model, rqs], mi) => {
      SCHED_CLASSES.ordered.forEach((cls, ci) => {
        const rq = rqs[cls.name];
        // A class timer matters while something is queued: a throttled entity refills at its
        // own time even while others of its class run (CBS replenishment, rt window rollover).
        if (cls.size(rq) === 0) return;
        const t = cls.nextTimer(rq, s.now);
        if (!Number.isFinite(t)) return;
        const at = Math.max(s.now, t);
        offer(at, 20_000 + mi * 100 + ci, () => this.emit({ type: 'sched.replenished', class: cls.name, model, numbers: { queued: cls.size(rq) } }, at));
      });
    });
    s.inflight.forEach((m, i) => offer(m.deliverAt, procs.length + i, () => this.emit({ type: 'msg.delivered', agent: m.to, msgId: m.msgId, from: m.from, to: m.to }, m.deliverAt, m.sentSeq)));
    Object.values(s.handles).forEach((h, i) => {
      if (h.ended !== null || h.expiresAt === null) return;
      const at = Math.max(s.now, h.expiresAt);
      offer(at, 30_000 + i, () => this.emit({ type: 'cap.expired', agent: h.agent, handle: h.id, target: h.target, reason: `the lease term ended at ${h.expiresAt} ms` }, at));
    });
    const chosen = best as { t: number; run: () => Step } | null;
    if (chosen) {
      const max = this.spec.limits.maxTimeMs;
      if (max !== undefined && chosen.t > max) return this.stop('max-time', `virtual time would pass ${max} ms`);
      return chosen.run();
    }
    // Only a human can move this run on: it waits (not a deadlock) until an ask is answered.
    if (procs.some((p) => p.call?.asked || (p.state === 'blocked' && p.waiting?.from === HUMAN))) return null;
    // Nothing can run: name the wait-for cycle (or chain to an agent that will never send) and its events.
    const waits = new Map(procs.filter((p) => p.state === 'blocked').map((p) => [p.id, p.waiting?.from ?? null] as const));
    const alive = new Set(procs.filter((p) => p.state !== 'done' && p.state !== 'failed').map((p) => p.id));
    const stuck = waitForCycle(waits, alive, s.inflight.map((m) => ({ from: m.from, to: m.to })));
    if (stuck) {
      const evidence = stuck.map((a) => this.lastByAgent.get(a)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      return this.stop('deadlock', `nothing can run: ${explainCycle(stuck, waits)}`, s.now, evidence);
    }
    const waiting = procs.filter((p) => p.state === 'blocked').map((p) => `${p.id} waits for ${p.waiting?.from ?? 'any agent'}`);
    return this.stop('deadlock', waiting.length > 0 ? `nothing can run: ${waiting.join(', ')}` : 'nothing can run and nothing is pending');
  }

  private request(p: Proc): InferRequest {
    const agent = this.agents.get(p.id)!;
    return {
      agent, model: this.models.get(p.model)!, turn: p.turn, pc: p.pc, seed: this.seed,
      context: p.context, tools: p.tools, followed: p.followed,
      // Execute-only: the planner sees each value only as its placeholder; the kernel binds it.
      ...(agent.executeOnly ? { vars: placeholders(p.vars), last: '$last' } : { vars: p.vars, last: p.last }),
    };
  }

  private cpuFor(p: Proc): Cpu {
    const model = this.models.get(p.model)!;
    return this.cpus[model.provider] ?? this.cpus.sim!;
  }

  /** Tokens the agent may generate before the next check: its class's slice, capped while a budget applies. */
  private sliceFor(p: Proc): number {
    const { cls, rq } = rqOf(this.s, p);
    const budgeted = groupChain(this.s, p.group).some((g) => g.tokens !== null || g.cost !== null);
    const slice = cls.sliceFor(rq, p.id);
    return Math.max(1, budgeted ? Math.min(slice, this.s.params.sliceTokens) : slice);
  }

  /** When the class lifts an agent's throttle: its own `throttledUntil` stat, else the class's next timer. */
  private throttledUntil(cls: SchedClass, rq: unknown, agent: string): number {
    const own = cls.stats(rq, agent, this.s.now).throttledUntil;
    const t = own !== undefined && Number.isFinite(own) ? own : cls.nextTimer(rq, this.s.now);
    return Number.isFinite(t) ? t : FOREVER;
  }

  /** The class's pick, passing over agents whose budget group is throttled. */
  private pickable(cls: SchedClass, rq: unknown): string | null {
    const now = this.s.now;
    const first = cls.pickNext(rq, now);
    if (first === null || !this.groupThrottled(this.s.procs[first]!)) return first;
    for (const a of cls.queued(rq, now)) if (!this.groupThrottled(this.s.procs[a]!) && !cls.throttled(rq, a, now)) return a;
    return null;
  }

  private groupThrottled(p: Proc): boolean {
    return groupChain(this.s, p.group).some((g) => g.throttledUntil !== null);
  }

  private spent(g: GroupState): boolean {
    return (g.tokens !== null && g.usedTokens >= g.tokens) || (g.cost !== null && g.usedCost >= g.cost);
  }

  private spentWhy(g: GroupState): string {
    if (g.tokens !== null && g.usedTokens >= g.tokens) return `${g.usedTokens} of ${g.tokens} tokens used`;
    return `$${g.usedCost.toFixed(6)} of $${g.cost} spent`;
  }

  /** Starts a slice: the first of a turn (prefilling the context) or the first after a preemption. */
  private startInference(p: Proc): Step {
    const started = (result: InferResult): KernelEvent => {
      this.inferences.set(p.id, { turn: p.turn, result });
      const model = this.models.get(p.model)!;
      const done = p.gen?.turn === p.turn ? p.gen.done : 0;
      const slice = Math.min(this.sliceFor(p), result.tokensOut - done);
      // Prefill is ~20× faster than decoding; a preempted generation is re-prefilled on resume.
      const ms = Math.max(1, Math.round((slice / model.tokensPerSecond) * 1000 + (p.contextTokens / (model.tokensPerSecond * 20)) * 1000));
      return this.emit({ type: 'infer.started', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, tokensIn: p.contextTokens, total: result.tokensOut, done, slice, until: this.s.now + ms });
    };
    const cached = this.inferences.get(p.id);
    if (cached && cached.turn === p.turn) return started(cached.result);
    const r = this.cpuFor(p).infer(this.request(p));
    return r instanceof Promise ? r.then(started) : started(r);
  }

  /** A further slice of the same generation, with no prefill. */
  private continueInference(p: Proc): KernelEvent {
    const gen = p.gen!;
    const model = this.models.get(p.model)!;
    const slice = Math.min(this.sliceFor(p), gen.total - gen.done);
    const ms = Math.max(1, Math.round((slice / model.tokensPerSecond) * 1000));
    return this.emit({ type: 'infer.started', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, tokensIn: 0, total: gen.total, done: gen.done, slice, until: this.s.now + ms });
  }

  private charge(p: Proc, tokensIn: number, tokensOut: number): SliceCharge {
    const model = this.models.get(p.model)!;
    return { tokensIn, tokensOut, cost: (tokensIn * model.priceIn + tokensOut * model.priceOut) / 1_000_000 };
  }

  /** The clock reached the end of a slice: the generation completes, or pauses at a boundary. */
  private endSlice(p: Proc): Step {
    const gen = p.gen!;
    const t = p.until;
    const done = gen.done + gen.slice;
    const slice = this.charge(p, gen.prefill, gen.slice);
    if (done < gen.total) {
      const { cls, rq } = rqOf(this.s, p);
      return this.emit({ type: 'infer.sliced', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, done, remaining: gen.total - done, slice, until: t, stats: finiteStats(cls.stats(rq, p.id, this.s.now)) }, t);
    }
    const finish = (result: InferResult): KernelEvent => {
      this.inferences.delete(p.id);
      return this.emit({
        type: 'infer.completed', agent: p.id, model: p.model, slot: p.slot, turn: p.turn, pc: result.nextPc,
        tokensIn: gen.spent.tokensIn + slice.tokensIn, tokensOut: result.tokensOut, cost: gen.spent.cost + slice.cost, text: result.text, action: result.action, slice,
      }, t);
    };
    const cached = this.inferences.get(p.id);
    if (cached && cached.turn === p.turn) return finish(cached.result);
    const r = this.cpuFor(p).infer(this.request(p));
    return r instanceof Promise ? r.then(finish) : finish(r);
  }

  /** At a slice boundary: preempt (budget, class throttle, a higher class, the class's own rule) or go on. */
  private atBoundary(p: Proc): KernelEvent {
    const s = this.s;
    const gen = p.gen!;
    const { cls, rq } = rqOf(s, p);
    const preempt = (reason: 'slice' | 'class' | 'throttled' | 'budget', by: string | null, byClass: string | null): KernelEvent =>
      this.emit({
        type: 'sched.preempted', agent: p.id, class: cls.name, model: p.model, slot: p.slot, reason, by, byClass,
        done: gen.done, remaining: gen.total - gen.done, slice: { tokensIn: 0, tokensOut: 0, cost: 0 }, stats: finiteStats(cls.stats(rq, p.id, s.now)),
      });
    if (this.groupThrottled(p)) return preempt('budget', null, null);
    if (cls.throttled(rq, p.id, s.now)) {
      if (p.until === BOUNDARY) {
        return this.emit({ type: 'sched.throttled', agent: p.id, class: cls.name, model: p.model, reason: `${cls.name} runtime spent`, until: this.throttledUntil(cls, rq, p.id), numbers: finiteStats(cls.stats(rq, p.id, s.now)) });
      }
      return preempt('throttled', null, null);
    }
    for (const higher of SCHED_CLASSES.ordered) {
      if (higher.rank >= cls.rank) break;
      const by = this.pickable(higher, s.runqueues[p.model]![higher.name]);
      if (by !== null) return preempt('class', by, higher.name);
    }
    if (cls.checkPreempt(rq, p.id, s.now)) return preempt('slice', this.pickable(cls, rq), cls.name);
    return this.continueInference(p);
  }

  private act(p: Proc, action: Action): KernelEvent {
    const s = this.s;
    switch (action.kind) {
      case 'think':
        throw new Error('think actions never wait to be carried out');
      case 'call': {
        const taint = this.labelsFor(p, action);
        const args = this.bound(p, action.args) as Record<string, unknown>;
        return this.emit({ type: 'tool.called', agent: p.id, callId: `c${s.nextId}`, tool: action.tool, args, ...(taint.length > 0 ? { taint } : {}) });
      }
      case 'send': {
        const text = this.bound(p, action.text) as string;
        const taint = this.labelsFor(p, action);
        const gate = this.gate.checkSend(s, p, action.to, text, taint);
        if (gate.decision.effect !== 'allow') {
          const { rule, scope, module, reason } = gate.decision;
          return this.emit({ type: 'msg.denied', agent: p.id, from: p.id, to: action.to, reason, rule, scope, module });
        }
        const channel = this.channels.get(`${p.id}\u0000${action.to}`)!;
        if (action.to !== HUMAN && !s.procs[action.to]) return this.emit({ type: 'msg.denied', agent: p.id, from: p.id, to: action.to, reason: `${action.to} is not running` });
        return this.emit(this.message(p.id, action.to, channel.id, channel.latencyMs, text, action.facts, taint, action.task, p.context.map((x) => x.text)));
      }
      case 'recv': {
        const m = p.inbox.find((x) => action.from === undefined || x.from === action.from);
        if (m) return this.wake(p, m, action.as);
        return this.emit({
          type: 'agent.blocked', agent: p.id, on: action.from ? `a message from ${action.from}` : 'any message',
          ...(action.from === undefined ? {} : { from: action.from }), ...(action.as === undefined ? {} : { as: action.as }),
        });
      }
      case 'write':
        return this.emit({ type: 'artifact.written', agent: p.id, name: action.artifact, text: this.bound(p, action.text) as string });
      case 'finish':
        return this.emit({ type: 'agent.finished', agent: p.id, text: action.text });
      case 'read': {
        // A chunk of a store is memory: reading it crosses the memory.read hook like a search does.
        const store = /^store:([^#]+)#/.exec(action.ref)?.[1];
        if (store !== undefined && this.storeTiers.has(store)) {
          const { decision } = this.gate.checkRead(s, p, store);
          if (decision.effect !== 'allow') {
            const detail = `${action.ref} denied by ${decision.rule} (${decision.scope}, ${decision.module}): ${decision.reason}`;
            return this.emit({ type: 'mem.faulted', agent: p.id, mode: 'lazy', ref: action.ref, outcome: 'failed', text: '', tokens: 0, trust: 'trusted', valid: true, detail, ...(action.as === undefined ? {} : { as: action.as }) });
          }
        }
        return this.emit(decideLazyFault(this.s, p, action.ref, action.as, (text) => countTokens(text, p.encoding)));
      }
    }
  }

  private wake(p: Proc, m: Proc['inbox'][number], as: string | undefined = p.waiting?.as): KernelEvent {
    const factTokens: Record<string, number> = {};
    for (const f of m.facts) factTokens[f] = countTokens(f, p.encoding);
    return this.emit({
      type: 'agent.woke', agent: p.id, msgId: m.msgId, from: m.from, text: m.text, tokens: m.tokens, ...(as === undefined ? {} : { as }),
      ...(m.facts.length > 0 ? { factTokens } : {}),
    });
  }

  /**
   * The system-call choke point: every tool call is decided here by the policy stack
   * (trust/gate.ts), and the decision names the module, rule and scope that made it.
   */
  private syscall(p: Proc): KernelEvent {
    const call = p.call!;
    const mode = this.spec.policy.mode;
    const spec = this.tools.get(call.tool);
    const cls = toolClassFor(spec, call.tool);
    const gate: GateResult = decideSyscall(this.gate, this.s, p.id, call, spec, cls, mode);
    const { effect, rule, scope, reason, module } = gate.decision;
    // The kernel's own refusals (unknown tool, bad arguments) name no taint.
    const taint = module !== 'kernel' && call.taint && call.taint.length > 0 ? { taint: call.taint } : {};
    const base = { agent: p.id, callId: call.callId, tool: call.tool, rule, scope, mode, module, hook: gate.hook };
    if (effect === 'deny') return this.emit({ type: 'tool.denied', ...base, reason, ...(gate.decision.code ? { code: gate.decision.code } : {}), ...taint });
    if (effect === 'ask') return this.emit({ type: 'tool.asked', ...base, reason, ask: gate.decision.ask ?? 'approve', taint: call.taint ?? [] });
    return this.emit({ type: 'tool.allowed', ...base, until: this.s.now + cls!.latency(spec), ...(gate.grant ? { grant: gate.grant } : {}), ...taint });
  }

  /** A message as an A2A SendMessage in its task, with the tracked facts its sender held. */
  private message(from: string, to: string, channel: string, latencyMs: number, text: string, facts: string[], taint: readonly string[], reply: ReplyState | undefined, senderWindow: readonly string[]): KernelEventBody {
    const s = this.s;
    const msgId = `m${s.nextId}`;
    const { task, taskTo } = planSend(s, from, to, reply);
    const tracked = this.spec.facts.map((f) => f.text).filter((f) => factArrived(textPart(f), senderWindow));
    return {
      type: 'msg.sent', agent: from, msgId, from, to, channel, text, facts, tokens: countTokens(text, this.encodingOf(to)), deliverAt: s.now + latencyMs,
      ...(taint.length > 0 ? { taint: [...taint] } : {}), task, ...(taskTo ? { taskTo } : {}), ...(tracked.length > 0 ? { tracked } : {}),
      envelope: envelopeFor(s, msgId, from, task, text, facts),
    };
  }

  private bound(p: Proc, value: unknown): unknown {
    return bindForExecutor(p, this.agents.get(p.id)?.executeOnly === true, value);
  }

  private labelsFor(p: Proc, action: Extract<Action, { kind: 'call' | 'send' | 'write' }>): string[] {
    return actionLabels(p, action, this.cpuFor(p).provider === 'sim');
  }

  /** Queues what a person did (approve, deny, roll back, message, stop); the kernel records it as its next event. */
  submit(input: HumanInput): { ok: true } | { ok: false; error: string } {
    const problem = inputProblem(this.s, this.log, this.inputs, input);
    if (problem !== null) return { ok: false, error: problem };
    this.inputs.push(input);
    return { ok: true };
  }

  /** True while the run can only go on once a human answers an ask. */
  get waiting(): boolean {
    return this.s.stopped === null && this.inputs.length === 0 && Object.values(this.s.procs).some((p) => p.call?.asked !== undefined || (p.state === 'blocked' && p.waiting?.from === HUMAN));
  }

  /** The asks a human has not answered yet. */
  openAsks(): { agent: string; callId: string; tool: string; ask: 'approve' | 'declassify' }[] {
    return Object.values(this.s.procs).flatMap((p) => (p.call?.asked ? [{ agent: p.id, callId: p.call.callId, tool: p.call.tool, ask: p.call.asked.ask }] : []));
  }

  /** Records one human input as an event (validated by submit). */
  private record(input: HumanInput): KernelEvent {
    switch (input.kind) {
      case 'rollback': {
        const undo = undoFor(this.log, input.seq);
        if (!undo.ok) throw new Error(undo.error);
        return this.emit({ type: 'audit.rolledback', target: input.seq, undo: undo.undo, detail: undo.detail });
      }
      case 'stop':
        return this.stop('stopped', input.detail ?? 'a person stopped the run');
      case 'message': {
        // The person at the studio speaks on its own lifeline; no channel is needed to reach an agent.
        const channel = this.channels.get(`${HUMAN}\u0000${input.to}`);
        return this.emit(this.message(HUMAN, input.to, channel?.id ?? HUMAN, channel?.latencyMs ?? 0, input.text, input.facts ?? [], [], undefined, [input.text, ...(input.facts ?? [])]));
      }
      default:
        return this.emit(answerEvent(this.s, this.tools, this.spec.policy.mode, input));
    }
  }

  private returnTool(p: Proc): Step {
    const call = p.call!;
    const spec = this.tools.get(call.tool);
    const cls = toolClassFor(spec, call.tool)!;
    const enc = p.encoding;
    const io = {
      search: (store: string, query: string, k: number) => this.archive.search(store, query, k, p.id),
      hasStore: (store: string) => this.archive.has(store),
      count: (text: string) => countTokens(text, enc),
    };
    const returned = (outcome: ToolOutcome): KernelEvent => {
      const stored = outcome.stored;
      if (stored && this.storeTiers.get(stored.store) === 'session' && !this.s.views[stored.store]?.[p.id]) {
        // The first write to a session-tier store: a private copy-on-write view first, then the write into it.
        return this.emit({ type: 'mem.cow', agent: p.id, store: stored.store, base: this.s.stores[stored.store]?.length ?? 0 }, call.until);
      }
      const trust = spec ? spec.trust : 'trusted';
      // What the result carries: this call's label when the tool is untrusted, each untrusted chunk's.
      const taint = joinLabels(
        trust === 'untrusted' ? [labelOf('tool', call.tool, call.callId)] : [],
        (outcome.chunks ?? []).filter((c) => c.trust === 'untrusted').map((c) => `doc:${c.source.replace(/^archive:/, '')}`),
      );
      return this.emit({
        type: 'tool.returned', agent: p.id, callId: call.callId, tool: call.tool, ok: outcome.ok, result: outcome.result,
        tokens: countTokens(outcome.result, enc), ms: cls.latency(spec), trust,
        ...(stored ? { stored: { ...stored, ...(this.storeTiers.has(stored.store) ? { tier: this.storeTiers.get(stored.store)! } : {}) } } : {}),
        ...(outcome.chunks ? { chunks: outcome.chunks } : {}), ...(outcome.core ? { core: outcome.core } : {}),
        ...(taint.length > 0 ? { taint } : {}), ...(this.agents.get(p.id)?.executeOnly ? { hidden: true } : {}),
      }, call.until);
    };
    const r = cls.execute(spec, { agent: p.id, tool: call.tool, args: call.args, newId: `${call.tool}-${call.callId}` }, this.s, io);
    return r instanceof Promise ? r.then(returned) : returned(r);
  }

  /** The tokenizer of an agent's model (o200k for an agent not running). */
  private encodingOf(agent: string): Encoding {
    return this.s.procs[agent]?.encoding ?? 'o200k_base';
  }
}
