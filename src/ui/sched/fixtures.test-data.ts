/**
 * Hand-made traces and states for the scheduler view's tests: a builder that numbers events
 * and keeps virtual time, and a minimal KernelState. Test-only (imported by *.test.ts).
 */
import { asRunId, type KernelEvent, type KernelEventBody, type KernelState, type Proc } from '../../kernel';

const RUN = asRunId('run-1');

/** Appends events with consecutive seqs; `at(t)` moves virtual time forward. */
export class TraceBuilder {
  readonly events: KernelEvent[] = [];
  private t = 0;

  at(t: number): this {
    this.t = t;
    return this;
  }

  push(body: KernelEventBody & { agent?: string }): this {
    this.events.push({ seq: this.events.length, t: this.t, run: RUN, ...body } as KernelEvent);
    return this;
  }

  started(models: Record<string, number>, agents: string[]): this {
    const infos = Object.fromEntries(Object.entries(models).map(([m, slots]) => [m, { slots, tokensPerSecond: 50, quality: 3, priceIn: 0, priceOut: 0 }]));
    const sched = { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 500 };
    return this.push({ type: 'run.started', seed: 1, harness: 'h', specHash: 'x', agents, models: infos, stores: {}, groups: [], sched });
  }

  picked(agent: string, model: string, slot: number, stats: Record<string, number> = {}): this {
    return this.push({ type: 'sched.picked', agent, class: 'fair', model, slot, waitedMs: 0, queue: 0, slice: 64, stats });
  }

  inferStarted(agent: string, model: string, slot: number, until: number): this {
    return this.push({ type: 'infer.started', agent, model, slot, turn: 0, tokensIn: 10, total: 100, done: 0, slice: 64, until });
  }

  completed(agent: string, model: string, slot: number): this {
    const slice = { tokensIn: 10, tokensOut: 100, cost: 0 };
    return this.push({ type: 'infer.completed', agent, model, slot, turn: 0, pc: 1, tokensIn: 10, tokensOut: 100, cost: 0, text: '', action: { kind: 'think' }, slice });
  }

  preempted(agent: string, model: string, slot: number, by: string | null = null, stats: Record<string, number> = {}): this {
    const slice = { tokensIn: 0, tokensOut: 64, cost: 0 };
    return this.push({ type: 'sched.preempted', agent, class: 'fair', model, slot, reason: 'slice', by, byClass: by ? 'fair' : null, done: 64, remaining: 36, slice, stats });
  }

  enqueued(agent: string, model: string, stats: Record<string, number>, cls = 'fair'): this {
    return this.push({ type: 'sched.enqueued', agent, class: cls, model, why: 'new', queue: 1, stats });
  }
}

export function proc(id: string, over: Partial<Proc> = {}): Proc {
  return {
    id, pid: 1, state: 'ready', model: 'm', window: 8192, encoding: 'o200k_base', taint: {}, lastTaint: [], followed: [], turn: 0, pc: 0, context: [], contextTokens: 0, tools: [], inbox: [], vars: {}, last: '',
    pending: null, slot: -1, slotPhase: 'off', until: 0, call: null, readyAt: 0, waiting: null,
    sched: { class: 'fair', rtPolicy: 'rr', nice: 0, priority: 0 }, class: 'fair', group: null, gen: null,
    routedTurn: -1, tokensIn: 0, tokensOut: 0, cost: 0, finished: null, needsEnqueue: false,
    recall: [], memory: { warnAt: 0.75, compactAt: 0.9, eviction: 'lru', k: 2 }, pressure: 'ok',
    ...over,
  };
}

export function kernelState(over: Partial<KernelState> = {}): KernelState {
  const procs = over.procs ?? {};
  return {
    run: RUN, seed: 1, seq: 0, now: 0, procs, order: Object.keys(procs), slots: {}, models: {},
    params: { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 500 },
    groups: {}, bandwidth: {}, runqueues: {}, inflight: [], stores: {}, artifacts: {}, sent: [], goalsMet: {},
    steps: 0, tokensIn: 0, tokensOut: 0, cost: 0, nextPid: 1, nextId: 1, nextSeg: 1, stopped: null, handles: {}, sessionRules: [], declassified: [], views: {}, tasks: {}, taskQueue: [], retainQueue: [],
    ...over,
  };
}
