/**
 * Execute-only agents (XOA, REFERENCES §3.3): the planner emits typed operation specs, the
 * kernel runs only the specs whose arguments validate against the tool's JSON Schema, and the
 * planner never sees a tool result. Variables reach it as `$NAME` placeholders the kernel binds,
 * so data never flows through the model. This file holds the argument check, the built-in
 * argument schemas, placeholder binding and the `execute-only` policy module.
 */
import { putOwn } from '../ids';
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import type { ModuleAnswer, OpRequest, PolicyModule } from './types';

/** A schema compiled once: its validator, or why the schema itself is not a valid JSON Schema. */
type Compiled = { validator: Validator } | { invalid: string[] };

const compiled = new WeakMap<object, Compiled>();

/**
 * Checks `args` against a tool's argument schema (JSON Schema draft 2020-12). Errors say where
 * and what (`$.to: expected string, found number`); a malformed schema is reported, not thrown.
 */
export function validateArgs(schema: unknown, args: unknown): { ok: true } | { ok: false; errors: string[] } {
  if (schema === true) return { ok: true };
  if (schema === false) return { ok: false, errors: ['$: the schema is false: no arguments are accepted'] };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { ok: false, errors: [`invalid argument schema: expected an object, found ${kindOf(schema)}`] };
  }
  let c = compiled.get(schema);
  if (!c) {
    c = compile(schema as Record<string, unknown>);
    compiled.set(schema, c);
  }
  if ('invalid' in c) return { ok: false, errors: c.invalid.map((m) => `invalid argument schema: ${m}`) };
  let units: OutputUnit[];
  try {
    const result = c.validator.validate(args);
    if (result.valid) return { ok: true };
    units = result.errors;
  } catch (err) {
    // An unresolvable $ref surfaces only while validating; undefined or function values in args do too.
    return { ok: false, errors: [`cannot validate: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`] };
  }
  const errors = describe(units, args);
  return { ok: false, errors: errors.length > 0 ? errors : ['$: does not match the argument schema'] };
}

/**
 * The validator is built from a JSON copy: @cfworker/json-schema defines hidden properties on
 * the schema objects it dereferences, and the document's objects may be frozen or shared.
 */
function compile(schema: Record<string, unknown>): Compiled {
  const problems: string[] = [];
  checkSchema(schema, '$', problems);
  if (problems.length > 0) return { invalid: problems };
  try {
    return { validator: new Validator(jsonCopy(schema) as Schema, '2020-12', false) };
  } catch (err) {
    return { invalid: [err instanceof Error ? err.message.split('\n')[0]! : String(err)] };
  }
}

function jsonCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(jsonCopy);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) putOwn(out, k, jsonCopy(x));
    return out;
  }
  return v;
}

const TYPE_NAMES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
const SUBSCHEMA = ['not', 'if', 'then', 'else', 'items', 'additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'propertyNames', 'contains'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions'];
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];

/**
 * A structural check of the keywords the validator reads, so a typo in a document (`"type":
 * "strng"`, `"required": "to"`, a bad regex) is reported as a schema problem, not as a failed call.
 */
function checkSchema(s: unknown, at: string, out: string[]): void {
  if (typeof s === 'boolean') return;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    out.push(`${at}: a schema must be an object or a boolean, found ${kindOf(s)}`);
    return;
  }
  const o = s as Record<string, unknown>;
  if ('type' in o) {
    const types = Array.isArray(o.type) ? o.type : [o.type];
    for (const t of types) if (typeof t !== 'string' || !TYPE_NAMES.has(t)) out.push(`${at}.type: ${JSON.stringify(t)} is not a JSON Schema type`);
  }
  if ('required' in o && !(Array.isArray(o.required) && o.required.every((x) => typeof x === 'string'))) {
    out.push(`${at}.required: expected an array of property names`);
  }
  if ('enum' in o && !Array.isArray(o.enum)) out.push(`${at}.enum: expected an array`);
  for (const k of ['pattern', 'format', '$ref']) {
    if (k in o && typeof o[k] !== 'string') out.push(`${at}.${k}: expected a string, found ${kindOf(o[k])}`);
  }
  if (typeof o.pattern === 'string') checkRegex(o.pattern, `${at}.pattern`, out);
  for (const k of COUNTS) if (k in o && !(Number.isInteger(o[k]) && (o[k] as number) >= 0)) out.push(`${at}.${k}: expected a non-negative integer`);
  for (const k of NUMBERS) if (k in o && typeof o[k] !== 'number') out.push(`${at}.${k}: expected a number, found ${kindOf(o[k])}`);
  if ('multipleOf' in o && !(typeof o.multipleOf === 'number' && o.multipleOf > 0)) out.push(`${at}.multipleOf: expected a number above 0`);
  for (const k of SUBSCHEMA) if (k in o) checkSchema(o[k], `${at}.${k}`, out);
  for (const k of SUBSCHEMA_LISTS) {
    if (!(k in o)) continue;
    const list = o[k];
    if (!Array.isArray(list) || list.length === 0) out.push(`${at}.${k}: expected a non-empty array of schemas`);
    else list.forEach((x, i) => checkSchema(x, `${at}.${k}[${i}]`, out));
  }
  for (const k of SUBSCHEMA_MAPS) {
    if (!(k in o)) continue;
    const map = o[k];
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      out.push(`${at}.${k}: expected an object of schemas`);
      continue;
    }
    for (const [name, x] of Object.entries(map)) {
      if (k === 'patternProperties') checkRegex(name, `${at}.${k}[${JSON.stringify(name)}]`, out);
      checkSchema(x, `${at}.${k}${pathKey(name)}`, out);
    }
  }
}

function checkRegex(source: string, at: string, out: string[]): void {
  try {
    new RegExp(source, 'u');
  } catch {
    out.push(`${at}: ${JSON.stringify(source)} is not a valid regular expression`);
  }
}

/** Validator output units that only say "a subschema had errors": the inner unit says what. */
const WRAPPERS = new Set(['properties', 'patternProperties', 'items', 'prefixItems', 'additionalItems', 'unevaluatedItems', 'allOf', '$ref', '$recursiveRef', 'then', 'else', 'dependentSchemas']);

/** Turns the validator's output units into `where: what` lines, one per distinct problem. */
function describe(units: readonly OutputUnit[], args: unknown): string[] {
  const lines: string[] = [];
  const skip = new Set<number>();
  units.forEach((u, i) => {
    if (skip.has(i) || WRAPPERS.has(u.keyword)) return;
    const where = instancePath(u.instanceLocation, args);
    if (u.keyword === 'additionalProperties' || u.keyword === 'unevaluatedProperties') {
      const name = /^Property "(.*)" does not match/.exec(u.error)?.[1];
      // With `false` the next unit is the bare "False boolean schema" for that property: fold it in.
      const next = units[i + 1];
      if (name !== undefined && next?.keyword === 'false') {
        skip.add(i + 1);
        lines.push(`${where}: unexpected property ${JSON.stringify(name)}`);
      }
      return;
    }
    if (u.keyword === 'anyOf' || u.keyword === 'oneOf') {
      // The alternatives' own failures follow this unit; summarise them on one line.
      const inner: string[] = [];
      for (let j = i + 1; j < units.length && units[j]!.keywordLocation.startsWith(`${u.keywordLocation}/`); j++) {
        skip.add(j);
        if (!WRAPPERS.has(units[j]!.keyword)) inner.push(message(units[j]!));
      }
      const many = /\((\d+) matches\)/.exec(u.error)?.[1];
      const head = many !== undefined && many !== '0' ? `matches ${many} alternatives, exactly one is allowed` : 'matches none of the alternatives';
      lines.push(`${where}: ${head}${inner.length > 0 ? ` (${[...new Set(inner)].join('; ')})` : ''}`);
      return;
    }
    lines.push(`${where}: ${message(u)}`);
  });
  return [...new Set(lines)];
}

/** One unit's problem in words, without its location. */
function message(u: OutputUnit): string {
  const e = u.error;
  let m: RegExpExecArray | null;
  if ((m = /^Instance type "(.+)" is invalid\. Expected (.+)\.$/.exec(e))) {
    const expected = m[2]!.split(', ').map((x) => x.replace(/^"|"$/g, '')).join(' or ');
    return `expected ${expected}, found ${m[1]}`;
  }
  if ((m = /^Instance does not have required property "(.*)"\.$/.exec(e))) return `missing required property "${m[1]}"`;
  if ((m = /^Instance does not match any of (.*)\.$/.exec(e))) return `expected one of ${m[1]}`;
  if ((m = /^Instance does not match (.*)\.$/.exec(e))) return `expected ${m[1]}`;
  if (u.keyword === 'false') return 'not allowed here';
  if (u.keyword === 'not') return 'matches a schema it must not match';
  if (u.keyword === 'pattern') return 'does not match the pattern';
  if ((m = /^String does not match format "(.*)"\.$/.exec(e))) return `not a valid ${m[1]}`;
  return e.replace(/\.$/, '').replace(/^Instance /, '').replace(/^./, (c) => c.toLowerCase());
}

/** `#/to/0` (a URI-encoded JSON Pointer) as `$.to[0]`, walking the instance to tell indexes from keys. */
function instancePath(location: string, instance: unknown): string {
  let path = '$';
  let at: unknown = instance;
  for (const raw of location.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = safeDecode(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      path += `[${key}]`;
      at = at[Number(key)];
    } else {
      path += pathKey(key);
      at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function pathKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

function strings(...names: string[]): object {
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])),
    required: names,
    additionalProperties: false,
  };
}

/**
 * Argument schemas of the built-in memory system calls (tools/toolClass.ts BUILTIN_TOOLS), so
 * execute-only agents can use them: every argument a required string, nothing else accepted.
 */
export const BUILTIN_ARG_SCHEMAS: Readonly<Record<string, object>> = deepFreeze({
  archival_search: strings('store', 'query'),
  archival_insert: strings('store', 'text'),
  conversation_search: strings('query'),
  core_memory_append: strings('label', 'text'),
  core_memory_replace: strings('label', 'text'),
  // A /proc read: whose state (omitted: the caller's own).
  proc: { type: 'object', properties: { agent: { type: 'string' } }, additionalProperties: false },
});

/** What an execute-only planner sees instead of each variable's value: NAME → `$NAME`. */
export function placeholders(vars: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(vars)) putOwn(out, name, `$${name}`);
  return out;
}

/**
 * The executor's half of XOA: replaces each `$NAME` token (NAME a key of `vars`, not followed by
 * a letter, digit or `_`) in every string of `value` with the variable's value, longest name
 * first, in one pass. Bound text is never scanned again and nothing is evaluated; an unknown
 * `$x` stays as written. Object keys are left alone; the input is not modified.
 */
export function bindPlaceholders(value: unknown, vars: Readonly<Record<string, string>>): unknown {
  const names = Object.keys(vars).filter((n) => n !== '').sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (names.length === 0) return value;
  const token = new RegExp(`\\$(${names.map(escapeRegex).join('|')})(?![A-Za-z0-9_])`, 'g');
  const bind = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('$') ? v.replace(token, (_m, name: string) => vars[name]!) : v;
    if (Array.isArray(v)) return v.map(bind);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) putOwn(out, k, bind(x));
      return out;
    }
    return v;
  };
  return bind(value);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The `execute-only` policy module (hook `tool.call`): an execute-only agent may run a call only
 * when the tool has an argument schema and the call's arguments validate against it. The kernel
 * passes the arguments as bound, which is what would run. Other agents are not its business.
 */
export function execOnlyModule(isExecuteOnly: (agent: string) => boolean, schemaOf: (tool: string) => unknown | undefined): PolicyModule {
  return Object.freeze({
    name: 'execute-only',
    hooks: Object.freeze(['tool.call'] as const),
    check(req: OpRequest): ModuleAnswer {
      if (!isExecuteOnly(req.agent)) return null;
      const schema = schemaOf(req.tool);
      if (schema === undefined) {
        return { effect: 'deny', module: 'execute-only', rule: 'execute-only', scope: 'agent', code: 'no-schema', reason: `execute-only agents may only call tools with an argument schema; ${req.tool} has none` };
      }
      const result = validateArgs(schema, req.args);
      if (result.ok) return null;
      return { effect: 'deny', module: 'execute-only', rule: 'execute-only', scope: 'agent', code: 'schema', reason: `the arguments of ${req.tool} do not match its schema: ${result.errors.join('; ')}` };
    },
  });
}
