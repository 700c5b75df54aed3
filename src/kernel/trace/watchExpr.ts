/**
 * The debugger's expression language: conditions of breakpoints (`event.agent == "writer" &&
 * event.tokens > 500`), the `{…}` holes of logpoints and watch expressions over the state at
 * the cursor. A small recursive-descent parser and a tree walker: no `eval`, no `Function`, no
 * prototype access (only own properties of plain data, `length` of strings and arrays, and a
 * fixed table of functions), so a saved expression can only read the value it is given.
 *
 * Grammar (lowest precedence first): `||`, `&&`, `== !=`, `< <= > >=`, `+ -`, `* / %`, unary
 * `! -`, then member access `a.b`, `a["b"]`, `a[0]` and calls `len(x)`. Literals: numbers,
 * strings in single or double quotes, `true`, `false`, `null`. Errors say where (a 1-based
 * column) and what.
 */

/** An error in an expression: `at` is the 0-based offset of the offending text. */
export interface ExprError {
  at: number;
  message: string;
}

type Node =
  | { kind: 'lit'; at: number; value: unknown }
  | { kind: 'name'; at: number; name: string }
  | { kind: 'member'; at: number; object: Node; key: Node | string }
  | { kind: 'call'; at: number; fn: string; args: Node[] }
  | { kind: 'unary'; at: number; op: '!' | '-'; arg: Node }
  | { kind: 'binary'; at: number; op: string; left: Node; right: Node };

/** A parsed expression, ready to evaluate many times. */
export interface Expr {
  readonly source: string;
  readonly root: Node;
}

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: ExprError };
export type EvalResult = { ok: true; value: unknown } | { ok: false; error: ExprError };

/** Names that would reach an object's prototype: never readable. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

const num = (v: unknown): v is number => typeof v === 'number';

/** The functions an expression may call, each pure over plain values. */
const FUNCTIONS: Readonly<Record<string, { arity: [number, number]; fn: (...a: unknown[]) => unknown }>> = Object.freeze({
  len: { arity: [1, 1], fn: (x) => (typeof x === 'string' || Array.isArray(x) ? x.length : x !== null && typeof x === 'object' ? Object.keys(x).length : undefined) },
  keys: { arity: [1, 1], fn: (x) => (x !== null && typeof x === 'object' ? Object.keys(x) : []) },
  includes: { arity: [2, 2], fn: (x, y) => (typeof x === 'string' ? typeof y === 'string' && x.includes(y) : Array.isArray(x) ? x.includes(y) : false) },
  startsWith: { arity: [2, 2], fn: (x, y) => typeof x === 'string' && typeof y === 'string' && x.startsWith(y) },
  lower: { arity: [1, 1], fn: (x) => (typeof x === 'string' ? x.toLowerCase() : x) },
  upper: { arity: [1, 1], fn: (x) => (typeof x === 'string' ? x.toUpperCase() : x) },
  abs: { arity: [1, 1], fn: (x) => (num(x) ? Math.abs(x) : undefined) },
  round: { arity: [1, 2], fn: (x, d) => (num(x) ? (num(d) ? Math.round(x * 10 ** d) / 10 ** d : Math.round(x)) : undefined) },
  min: { arity: [1, 8], fn: (...xs) => (xs.every(num) ? Math.min(...xs) : undefined) },
  max: { arity: [1, 8], fn: (...xs) => (xs.every(num) ? Math.max(...xs) : undefined) },
});

/** The functions expressions may call (for help text). */
export const EXPR_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

type Token = { kind: 'num' | 'str' | 'id' | 'op' | 'end'; text: string; value?: unknown; at: number };

const OPS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '.', '[', ']', '(', ')', ','];

class Fail extends Error {
  constructor(readonly at: number, message: string) {
    super(message);
  }
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? '')) throw new Fail(i, `unexpected "${src[i]}" after the number ${m[0]}`);
      out.push({ kind: 'num', text: m[0], value: Number(m[0]), at });
      continue;
    }
    if (c === '"' || c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Fail(at, `the string starting here is not closed (add ${c})`);
        const d = src[i]!;
        if (d === c) break;
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined) throw new Fail(i, 'a backslash ends the expression');
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      i++;
      out.push({ kind: 'str', text: src.slice(at, i), value: s, at });
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'id', text: m[0], at });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op === undefined) {
      const hint = c === '=' ? ' (compare with ==)' : c === '&' ? ' (and is &&)' : c === '|' ? ' (or is ||)' : '';
      throw new Fail(i, `unexpected "${c}"${hint}`);
    }
    i += op.length;
    out.push({ kind: 'op', text: op, at });
  }
  out.push({ kind: 'end', text: '', at: src.length });
  return out;
}

const LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private get tok(): Token {
    return this.toks[this.i]!;
  }
  private isOp(text: string): boolean {
    return this.tok.kind === 'op' && this.tok.text === text;
  }
  private describe(t: Token): string {
    return t.kind === 'end' ? 'the end' : `"${t.text}"`;
  }
  private expect(text: string, what: string): Token {
    if (!this.isOp(text)) throw new Fail(this.tok.at, `expected "${text}" ${what}, found ${this.describe(this.tok)}`);
    return this.toks[this.i++]!;
  }

  parse(): Node {
    if (this.tok.kind === 'end') throw new Fail(0, 'the expression is empty');
    const n = this.binary(0);
    // (`tok` is a getter: read it afresh, the parse moved on.)
    if ((this.tok as Token).kind !== 'end') throw new Fail(this.tok.at, `unexpected ${this.describe(this.tok)} after a complete expression`);
    return n;
  }

  private binary(level: number): Node {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (this.tok.kind === 'op' && LEVELS[level]!.includes(this.tok.text)) {
      const op = this.toks[this.i++]!;
      const right = this.binary(level + 1);
      left = { kind: 'binary', at: op.at, op: op.text, left, right };
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('!') || this.isOp('-')) {
      const op = this.toks[this.i++]!;
      return { kind: 'unary', at: op.at, op: op.text as '!' | '-', arg: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let n = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.toks[this.i++]!;
        const name = this.tok;
        if (name.kind !== 'id') throw new Fail(name.at, `expected a field name after ".", found ${this.describe(name)}`);
        if (FORBIDDEN.has(name.text)) throw new Fail(name.at, `"${name.text}" cannot be read`);
        this.i++;
        n = { kind: 'member', at: dot.at, object: n, key: name.text };
      } else if (this.isOp('[')) {
        const open = this.toks[this.i++]!;
        const key = this.binary(0);
        this.expect(']', `to close the "[" at column ${open.at + 1}`);
        if (key.kind === 'lit' && typeof key.value === 'string' && FORBIDDEN.has(key.value)) throw new Fail(key.at, `"${key.value}" cannot be read`);
        n = { kind: 'member', at: open.at, object: n, key };
      } else return n;
    }
  }

  private primary(): Node {
    const t = this.tok;
    if (t.kind === 'num' || t.kind === 'str') {
      this.i++;
      return { kind: 'lit', at: t.at, value: t.value };
    }
    if (t.kind === 'id') {
      this.i++;
      if (t.text === 'true' || t.text === 'false') return { kind: 'lit', at: t.at, value: t.text === 'true' };
      if (t.text === 'null') return { kind: 'lit', at: t.at, value: null };
      if (this.isOp('(')) {
        const f = FUNCTIONS[t.text];
        if (!f || !Object.hasOwn(FUNCTIONS, t.text)) throw new Fail(t.at, `unknown function "${t.text}" (known: ${EXPR_FUNCTIONS.join(', ')})`);
        const open = this.toks[this.i++]!;
        const args: Node[] = [];
        if (!this.isOp(')')) {
          args.push(this.binary(0));
          while (this.isOp(',')) {
            this.i++;
            args.push(this.binary(0));
          }
        }
        this.expect(')', `to close the "(" at column ${open.at + 1}`);
        const [lo, hi] = f.arity;
        if (args.length < lo || args.length > hi) throw new Fail(t.at, `${t.text}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${args.length}`);
        return { kind: 'call', at: t.at, fn: t.text, args };
      }
      if (FORBIDDEN.has(t.text)) throw new Fail(t.at, `"${t.text}" cannot be read`);
      return { kind: 'name', at: t.at, name: t.text };
    }
    if (this.isOp('(')) {
      const open = this.toks[this.i++]!;
      const n = this.binary(0);
      this.expect(')', `to close the "(" at column ${open.at + 1}`);
      return n;
    }
    throw new Fail(t.at, t.kind === 'end' ? 'the expression ends too early: a value is missing' : `expected a value, found ${this.describe(t)}`);
  }
}

/** Parses an expression; the error (if any) gives the offset and what was expected there. */
export function parseExpr(source: string, offset = 0): ParseResult {
  try {
    return { ok: true, expr: { source, root: new Parser(tokenize(source)).parse() } };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, error: { at: err.at + offset, message: err.message } };
    throw err;
  }
}

/** `at column 12: expected ")"…` — an error as one line for people. */
export function exprErrorText(e: ExprError): string {
  return `at column ${e.at + 1}: ${e.message}`;
}

/** How names at the top of an expression are read. */
export interface ExprScope {
  /** The values of the names. */
  names: Readonly<Record<string, unknown>>;
  /** True: an unknown name is an error (watch); false: it reads as undefined (a condition on events of many shapes). */
  strict?: boolean;
}

function read(object: unknown, key: unknown): unknown {
  if (object === null || object === undefined) return undefined;
  if (typeof key === 'number' && (Array.isArray(object) || typeof object === 'string')) return Number.isInteger(key) ? object[key] : undefined;
  if (typeof key !== 'string' || FORBIDDEN.has(key)) return undefined;
  if (key === 'length' && (Array.isArray(object) || typeof object === 'string')) return object.length;
  if (typeof object !== 'object') return undefined;
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : v === undefined ? 'undefined' : `a ${typeof v}`);

function evalNode(n: Node, scope: ExprScope): unknown {
  switch (n.kind) {
    case 'lit':
      return n.value;
    case 'name':
      if (Object.hasOwn(scope.names, n.name)) return scope.names[n.name];
      if (scope.strict) throw new Fail(n.at, `unknown name "${n.name}" (known: ${Object.keys(scope.names).join(', ')})`);
      return undefined;
    case 'member':
      return read(evalNode(n.object, scope), typeof n.key === 'string' ? n.key : evalNode(n.key, scope));
    case 'call':
      return FUNCTIONS[n.fn]!.fn(...n.args.map((a) => evalNode(a, scope)));
    case 'unary': {
      const v = evalNode(n.arg, scope);
      if (n.op === '!') return !v;
      if (!num(v)) throw new Fail(n.at, `"-" needs a number, got ${typeName(v)}`);
      return -v;
    }
    case 'binary': {
      if (n.op === '&&') return evalNode(n.left, scope) ? evalNode(n.right, scope) : false;
      if (n.op === '||') {
        const l = evalNode(n.left, scope);
        return l ? l : evalNode(n.right, scope);
      }
      const l = evalNode(n.left, scope);
      const r = evalNode(n.right, scope);
      switch (n.op) {
        case '==':
          return l === r || (l == null && r == null);
        case '!=':
          return !(l === r || (l == null && r == null));
        case '<': case '<=': case '>': case '>=':
          // Comparing a missing field is false, not an error: a condition reads events of many shapes.
          if (!((num(l) && num(r)) || (typeof l === 'string' && typeof r === 'string'))) return false;
          return n.op === '<' ? l < r : n.op === '<=' ? l <= r : n.op === '>' ? l > r : l >= r;
        case '+':
          if (num(l) && num(r)) return l + r;
          if (typeof l === 'string' || typeof r === 'string') return `${valueText(l)}${valueText(r)}`;
          throw new Fail(n.at, `"+" needs numbers or a string, got ${typeName(l)} and ${typeName(r)}`);
        default: {
          if (!num(l) || !num(r)) throw new Fail(n.at, `"${n.op}" needs numbers, got ${typeName(l)} and ${typeName(r)}`);
          return n.op === '-' ? l - r : n.op === '*' ? l * r : n.op === '/' ? l / r : l % r;
        }
      }
    }
  }
}

/** Evaluates a parsed expression over the scope; an error says where and what. */
export function evaluateExpr(expr: Expr, scope: ExprScope): EvalResult {
  try {
    return { ok: true, value: evalNode(expr.root, scope) };
  } catch (err) {
    if (err instanceof Fail) return { ok: false, error: { at: err.at, message: err.message } };
    throw err;
  }
}

/** A value as one line of text: strings as they are, anything else as JSON, cut at `max` characters. */
export function valueText(v: unknown, max = 200): string {
  const s = typeof v === 'string' ? v : v === undefined ? 'undefined' : typeof v === 'number' || typeof v === 'boolean' || v === null ? String(v) : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A logpoint's line: literal text and `{expression}` holes (`{{` and `}}` for braces). */
export interface LogFormat {
  readonly source: string;
  readonly parts: readonly (string | Expr)[];
}

export type FormatResult = { ok: true; format: LogFormat } | { ok: false; error: ExprError };

/** Parses `"{agent} spent {tokens}"`: errors are at their offset in the whole template. */
export function parseLogFormat(source: string): FormatResult {
  const parts: (string | Expr)[] = [];
  let lit = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      lit += c;
      i += 2;
      continue;
    }
    if (c === '}') return { ok: false, error: { at: i, message: 'a "}" without its "{" (write }} for a brace)' } };
    if (c !== '{') {
      lit += c;
      i++;
      continue;
    }
    const close = source.indexOf('}', i + 1);
    if (close < 0) return { ok: false, error: { at: i, message: 'the "{" here is not closed (write {{ for a brace)' } };
    const parsed = parseExpr(source.slice(i + 1, close), i + 1);
    if (!parsed.ok) return parsed;
    if (lit !== '') parts.push(lit);
    lit = '';
    parts.push(parsed.expr);
    i = close + 1;
  }
  if (lit !== '') parts.push(lit);
  return { ok: true, format: { source, parts } };
}

/** The line a logpoint prints: each hole's value as text, or `<error: …>` where it fails. */
export function formatLog(format: LogFormat, scope: ExprScope): string {
  return format.parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const r = evaluateExpr(p, scope);
      return r.ok ? valueText(r.value) : `<${r.error.message}>`;
    })
    .join('');
}
