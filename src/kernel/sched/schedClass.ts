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
 *   size) are called by the kernel to decide; they must not mutate rq.
 */
import type { AgentId } from '../ids';
import type { AgentSpec } from '../spec';

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
  /** The model's slots and decode speed: capacity of one slot is tokensPerMs tokens per ms. */
  slots: number;
  tokensPerMs: number;
}

/** What a class learns of an agent when it is enqueued (copied from its spec by the reducer). */
export interface SchedEntity {
  agent: AgentId;
  /** Virtual time it became runnable. */
  t: number;
  sched: AgentSpec['sched'];
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

/** A duplicate-checked, rank-ordered registry of classes. */
export class SchedRegistry {
  private readonly byName = new Map<string, SchedClass>();
  readonly ordered: SchedClass[] = [];

  constructor(classes: readonly SchedClass[]) {
    for (const c of classes) {
      if (this.byName.has(c.name)) throw new Error(`sched class "${c.name}" registered twice`);
      this.byName.set(c.name, c);
      this.ordered.push(c);
    }
    this.ordered.sort((a, b) => a.rank - b.rank);
  }

  /** The class an agent runs under; an unknown name falls back to fifo (and events name fifo). */
  classFor(name: string): SchedClass {
    return this.byName.get(name) ?? this.byName.get('fifo') ?? this.ordered[0]!;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}
