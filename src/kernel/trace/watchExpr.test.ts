import { describe, expect, it } from 'vitest';
import { evaluateExpr, exprErrorText, formatLog, parseExpr, parseLogFormat, type ExprScope } from './watchExpr';

const run = (src: string, names: Record<string, unknown>, strict = false) => {
  const p = parseExpr(src);
  if (!p.ok) throw new Error(exprErrorText(p.error));
  return evaluateExpr(p.expr, { names, strict });
};
const value = (src: string, names: Record<string, unknown> = {}, strict = false) => {
  const r = run(src, names, strict);
  if (!r.ok) throw new Error(exprErrorText(r.error));
  return r.value;
};
const parseError = (src: string) => {
  const p = parseExpr(src);
  if (p.ok) throw new Error(`${src} parsed`);
  return p.error;
};

describe('watchExpr: evaluation', () => {
  const event = { type: 'infer.completed', agent: 'writer', tokens: 800, args: { q: 'x' }, facts: ['a', 'b'] };
  const scope = { ...event, event };

  it('reads fields, compares and combines with the usual precedence', () => {
    expect(value('event.agent == "writer" && event.tokens > 500', scope)).toBe(true);
    expect(value('event.agent == "writer" && event.tokens > 900', scope)).toBe(false);
    expect(value("agent != 'writer' || tokens >= 800", scope)).toBe(true);
    expect(value('1 + 2 * 3 - 4 / 2 % 3', {})).toBe(5);
    expect(value('-(1 + 2) * 2', {})).toBe(-6);
    expect(value('!(tokens < 10)', scope)).toBe(true);
    expect(value('event["args"].q + "!"', scope)).toBe('x!');
    expect(value('facts[1]', scope)).toBe('b');
    expect(value('len(facts) == 2 && facts.length == 2', scope)).toBe(true);
    expect(value('includes(facts, "a") && startsWith(agent, "wr") && upper(agent) == "WRITER"', scope)).toBe(true);
    expect(value('round(2 / 3, 2)', {})).toBe(0.67);
  });

  it('reads a missing field as undefined, and comparing it is false, not an error', () => {
    expect(value('event.nothing.deeper', scope)).toBeUndefined();
    expect(value('missing > 3', scope)).toBe(false);
    expect(value('missing == null', scope)).toBe(true);
  });

  it('never reaches a prototype or a function', () => {
    expect(parseError('event.constructor').message).toContain('"constructor" cannot be read');
    expect(parseError('event["__proto__"]').message).toContain('cannot be read');
    expect(parseError('agent.toString()')).toEqual({ at: 14, message: 'unexpected "(" after a complete expression' }); // only the fixed functions are called
    expect(value('agent["toString"]', scope)).toBeUndefined();
    expect(value('event.type.length', scope)).toBe(15);
    expect(value('keys(event)', { event: Object.create({ inherited: 1 }) })).toEqual([]);
    expect(parseError('eval("1")').message).toContain('unknown function "eval"');
  });

  it('strict scopes name the unknown name and what is known', () => {
    const r = run('agnts.writer', { agents: {}, groups: {} }, true);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(exprErrorText(r.error)).toBe('at column 1: unknown name "agnts" (known: agents, groups)');
  });

  it('type errors say which operator and what it got, with its column', () => {
    const r = run('tokens - agent', scope);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.at).toBe(7);
      expect(r.error.message).toBe('"-" needs numbers, got a number and a string');
    }
  });
});

describe('watchExpr: parse errors say where and what', () => {
  it.each([
    ['', 0, 'the expression is empty'],
    ['a ==', 4, 'the expression ends too early'],
    ['a = 1', 2, 'unexpected "=" (compare with ==)'],
    ['a & b', 2, 'and is &&'],
    ['(a + 1', 6, 'expected ")" to close the "(" at column 1'],
    ['a[1', 3, 'expected "]" to close the "[" at column 2'],
    ['"open', 0, 'is not closed'],
    ['a b', 2, 'unexpected "b" after a complete expression'],
    ['a.', 2, 'expected a field name after "."'],
    ['len(a, b)', 0, 'len() takes 1 argument, got 2'],
    ['3x', 1, 'after the number 3'],
  ])('%j → column %i', (src, at, message) => {
    const e = parseError(src);
    expect(e.at).toBe(at);
    expect(e.message).toContain(message);
  });
});

describe('watchExpr: log formats', () => {
  const scope: ExprScope = { names: { agent: 'writer', tokens: 812, args: { q: 'tides' } } };
  it('fills holes with values, keeps text and escaped braces', () => {
    const f = parseLogFormat('{agent} spent {tokens} on {{q}}={args.q} {args}');
    expect(f.ok).toBe(true);
    if (f.ok) expect(formatLog(f.format, scope)).toBe('writer spent 812 on {q}=tides {"q":"tides"}');
  });
  it('reports errors at their offset in the whole template', () => {
    const bad = parseLogFormat('spent {tokens +} now');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.at).toBe(15);
    const open = parseLogFormat('spent {tokens');
    if (!open.ok) expect(open.error).toEqual({ at: 6, message: 'the "{" here is not closed (write {{ for a brace)' });
    else throw new Error('parsed');
  });
  it('prints an evaluation error in place instead of failing the line', () => {
    const f = parseLogFormat('x={tokens - agent}');
    if (!f.ok) throw new Error('did not parse');
    expect(formatLog(f.format, scope)).toBe('x=<"-" needs numbers, got a number and a string>');
  });
});
