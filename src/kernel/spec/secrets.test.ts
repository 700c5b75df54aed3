import { describe, expect, it } from 'vitest';
import { REDACTED, documentSecrets, redactValue, redactWindow } from './secrets';

const KEY = 'sk-test-PLANTED-123';

describe('redactValue', () => {
  it('redacts every string, keys and JSON-escaped forms included, and shares what it did not change', () => {
    const clean = { a: [1, 'two'], b: null };
    const value = { clean, text: `key ${KEY}`, list: ['x', KEY], [KEY]: 1, json: JSON.stringify({ k: `"${KEY}"` }), map: new Map([['k', KEY]]) };
    const out = redactValue(value, [KEY]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.text).toBe(`key ${REDACTED}`);
    expect(out.list).toEqual(['x', REDACTED]);
    expect((out as Record<string, unknown>)[REDACTED]).toBe(1);
    expect(out.map.get('k')).toBe(REDACTED);
    expect(out.clean).toBe(clean);
    expect(value.text).toBe(`key ${KEY}`);
    expect(redactValue(clean, [KEY])).toBe(clean);
  });

  it('copies a __proto__ key as data, never as a prototype', () => {
    const value = JSON.parse(`{"__proto__": {"polluted": "${KEY}"}, "x": "${KEY}"}`) as Record<string, unknown>;
    const out = redactValue(value, [KEY]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ polluted: REDACTED });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('documentSecrets', () => {
  it('reads the fields marked secret from raw JSON, valid or not, longest first', () => {
    const doc = {
      tools: [{ secret: true, impl: { kind: 'sim', result: `Bearer ${KEY} for {{args.user}}` } }, { impl: { result: 'not secret at all' } }],
      stores: [{ documents: [{ text: 'short', secret: true }, { text: 'door code 123456', secret: true }] }],
      agents: [{ memory: { coreBlocks: [{ value: 42, secret: true }] } }],
    };
    expect(documentSecrets(doc)).toEqual([`Bearer ${KEY} for`, 'door code 123456']);
    expect(documentSecrets('not a document')).toEqual([]);
  });
});

describe('redactWindow', () => {
  it('redacts a secret still streaming in at the end of a window and one cut at its start, from 4 characters', () => {
    expect(redactWindow('the key is sk-te', [KEY])).toBe(`the key is ${REDACTED}`);
    expect(redactWindow('ANTED-123 was the key', [KEY])).toBe(`${REDACTED} was the key`);
    expect(redactWindow(`whole ${KEY} here`, [KEY])).toBe(`whole ${REDACTED} here`);
    expect(redactWindow('ends in sk-', [KEY])).toBe('ends in sk-');
  });
});
