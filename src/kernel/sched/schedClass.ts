/**
 * The scheduling-class ops table, after Linux's `struct sched_class`: one frozen object per
 * policy, registered in rank order; the core asks classes in that order for the next agent.
 * The scarce resource is an inference slot of a model. Runqueues live in KernelState
 * (opaque to everyone but their class), so snapshots and seeks carry them.
 */
import type { AgentId } from '../ids';
import type { AgentSpec } from '../spec';

/** What a class may know of an agent when it is enqueued (copied from its spec). */
export interface SchedEntity {
  agent: AgentId;
  /** Virtual time it became runnable. */
  t: number;
  sched: AgentSpec['sched'];
}

export interface SchedClass<RQ = unknown> {
  /** The policy name agents write in `sched.class`. */
  readonly name: string;
  /** Lower rank is asked first: deadline < rt < fair < idle. */
  readonly rank: number;
  /** A new, empty runqueue (plain data). Called by the reducer on run.started. */
  init(): RQ;
  /** Called by the reducer on `sched.enqueued`. Mutates rq; must not emit events or await. */
  enqueue(rq: RQ, se: SchedEntity): void;
  /** Called by the reducer on `sched.picked`. Mutates rq; must not emit events or await. */
  dequeue(rq: RQ, agent: AgentId): void;
  /** Called by the kernel to decide; pure: never mutates rq. Null when empty. */
  pickNext(rq: RQ): AgentId | null;
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

  /** The class an agent runs under. Policies not implemented yet run under the lowest-rank fallback, named in every event. */
  classFor(name: string): SchedClass {
    return this.byName.get(name) ?? this.byName.get('fifo') ?? this.ordered[0]!;
  }
}
