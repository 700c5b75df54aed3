/**
 * Hand-made conversations for the Messages view's tests: a builder that numbers events, keeps
 * virtual time and fills the fields the view does not read. Test-only (imported by *.test.ts).
 */
import { asRunId, type DecisionRecord, type KernelEvent, type KernelEventBody } from '../../kernel';
import type { TaskState } from './sequence';

const RUN = asRunId('run-1');

/** Appends events with consecutive seqs; `at(t)` sets the virtual time of the next ones. */
export class Conversation {
  readonly events: KernelEvent[] = [];
  private t = 0;
  private nextMsg = 1;

  at(t: number): this {
    this.t = t;
    return this;
  }

  /** seq of the last event pushed. */
  get last(): number {
    return this.events.length - 1;
  }

  push(body: KernelEventBody & { agent?: string }): this {
    this.events.push({ seq: this.events.length, t: this.t, run: RUN, ...body } as KernelEvent);
    return this;
  }

  started(agents: string[]): this {
    const sched = { sliceTokens: 64, rtPeriodMs: 1000, rtRuntimeShare: 0.95, dlBound: 0.95, agingStepMs: 500 };
    return this.push({ type: 'run.started', seed: 1, harness: 'h', specHash: 'x', agents, models: {}, stores: {}, groups: [], sched });
  }

  /** A msg.sent with id `m<n>` (n counts from 1), due `latency` ms later. */
  sent(from: string, to: string, text: string, over: { facts?: string[]; task?: string; latency?: number; msgId?: string } = {}): this {
    const msgId = over.msgId ?? `m${this.nextMsg++}`;
    return this.push({
      type: 'msg.sent', agent: from, msgId, from, to, channel: `${from}->${to}`, text, facts: over.facts ?? [], tokens: 3,
      deliverAt: this.t + (over.latency ?? 10), ...(over.task === undefined ? {} : { task: over.task }),
    });
  }

  delivered(msgId: string, from: string, to: string): this {
    return this.push({ type: 'msg.delivered', agent: to, msgId, from, to });
  }

  woke(msgId: string, from: string, to: string, text = ''): this {
    return this.push({ type: 'agent.woke', agent: to, msgId, from, text, tokens: 3 });
  }

  retained(msgId: string, from: string, to: string, tracked: string[], arrived: string[]): this {
    const lost = tracked.filter((f) => !arrived.includes(f));
    return this.push({ type: 'msg.retained', agent: to, msgId, from, to, channel: `${from}->${to}`, tracked, arrived, lost });
  }

  denied(from: string, to: string, reason: string): this {
    const decision: DecisionRecord = { hook: 'msg.send', module: 'channel', effect: 'deny', rule: `channel:${from}->${to}`, scope: 'agent', mode: 'auto', reason, grant: null, taint: [], code: 'no-channel', ask: null, answers: null };
    return this.push({ type: 'msg.denied', agent: from, from, to, decision });
  }

  task(task: string, client: string, server: string, from: TaskState | null, to: TaskState, msgId: string | null = null, reason = ''): this {
    return this.push({ type: 'task.updated', agent: server, task, contextId: 'ctx-1', client, server, from, to, msgId, reason });
  }
}
