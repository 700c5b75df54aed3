/**
 * The scheduling-class ops table, after Linux's `struct sched_class`: one frozen object per
 * policy, registered in rank order; the core asks classes in that order for the next agent
 * (deadline > rt > fair > priority > idle; fifo sits with rt as its non-rotating sibling).
 *
 * The scarce resource is an inference slot of a model. Service is counted in TOKENS (a slice is
 * so many output tokens), time in virtual milliseconds. Runqueues live in KernelState as plain
 * JSON data (opaque to everyone but their class), so snapshots, seeks and forks carry them.
 *
 * Who calls what:
 * - MUTATING ops (enqueue, dequeue, account, sleep, exit, replenish) are called only by the
 *   reducer (state/reduce.ts), each on one event, with the numbers that event carries. They
 *   must be deterministic functions of their arguments, never emit events, never await.
 * - Admission control for deadline agents is the kernel's (job pipeline, allocate stage):
 *   it needs every model's capacity, not one runqueue.
 * - PURE ops (pickNext, checkPreempt, sliceFor, nextTimer, throttled, stats, queued,
 *   size) are called to decide, by the scheduler core (core.ts) and the kernel; they must not mutate rq.
 * - METADATA (label, params, shows) and the PURE checkParams / explainParams are the single
 *   source for everything outside the scheduler that knows a class: the document schema (its
 *   class enum and `sched` fields, spec/schema.ts), the parser's per-class rules (spec/parse.ts),
 *   the job pipeline, the inspector and the Scheduler view. A new class is its own file plus
 *   one entry in the registry (index.ts); nothing else names it.
 */
import type { AgentId } from '../ids';

/** Class-wide knobs, fixed for a run (from the document's `sched` section and the model). */
export interface SchedParams {
  /** Base slice in tokens: fair's request size, rr's quantum, the preemption check interval. */
  sliceTokens: number;
  /** rt throttling: rt work may use `rtRuntimeShare` of each `rtPeriodMs` of slot capacity. */
  rtPeriodMs: number;
  rtRuntimeShare: number;
  /** deadline admission: Σ runtime_i / capacity(period_i) ≤ dlBound × slots. */
  dlBound: number;
  /** priority class: effective priority rises by 1 per `agingStepMs` of waiting; 0 turns aging off. */
  agingStepMs: number;
  /** The document's one objective over urgency and quality per token (objective.ts), when declared. */
  objective?: { urgencyWeight: number; qualityWeight: number; form: 'product' | 'linear' };
  /** The model's slots and decode speed: capacity of one slot is tokensPerMs tokens per ms. */
  slots: number;
  tokensPerMs: number;
}

/**
 * An agent's `sched` section as parsed: its class, its budget group, and the parameters the
 * registered classes declare (each checked by the parser against its `SchedParam`).
 */
export interface AgentSched {
  readonly class: string;
  readonly group?: string;
  readonly [param: string]: string | number | undefined;
}

/** One field a class reads from `agents[i].sched`: the parser, the JSON Schema and the inspector are built from it. */
export interface SchedParam {
  readonly name: string;
  /** The inspector's label. */
  readonly label: string;
  readonly kind: 'integer' | 'number' | 'choice';
  /** The allowed values of a choice. */
  readonly choices?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Unit of a number ('tokens', 'ms'), shown beside the field. */
  readonly unit?: string;
  /** Filled in by the parser when absent; without one the field stays absent. */
  readonly default?: number | string;
  /** The class cannot do without it: the parser reports it missing, the JSON Schema requires it under this class. */
  readonly required?: boolean;
  /** What it means, for the JSON Schema and the inspector's tooltip. */
  readonly description: string;
  /** The inspector's step for a number. */
  readonly step?: number;
  /**
   * Its place in the parsed `sched` object, for fields older than this registry: the key order of
   * parsed documents is part of the trace (job.published, the spec hash). New fields leave it out
   * and come after, in registration order.
   */
  readonly position?: number;
  /** Whether it applies given the rest of the section (rrSlice only under rr); default: always. */
  appliesTo?(sched: AgentSched): boolean;
  /** A short hint about the value in context (the load a nice value gives); default: range and unit. */
  hint?(sched: AgentSched): string;
}

/** The model an agent runs on, as far as a class's parameter check needs it. */
export interface SchedModel {
  readonly tokensPerSecond: number;
}

/** One problem with an agent's class parameters, at the field it concerns. */
export interface SchedParamIssue {
  /** The field of `agents[i].sched` it is about. */
  param: string;
  /** What is wrong, without the path (the caller prefixes it). */
  message: string;
  expected: string;
  found: string;
}

/** A stat the Scheduler view shows for the class, in this order. */
export interface SchedShown {
  /** The key in the class's `stats`. */
  readonly stat: string;
  readonly label: string;
}

/** What a class learns of an agent when it is enqueued (copied from its spec by the reducer). */
export interface SchedEntity {
  agent: AgentId;
  /** Virtual time it became runnable. */
  t: number;
  sched: AgentSched;
  /** Why it is enqueued: first time, woken from sleep, or put back after preemption. */
  why: 'new' | 'wakeup' | 'preempted' | 'yield';
}

/** Numbers behind a decision, carried by events and shown by the Scheduler view. */
export type SchedStats = Readonly<Record<string, number>>;

export interface SchedClass<RQ = unknown> {
  /** The policy name agents write in `sched.class`. */
  readonly name: string;
  /** Lower rank is asked first: deadline 10, rt 20, fifo 21, fair 30, priority 40, idle 90. */
  readonly rank: number;
  /** How the studio names it ("fair (EEVDF)"). */
  readonly label: string;
  /** The fields it reads from an agent's `sched` section. A field two classes share must be declared alike. */
  readonly params: readonly SchedParam[];
  /** The stats the Scheduler view shows beside each of its agents. */
  readonly shows: readonly SchedShown[];
  /**
   * Pure: the class's own rules over its parameters, beyond each field's kind, range and
   * `required` (the registry checks those). `model` is null when the agent's model is unknown.
   * Called through SchedRegistry.checkParams by the parser (each issue at
   * `agents[i].sched.<param>`), the job pipeline and the inspector.
   */
  checkParams(sched: AgentSched, model: SchedModel | null): SchedParamIssue[];
  /** Pure, optional: what valid parameters amount to on `model`, in words (the inspector shows it). */
  explainParams?(sched: AgentSched, model: SchedModel): string;

  /** A new, empty runqueue (plain JSON data). Reducer, on run.started. */
  init(params: SchedParams): RQ;
  /** Reducer, on sched.enqueued: the agent becomes runnable (placement: lag, CBS wake-up rule). */
  enqueue(rq: RQ, se: SchedEntity, now: number): void;
  /** Reducer, on sched.picked: the agent leaves the queue to run on a slot. */
  dequeue(rq: RQ, agent: AgentId, now: number): void;
  /** Reducer, on infer.sliced / sched.preempted / infer.completed: charge `tokens` of service. */
  account(rq: RQ, agent: AgentId, tokens: number, now: number): void;
  /** Reducer, when a running agent goes to sleep (waits for a tool, a message, a human). Keeps lag. */
  sleep(rq: RQ, agent: AgentId, now: number): void;
  /** Reducer, when the agent finishes or fails: forget it. */
  exit(rq: RQ, agent: AgentId): void;
  /** Reducer, on sched.replenished: time-driven refills (CBS replenishment, rt period rollover). */
  replenish(rq: RQ, now: number): void;

  /** Pure: the agent to run next, or null (empty, or everything throttled). */
  pickNext(rq: RQ, now: number): AgentId | null;
  /** Pure: at a slice boundary, should `running` (of this class) yield to one of this queue? */
  checkPreempt(rq: RQ, running: AgentId, now: number): boolean;
  /** Pure: tokens `agent` may generate before the next check (its slice, or what runtime is left). */
  sliceFor(rq: RQ, agent: AgentId): number;
  /** Pure: the earliest time > now at which replenish would change something, or Infinity. */
  nextTimer(rq: RQ, now: number): number;
  /** Pure: is the agent held back by its class right now (spent runtime, rt throttle)? */
  throttled(rq: RQ, agent: AgentId, now: number): boolean;
  /** Pure: the numbers behind decisions (vruntime, lag, vdeadline, runtimeLeft, deadline, prio…). */
  stats(rq: RQ, agent: AgentId, now: number): SchedStats;
  /** Pure: runnable agents in the order the class would pick them (for the UI). */
  queued(rq: RQ, now: number): AgentId[];
  size(rq: RQ): number;
}

/** A numeric parameter of an agent's `sched` section, or undefined when it is unset. */
export function numberParam(sched: Readonly<Partial<AgentSched>>, name: string): number | undefined {
  const v = sched[name];
  return typeof v === 'number' ? v : undefined;
}

const sameParam = (a: SchedParam, b: SchedParam): boolean =>
  a.kind === b.kind && a.min === b.min && a.max === b.max && a.default === b.default && a.position === b.position && String(a.choices) === String(b.choices);

/** A duplicate-checked, rank-ordered registry of classes. */
export class SchedRegistry {
  private readonly byName = new Map<string, SchedClass>();
  readonly ordered: SchedClass[] = [];
  /** Every field any class declares, once each: by `position`, then in registration order. */
  readonly params: readonly SchedParam[];

  /** `fallback` names the class of an agent that names none (the document's default). */
  constructor(classes: readonly SchedClass[], readonly fallback = 'fifo') {
    const params = new Map<string, SchedParam>();
    for (const c of classes) {
      if (this.byName.has(c.name)) throw new Error(`sched class "${c.name}" registered twice`);
      this.byName.set(c.name, c);
      this.ordered.push(c);
      for (const p of c.params) {
        const prior = params.get(p.name);
        if (prior && !sameParam(prior, p)) throw new Error(`sched param "${p.name}" of class "${c.name}" differs from another class's declaration`);
        if (!prior) params.set(p.name, p);
      }
    }
    if (!this.byName.has(fallback)) throw new Error(`the default sched class "${fallback}" is not registered`);
    this.ordered.sort((a, b) => a.rank - b.rank);
    const all = [...params.values()];
    this.params = all
      .map((p, i) => ({ p, key: p.position ?? 1e9 + i }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.p);
  }

  /** Class names in rank order, as the document's `sched.class` allows them. */
  get names(): string[] {
    return this.ordered.map((c) => c.name);
  }

  /** The registered class of this name, or undefined. */
  get(name: string): SchedClass | undefined {
    return this.byName.get(name);
  }

  /**
   * Every problem with an agent's class parameters: the class's required fields that are
   * missing, then the class's own rules (`checkParams`), each at the field it concerns.
   */
  checkParams(sched: AgentSched, model: SchedModel | null): SchedParamIssue[] {
    const cls = this.classFor(sched.class);
    const missing = cls.params
      .filter((p) => p.required && sched[p.name] === undefined)
      .map((p): SchedParamIssue => {
        const unit = p.unit ? ` (${p.unit})` : '';
        const expected = p.kind === 'choice' ? `one of ${(p.choices ?? []).join(', ')}` : `${p.kind === 'integer' ? 'an integer' : 'a number'}${unit}`;
        return { param: p.name, message: `the ${cls.name} class needs ${p.name}${unit}, found nothing`, expected, found: 'nothing' };
      });
    return [...missing, ...cls.checkParams(sched, model)];
  }

  /** The class an agent runs under; an unknown name falls back to the default class (and events name it). */
  classFor(name: string): SchedClass {
    return this.byName.get(name) ?? this.byName.get(this.fallback)!;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}
