import { describe, expect, it } from 'vitest';
import { BUILTIN_ARG_SCHEMAS, bindPlaceholders, execOnlyModule, placeholders, validateArgs } from './execOnly';
import type { OpRequest } from './types';

const mail = {
  type: 'object',
  properties: { to: { type: 'string' }, body: { type: 'string' }, cc: { type: 'array', items: { type: 'string' } } },
  required: ['to', 'body'],
  additionalProperties: false,
};

function request(agent: string, tool: string, args: Record<string, unknown>): OpRequest {
  return { hook: 'tool.call', agent, tool, target: tool, access: 'use', arg: null, args, sideEffect: 'external', taint: [], declared: true, tier: 'shared' };
}

describe('validateArgs', () => {
  it('accepts arguments that match the schema', () => {
    expect(validateArgs(mail, { to: 'bob@example.com', body: 'hi' })).toEqual({ ok: true });
  });

  it('says where and what for each problem', () => {
    const r = validateArgs(mail, { to: 3, cc: ['a', 7], extra: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      '$: missing required property "body"',
      '$.to: expected string, found number',
      '$.cc[1]: expected string, found number',
      '$: unexpected property "extra"',
    ]);
  });

  it('names every unexpected property, at any depth', () => {
    const s = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false } } }, additionalProperties: false };
    expect(validateArgs(s, { a: 1, b: 2, items: [{ id: 'x' }, { id: 'y', extra: 0 }] })).toEqual({
      ok: false,
      errors: ['$.items[1]: unexpected property "extra"', '$: unexpected property "a"', '$: unexpected property "b"'],
    });
  });

  it('reports a non-object where an object is expected, and odd keys in brackets', () => {
    expect(validateArgs(mail, 'send it')).toEqual({ ok: false, errors: ['$: expected object, found string'] });
    const odd = { type: 'object', properties: { 'a/b c': { type: 'integer' } } };
    expect(validateArgs(odd, { 'a/b c': 1.5 })).toEqual({ ok: false, errors: ['$["a/b c"]: expected integer, found number'] });
  });

  it('summarises alternatives, enums and constants', () => {
    const s = { type: 'object', properties: { n: { anyOf: [{ type: 'string' }, { type: 'number' }] }, mode: { enum: ['a', 'b'] }, v: { const: 1 } } };
    const r = validateArgs(s, { n: true, mode: 'c', v: 2 });
    expect(r).toEqual({
      ok: false,
      errors: [
        '$.n: matches none of the alternatives (expected string, found boolean; expected number, found boolean)',
        '$.mode: expected one of ["a","b"]',
        '$.v: expected 1',
      ],
    });
  });

  it('reports an invalid schema as a schema problem instead of throwing', () => {
    expect(validateArgs({ type: 'object', properties: { to: { type: 'strng' } } }, { to: 'x' })).toEqual({
      ok: false,
      errors: ['invalid argument schema: $.properties.to.type: "strng" is not a JSON Schema type'],
    });
    expect(validateArgs({ required: 'to', pattern: '(' }, {})).toEqual({
      ok: false,
      errors: ['invalid argument schema: $.required: expected an array of property names', 'invalid argument schema: $.pattern: "(" is not a valid regular expression'],
    });
    expect(validateArgs('a string', {})).toEqual({ ok: false, errors: ['invalid argument schema: expected an object, found string'] });
    const r = validateArgs({ $ref: '#/$defs/missing' }, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/^cannot validate: Unresolved \$ref/);
  });

  it('handles boolean schemas and leaves the schema object untouched', () => {
    expect(validateArgs(true, { anything: 1 })).toEqual({ ok: true });
    expect(validateArgs(false, {})).toEqual({ ok: false, errors: ['$: the schema is false: no arguments are accepted'] });
    const frozen = Object.freeze({ type: 'object', properties: Object.freeze({ q: Object.freeze({ type: 'string' }) }) });
    expect(validateArgs(frozen, { q: 'x' })).toEqual({ ok: true });
    expect(Object.getOwnPropertyNames(frozen)).toEqual(['type', 'properties']);
  });

  it('validates the built-in memory calls', () => {
    expect(validateArgs(BUILTIN_ARG_SCHEMAS.archival_insert, { store: 'notes', text: 'x' })).toEqual({ ok: true });
    expect(validateArgs(BUILTIN_ARG_SCHEMAS.core_memory_replace, { label: 'persona' })).toEqual({ ok: false, errors: ['$: missing required property "text"'] });
    expect(validateArgs(BUILTIN_ARG_SCHEMAS.conversation_search, { query: 'x', k: 3 })).toEqual({ ok: false, errors: ['$: unexpected property "k"'] });
    expect(Object.keys(BUILTIN_ARG_SCHEMAS).sort()).toEqual(['archival_insert', 'archival_search', 'conversation_search', 'core_memory_append', 'core_memory_replace', 'proc']);
    expect(Object.isFrozen(BUILTIN_ARG_SCHEMAS.archival_search)).toBe(true);
  });
});

describe('placeholders', () => {
  it('shows the planner a placeholder per variable', () => {
    expect(placeholders({ EMAIL: 'bob@example.com', doc: 'long text' })).toEqual({ EMAIL: '$EMAIL', doc: '$doc' });
  });

  it('binds known placeholders in every string, longest name first, and leaves the rest alone', () => {
    const vars = { ADDR: 'bob@example.com', ADDR_CC: 'carol@example.com', BODY: 'costs $5 and $ADDR' };
    const spec = { to: '$ADDR', cc: ['$ADDR_CC', '$ADDRESS'], body: 'Dear $ADDR: $BODY ($unknown)', n: 3, nested: { x: '$$ADDR' } };
    expect(bindPlaceholders(spec, vars)).toEqual({
      to: 'bob@example.com',
      cc: ['carol@example.com', '$ADDRESS'],
      // A bound value is never scanned again: its own "$ADDR" stays text.
      body: 'Dear bob@example.com: costs $5 and $ADDR ($unknown)',
      n: 3,
      nested: { x: '$bob@example.com' },
    });
    expect(spec.to).toBe('$ADDR');
  });

  it('treats names literally and values as text', () => {
    expect(bindPlaceholders('$a.b and $a', { 'a.b': '$&', a: 'x' })).toBe('$& and x');
    expect(bindPlaceholders({ k: '$X' }, {})).toEqual({ k: '$X' });
  });
});

describe('execOnlyModule', () => {
  const schemas: Record<string, unknown> = { send_mail: mail, ...BUILTIN_ARG_SCHEMAS };
  const mod = execOnlyModule((agent) => agent === 'planner', (tool) => schemas[tool]);

  it('is a frozen tool.call module', () => {
    expect(mod.name).toBe('execute-only');
    expect(mod.hooks).toEqual(['tool.call']);
    expect(Object.isFrozen(mod)).toBe(true);
  });

  it('lets a valid typed call through and has no opinion on other agents', () => {
    expect(mod.check(request('planner', 'send_mail', { to: 'bob', body: 'hi' }))).toBeNull();
    expect(mod.check(request('writer', 'send_mail', { to: 1 }))).toBeNull();
    expect(mod.check(request('writer', 'browse', { url: 'x' }))).toBeNull();
  });

  it('denies a call whose arguments do not validate, listing why', () => {
    expect(mod.check(request('planner', 'send_mail', { to: 1, body: 'hi' }))).toEqual({
      effect: 'deny', module: 'execute-only', rule: 'execute-only', scope: 'agent', code: 'schema',
      reason: 'the arguments of send_mail do not match its schema: $.to: expected string, found number',
    });
  });

  it('denies a tool without an argument schema', () => {
    const d = mod.check(request('planner', 'browse', { url: 'x' }));
    expect(d).toMatchObject({ effect: 'deny', rule: 'execute-only', scope: 'agent', code: 'no-schema' });
    expect(d?.reason).toMatch(/^execute-only agents may only call tools with an argument schema/);
  });
});
