/**
 * JSON Schema → GBNF (llama.cpp's grammar format), for the subset function schemas use. The
 * engine's own converter throws inside wllama 3.8.1's WebAssembly build ("Failed to initialize
 * samplers: std::exception" for any `response_format: json_schema`), while a GBNF `grammar`
 * works; so the provider writes the grammar itself.
 *
 * Covered: type (and type lists), properties / required (required ones always, in declared
 * order, optional ones after them), additionalProperties (extra keys are never generated),
 * items, minItems / maxItems, minLength / maxLength, enum, const, anyOf / oneOf, allOf of one
 * schema, $ref into #/$defs or #/definitions (recursion allowed). Other keywords (pattern,
 * format, minimum, …) are not enforced: the output is still valid JSON of the right shape, and
 * the kernel's schema check has the last word.
 */

type Schema = Record<string, unknown> | boolean;

const SPACE = 'space ::= | " "';
const PRIMITIVES: Record<string, string> = {
  char: 'char ::= [^"\\\\\\x7F\\x00-\\x1F] | [\\\\] (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
  string: 'string ::= "\\"" char* "\\"" space',
  number: 'number ::= "-"? ([0-9] | [1-9] [0-9]{1,15}) ("." [0-9]{1,16})? ([eE] [-+]? [0-9]{1,3})? space',
  integer: 'integer ::= "-"? ([0-9] | [1-9] [0-9]{1,15}) space',
  boolean: 'boolean ::= ("true" | "false") space',
  null: 'null ::= "null" space',
  value: 'value ::= object | array | string | number | boolean | null',
  object: 'object ::= "{" space (string ":" space value ("," space string ":" space value)*)? "}" space',
  array: 'array ::= "[" space (value ("," space value)*)? "]" space',
};
const NEEDS: Record<string, string[]> = {
  string: ['char'],
  value: ['object', 'array', 'string', 'number', 'boolean', 'null'],
  object: ['string', 'value'],
  array: ['value'],
};

/** A GBNF literal for `text` (escaping quotes, backslashes and control characters). */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The GBNF grammar (root rule `root`) whose sentences are JSON documents matching `schema`. */
export function schemaToGbnf(schema: Schema): string {
  const rules = new Map<string, string>();
  const used = new Set<string>();
  const refs = new Map<string, string>();
  let counter = 0;
  const prim = (name: string): string => {
    const add = (n: string) => {
      if (used.has(n)) return;
      used.add(n);
      for (const dep of NEEDS[n] ?? []) add(dep);
    };
    add(name);
    return name;
  };
  const fresh = (body: string): string => {
    const name = `r${++counter}`;
    rules.set(name, body);
    return name;
  };
  const resolveRef = (ref: string): Schema => {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    const defs = m && typeof schema === 'object' ? (schema[m[1]!] as Record<string, Schema> | undefined) : undefined;
    const target = m && defs ? defs[decodeURIComponent(m[2]!).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (target === undefined) throw new Error(`the schema's $ref ${JSON.stringify(ref)} does not point into its #/$defs or #/definitions`);
    return target;
  };
  const literal = (value: unknown) => `${gbnfLiteral(JSON.stringify(value))} space`;
  const repeat = (item: string, min: number, max: number | null): string => {
    // Items separated by commas: exactly between min and max of them.
    if (max === 0) return '';
    const tail = `("," space ${item})`;
    const rest = max === null ? `${tail}{${Math.max(0, min - 1)},}` : `${tail}{${Math.max(0, min - 1)},${max - 1}}`;
    const seq = `${item} ${rest}`;
    return min > 0 ? seq : `(${seq})?`;
  };

  const visit = (s: Schema): string => {
    if (s === true || (typeof s === 'object' && Object.keys(s).length === 0)) return prim('value');
    if (s === false) throw new Error('a schema of `false` accepts nothing, so no output can match it');
    if (typeof s.$ref === 'string') {
      const ref = s.$ref;
      let name = refs.get(ref);
      if (!name) {
        name = `r${++counter}`;
        refs.set(ref, name);
        rules.set(name, visit(resolveRef(ref)));
      }
      return name;
    }
    if ('const' in s) return fresh(literal(s.const));
    if (Array.isArray(s.enum)) return fresh(s.enum.map(literal).join(' | '));
    const alts = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null) as Schema[] | null;
    if (alts) return fresh(alts.map(visit).join(' | '));
    if (Array.isArray(s.allOf) && s.allOf.length === 1) return visit(s.allOf[0] as Schema);
    const type = s.type;
    if (Array.isArray(type)) return fresh(type.map((t) => visit({ ...s, type: t })).join(' | '));
    switch (type) {
      case 'string': {
        const min = typeof s.minLength === 'number' ? s.minLength : 0;
        const max = typeof s.maxLength === 'number' ? s.maxLength : null;
        if (min === 0 && max === null) return prim('string');
        prim('char');
        return fresh(`"\\"" char{${min},${max ?? ''}} "\\"" space`);
      }
      case 'number':
      case 'integer':
      case 'boolean':
      case 'null':
        return prim(type);
      case 'array': {
        const item = s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? visit(s.items as Schema) : prim('value');
        const min = typeof s.minItems === 'number' ? s.minItems : 0;
        const max = typeof s.maxItems === 'number' ? s.maxItems : null;
        return fresh(`"[" space ${repeat(item, min, max)} "]" space`);
      }
      case 'object':
      case undefined: {
        const props = (s.properties && typeof s.properties === 'object' ? s.properties : null) as Record<string, Schema> | null;
        if (!props || Object.keys(props).length === 0) return type === 'object' ? prim('object') : prim('value');
        const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
        const names = Object.keys(props);
        const kv = (k: string) => `${gbnfLiteral(JSON.stringify(k))} space ":" space ${visit(props[k]!)}`;
        const req = names.filter((k) => required.has(k)).map(kv);
        const opt = names.filter((k) => !required.has(k)).map(kv);
        let body: string;
        if (req.length > 0) body = [req.join(' "," space '), ...opt.map((o) => `("," space ${o})?`)].join(' ');
        else body = `(${[opt[0]!, ...opt.slice(1).map((o) => `("," space ${o})?`)].join(' ')})?`;
        return fresh(`"{" space ${body} "}" space`);
      }
      default:
        throw new Error(`the schema type ${JSON.stringify(type)} is not a JSON Schema type`);
    }
  };

  const root = visit(schema);
  const lines = [`root ::= ${root}`, ...[...rules].map(([n, b]) => `${n} ::= ${b}`), SPACE, ...[...used].map((n) => PRIMITIVES[n]!)];
  return `${lines.join('\n')}\n`;
}
