/**
 * Hand-written trust traces for the Permissions view's tests: a builder that numbers events and
 * writes the policy events with their usual fields. Test-only (imported by *.test.ts).
 */
import type { KernelEvent, KernelEventBody, RunId } from '../../kernel';

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

  allowed(agent: string, callId: string, tool: string, rule = 'mode:auto', scope = 'mode', extra: { grant?: string; taint?: string[]; module?: string } = {}): this {
    return this.push({ type: 'tool.allowed', agent, callId, tool, rule, scope, mode: 'auto', until: this.t + 10, hook: 'tool.call', ...extra });
  }

  denied(agent: string, callId: string, tool: string, rule: string, reason: string, extra: { module?: string; code?: string; taint?: string[]; by?: 'human'; scope?: string } = {}): this {
    const { scope = 'project', ...rest } = extra;
    return this.push({ type: 'tool.denied', agent, callId, tool, rule, scope, mode: 'ask', reason, hook: 'tool.call', ...rest });
  }

  asked(agent: string, callId: string, tool: string, rule: string, reason: string, ask: 'approve' | 'declassify' = 'approve', taint: string[] = []): this {
    return this.push({ type: 'tool.asked', agent, callId, tool, rule, scope: 'project', mode: 'ask', reason, module: ask === 'declassify' ? 'taint' : 'rules', hook: 'tool.call', ask, taint });
  }

  approved(agent: string, callId: string, tool: string, remember: { rule: string; match: string } | null = null): this {
    return this.push({ type: 'tool.approved', agent, callId, tool, remember: remember !== null, rule: remember?.rule ?? null, match: remember?.match ?? null, until: this.t + 10 });
  }

  returned(agent: string, callId: string, tool: string): this {
    return this.push({ type: 'tool.returned', agent, callId, tool, ok: true, result: 'ok', tokens: 1, ms: 10 });
  }
}
