import { describe, expect, it } from 'vitest';
import { gbnfLiteral, schemaToGbnf } from './grammar';

describe('schemaToGbnf', () => {
  it('writes required properties in order, then optional ones, with lengths, enums and constants', () => {
    const g = schemaToGbnf({
      type: 'object',
      properties: { mode: { enum: ['a', 'b'] }, city: { type: 'string', maxLength: 8 }, n: { type: 'integer' }, kind: { const: 'x"y' } },
      required: ['city', 'kind'],
    });
    expect(g.split('\n')[0]).toBe('root ::= r4');
    expect(g).toContain('r1 ::= "\\"" char{0,8} "\\"" space');
    expect(g).toContain('r2 ::= "\\"x\\\\\\"y\\"" space');
    expect(g).toContain('r3 ::= "\\"a\\"" space | "\\"b\\"" space');
    expect(g).toContain('r4 ::= "{" space "\\"city\\"" space ":" space r1 "," space "\\"kind\\"" space ":" space r2 ("," space "\\"mode\\"" space ":" space r3)? ("," space "\\"n\\"" space ":" space integer)? "}" space');
    expect(g).toContain('integer ::=');
    expect(g).not.toContain('boolean ::=');
  });
  it('handles arrays with bounds, anyOf, type lists and recursive $refs', () => {
    const g = schemaToGbnf({
      $defs: { node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
      anyOf: [{ $ref: '#/$defs/node' }, { type: ['null', 'boolean'] }, { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 }],
    });
    expect(g).toContain('"[" space number ("," space number){0,2} "]" space');
    expect(g).toContain('r3 ::= "{" space ("\\"kids\\"" space ":" space r2)? "}" space');
    expect(g).toContain('r6 ::= r1 | r4 | r5');
    expect(g).toContain('r2 ::= "[" space (r1 ("," space r1){0,})? "]" space');
  });
  it('says what is wrong with a schema it cannot follow', () => {
    expect(() => schemaToGbnf({ $ref: '#/components/x' })).toThrow(/does not point into its #\/\$defs/);
    expect(() => schemaToGbnf({ type: 'thing' })).toThrow(/not a JSON Schema type/);
    expect(() => schemaToGbnf(false)).toThrow(/accepts nothing/);
  });
  it('escapes literals for GBNF', () => {
    expect(gbnfLiteral('a"b\\c\nd\u0001')).toBe('"a\\"b\\\\c\\nd\\x01"');
  });
});
