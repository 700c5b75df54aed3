import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../../kernel';
import { asRunId } from '../../kernel';
import { clip, eventFamily, formatCost, formatTokens, formatVt, stopTone, summarize, SUMMARY_MAX } from './format';

const base = { seq: 3, t: 1250, run: asRunId('r') };

describe('event summaries', () => {
  it('name the tool and its arguments for a call', () => {
    const e: KernelEvent = { ...base, type: 'tool.called', agent: 'researcher', callId: 'c1', tool: 'web_search', args: { query: 'paging' } };
    expect(summarize(e)).toBe('web_search {"query":"paging"}');
  });

  it('say what an inference decided, with its tokens and cost', () => {
    const e: KernelEvent = {
      ...base, type: 'infer.completed', agent: 'writer', model: 'm', slot: 0, turn: 2, pc: 3, tokensIn: 900, tokensOut: 40, cost: 0.00012,
      text: 'Writing now', action: { kind: 'write', artifact: 'report', text: 'x' }, slice: { tokensIn: 900, tokensOut: 40, cost: 0.00012 },
    };
    expect(summarize(e)).toBe('turn 2 → write report · 900/40 tok · $0.00012 · "Writing now"');
  });

  it('stay on one line and within the row width, whatever the model said', () => {
    const long = 'line one\nline two <b>not html</b> '.repeat(40);
    const e: KernelEvent = { ...base, type: 'agent.finished', agent: 'a', text: long };
    const s = summarize(e);
    expect(s).not.toContain('\n');
    expect(s.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(clip('a  b\n c')).toBe('a b c');
  });

  it('say what a failed model call was and when it is tried again (or that it is not)', () => {
    const failure = { kind: 'rate-limited' as const, message: 'Rate limited by http://x/v1', fix: 'wait', retryable: true, retryAfterMs: 3000, status: 429, partial: null };
    const retried: KernelEvent = { ...base, type: 'infer.failed', agent: 'a', model: 'm', slot: 0, turn: 2, attempt: 0, failure, retry: { delayMs: 3000, until: 4250 }, reason: 'rate-limited: the server asked to wait 3000 ms' };
    expect(summarize(retried)).toBe('turn 2 attempt 1 on m · rate-limited (429) · retry at 4.250s (in 3000ms) · "Rate limited by http://x/v1"');
    const gaveUp: KernelEvent = { ...retried, attempt: 4, failure: { ...failure, kind: 'server', status: 500 }, retry: null, reason: 'gave up after 4 retries (the policy allows 4)' } as KernelEvent;
    expect(summarize(gaveUp)).toBe('turn 2 attempt 5 on m · server (500) · no retry: gave up after 4 retries (the policy allows 4) · "Rate limited by http://x/v1"');
    const throttled: KernelEvent = { ...base, type: 'sched.throttled', agent: 'a', model: 'm', reason: 'rpm', until: 61_000, numbers: { requests: 2, rpm: 2, windowMs: 60_000 } };
    expect(summarize(throttled)).toBe('endpoint of m · rpm · until 61.000s · requests 2 · rpm 2 · windowMs 60000');
  });

    it('report why a run stopped', () => {
    const e: KernelEvent = { ...base, type: 'run.stopped', reason: 'max-steps', detail: '100 steps', goals: {} };
    expect(summarize(e)).toBe('max-steps · 100 steps');
  });
});

describe('number formats', () => {
  it('reads like a debugger', () => {
    expect(formatVt(1250)).toBe('1.250s');
    expect(formatTokens(950)).toBe('950');
    expect(formatTokens(1234)).toBe('1.23k');
    expect(formatTokens(123_456)).toBe('123.5k');
    expect(formatTokens(4_560_000)).toBe('4.56M');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.5)).toBe('$0.5000');
    expect(formatCost(12.345)).toBe('$12.35');
    expect(eventFamily('tool.called')).toBe('tool');
  });
});

describe('stopTone', () => {
  it('tones only a run that met every goal as a success', () => {
    expect(stopTone('completed')).toBe('ok');
    expect(stopTone('stopped')).toBe('neutral');
    for (const r of ['goals-unmet', 'max-steps', 'deadlock', 'livelock', 'error'] as const) expect(stopTone(r)).toBe('failed');
  });
});
