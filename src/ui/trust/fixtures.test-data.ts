/**
 * Hand-written traces for the audit table's tests: a builder that numbers events and writes
 * decision records as the kernel does. Test-only (imported by *.test.ts). The decision log and
 * the approval prompt are tested on real kernel runs instead.
 */
import type { DecisionRecord, KernelEvent, KernelEventBody, RunId } from '../../kernel';

const RUN = 'run-1' as RunId;

/** Appends events with consecutive seqs; `at(t)` moves virtual time forward. */
export class TrustTrace {
  readonly events: KernelEvent[] = [];
  private t = 0;

  at(t: number): this {
    this.t = t;
    return this;
  }

  push(body: KernelEventBody): this {
    this.events.push({ seq: this.events.length, t: this.t, run: RUN, ...body } as KernelEvent);
    return this;
  }

  called(agent: string, callId: string, tool: string, args: Record<string, unknown> = {}, taint?: string[]): this {
    return this.push({ type: 'tool.called', agent, callId, tool, args, ...(taint ? { taint } : {}) });
  }

  /** A decision record as the kernel writes it: every field present. */
  static decision(d: Partial<DecisionRecord> & Pick<DecisionRecord, 'effect'>): DecisionRecord {
    return { hook: 'tool.call', module: 'rules', rule: null, scope: null, mode: 'auto', reason: '', grant: null, taint: [], code: null, ask: null, answers: null, ...d };
  }

  denied(agent: string, callId: string, tool: string, rule: string, reason: string, extra: Partial<DecisionRecord> = {}): this {
    return this.push({ type: 'tool.denied', agent, callId, tool, decision: TrustTrace.decision({ effect: 'deny', rule, scope: 'project', reason, ...extra }) });
  }

  returned(agent: string, callId: string, tool: string): this {
    return this.push({ type: 'tool.returned', agent, callId, tool, ok: true, result: 'ok', tokens: 1, ms: 10 });
  }
}
