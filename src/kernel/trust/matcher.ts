/**
 * Rule matchers in Claude Code's shape (REFERENCES §3.1): `Tool` matches every call of a tool,
 * `Tool(specifier)` the calls whose main argument the specifier's glob matches.
 *
 * Specifier globs:
 * - `**` matches any characters, `/` included;
 * - `*` matches any characters except `/`, with one exception: a `*` that ends a pattern not
 *   starting with `/` matches anything (`http.get(https://*.example.com/*)` matches
 *   `https://api.example.com/v1/users`, `Bash(npm run *)` matches `npm run test -- a/b`);
 *   in a path pattern (one starting with `/`) a trailing `*` is still one segment, so
 *   `fs.write(/workspace/*)` matches `/workspace/a.txt` but not `/workspace/a/b.txt`
 *   (write `fs.write(/workspace/**)` for the whole tree);
 * - `?` matches one character except `/`;
 * - `\` makes the next character literal (`\*`, `\?`, `\\`).
 * A specifier never matches a call whose main argument is null, except one that matches every
 * string (`*`, `**`). `domain:HOST` matches URLs by their parsed host instead (HOST and its
 * subdomains; `domain:*.HOST` only subdomains): use it for network rules, where a URL glob can
 * be fooled (`https://*.example.com/*` matches `https://evil.com?.example.com/x`). The tool part is a glob too, where `*` and `?` cross everything
 * (`*`, `mcp__*`, `fs.*`).
 *
 * Arguments come from agents, so matching must not let a crafted argument stall the kernel:
 * globs compile once (cached by pattern) to an exact test, a prefix test or a position-set
 * automaton that runs in O(argument × pattern), never to a backtracking RegExp, which takes
 * seconds on `*a*a*a*b` against a thousand `a`s.
 */

export interface Matcher {
  /** Glob over tool ids: `*` and `?` match any characters (`mcp__*`, `fs.*`). */
  tool: string;
  /** Glob over the call's main argument (see above), or null: every call of the tool. */
  spec: string | null;
}

export type MatcherParse = { ok: true; matcher: Matcher } | { ok: false; error: string };

/**
 * Parses `Tool` or `Tool(specifier)`, trimmed. The specifier runs from the first `(` to the
 * last `)`, which must end the rule, so specifiers may hold parentheses (`Bash(echo (a))`)
 * and keep their inner spaces. Errors name a 1-based column of `match` as given.
 */
export function parseMatcher(match: string): MatcherParse {
  const body = match.trim();
  const base = match.length - match.trimStart().length + 1;
  const fail = (index: number, what: string): MatcherParse => ({ ok: false, error: `column ${base + index}: ${what}` });
  if (body === '') return fail(0, 'empty rule; write Tool or Tool(specifier)');
  const open = body.indexOf('(');
  const tool = open < 0 ? body : body.slice(0, open);
  if (tool === '') return fail(0, 'empty tool name before "("');
  const space = tool.search(/\s/);
  if (space >= 0) return fail(space, `space in tool name "${tool}"`);
  const stray = tool.indexOf(')');
  if (stray >= 0) return fail(stray, '")" without "("');
  if (open < 0) return { ok: true, matcher: { tool, spec: null } };
  const close = body.lastIndexOf(')');
  if (close < open) return fail(body.length, `")" expected to close "(" at column ${base + open}`);
  if (close !== body.length - 1) return fail(close + 1, 'text after ")"');
  const spec = body.slice(open + 1, close);
  if (spec === '') return fail(open + 1, 'empty specifier; write the tool alone to match every call');
  if (countTrailing(spec, '\\') % 2 === 1) {
    return fail(close - 1, '"\\" escapes nothing; write "\\\\" for a backslash');
  }
  return { ok: true, matcher: { tool, spec } };
}

/** True when the rule covers a call of `tool` whose main argument is `arg` (see the glob rules above). */
export function matches(m: Matcher, tool: string, arg: string | null): boolean {
  if (!compiled(TOOL_GLOBS, m.tool, false).test(tool)) return false;
  if (m.spec === null) return true;
  if (m.spec.startsWith(DOMAIN)) return arg !== null && matchesDomain(m.spec.slice(DOMAIN.length), arg);
  const spec = compiled(SPEC_GLOBS, m.spec, true);
  return arg === null ? spec.any : spec.test(arg);
}

const DOMAIN = 'domain:';

/**
 * The host of a URL argument, lower-cased: what `Tool(domain:HOST)` rules match (as Claude
 * Code's `WebFetch(domain:…)`), since a glob over the whole URL can be fooled by `?`, `#` or
 * `user@` (`https://evil.com?.example.com/`). Null when `arg` is not an absolute URL.
 */
export function urlHost(arg: string): string | null {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)/.exec(arg.trim());
  const host = m?.[1]?.toLowerCase().replace(/\.$/, '');
  return host ? host : null;
}

/** `domain:example.com` matches that host and its subdomains; `domain:*.example.com` only subdomains. */
function matchesDomain(pattern: string, arg: string): boolean {
  const host = urlHost(arg);
  if (host === null) return false;
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p || host.endsWith(`.${p}`);
}

const MAIN_ARG_KEYS: readonly string[] = Object.freeze(['path', 'url', 'to', 'recipient', 'command', 'query', 'text']);

/**
 * The argument rule specifiers match: `args[declared]` when the tool declares one (ToolSchema
 * `mainArg`), else the first present of path, url, to, recipient, command, query, text.
 * Strings as they are, numbers and booleans stringified, anything else (or nothing) null.
 */
export function mainArg(args: Readonly<Record<string, unknown>>, declared?: string): string | null {
  const key = declared ?? MAIN_ARG_KEYS.find((k) => Object.hasOwn(args, k) && args[k] !== undefined && args[k] !== null);
  if (key === undefined || !Object.hasOwn(args, key)) return null;
  const value = args[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function countTrailing(s: string, c: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === c) n++;
  return n;
}

/** A compiled glob. `any`: it matches every string (and so a null argument too). */
interface Glob {
  readonly any: boolean;
  test(s: string): boolean;
}

const LIT = 0;
const ONE = 1;
const STAR = 2;
const GLOBSTAR = 3;

const TOOL_GLOBS = new Map<string, Glob>();
const SPEC_GLOBS = new Map<string, Glob>();
/** Patterns come from policy documents; the bound only keeps a pathological session from growing the caches forever. */
const CACHE_LIMIT = 4096;

function compiled(cache: Map<string, Glob>, pattern: string, slashAware: boolean): Glob {
  let glob = cache.get(pattern);
  if (glob === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    glob = compile(pattern, slashAware);
    cache.set(pattern, glob);
  }
  return glob;
}

/**
 * Lexes a pattern by code point into one op per character (`kinds`, with the literal in
 * `chars`), runs of stars folded into one. Without `slashAware` (tool globs) every star is a
 * globstar and `?` matches `/` too.
 */
function compile(pattern: string, slashAware: boolean): Glob {
  const kinds: number[] = [];
  const chars: string[] = [];
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '\\' && i + 1 < cps.length) {
      kinds.push(LIT);
      chars.push(cps[++i]!);
    } else if (c === '*') {
      const from = i;
      while (cps[i + 1] === '*') i++;
      kinds.push(i > from || !slashAware ? GLOBSTAR : STAR);
      chars.push('');
    } else {
      kinds.push(c === '?' ? ONE : LIT);
      chars.push(c === '?' ? '' : c);
    }
  }
  const last = kinds.length - 1;
  const isPath = kinds[0] === LIT && chars[0] === '/';
  if (kinds[last] === STAR && !isPath) kinds[last] = GLOBSTAR;
  const wild = kinds.findIndex((k) => k !== LIT);
  const prefix = chars.slice(0, wild < 0 ? kinds.length : wild).join('');
  if (wild < 0) return { any: false, test: (s) => s === prefix };
  if (wild === last && kinds[last] === GLOBSTAR) return { any: wild === 0, test: (s) => s.startsWith(prefix) };
  return automaton(kinds, chars, slashAware);
}

/**
 * Runs the glob as a set of live pattern positions advanced one argument character at a time
 * (Thompson's NFA simulation): O(|s| × |pattern|) whatever the pattern, no backtracking.
 */
function automaton(kinds: readonly number[], chars: readonly string[], slashAware: boolean): Glob {
  const m = kinds.length;
  const close = (live: Uint8Array): boolean => {
    let alive = false;
    for (let i = 0; i <= m; i++) {
      if (live[i] === 0) continue;
      alive = true;
      if (i < m && kinds[i]! >= STAR) live[i + 1] = 1;
    }
    return alive;
  };
  const test = (s: string): boolean => {
    let live = new Uint8Array(m + 1);
    let next = new Uint8Array(m + 1);
    live[0] = 1;
    close(live);
    for (const c of s) {
      next.fill(0);
      const crosses = c !== '/' || !slashAware;
      for (let i = 0; i < m; i++) {
        if (live[i] === 0) continue;
        const k = kinds[i]!;
        if (k === LIT) {
          if (chars[i] === c) next[i + 1] = 1;
        } else if (k === ONE) {
          if (crosses) next[i + 1] = 1;
        } else if (k === GLOBSTAR || crosses) {
          next[i] = 1;
        }
      }
      if (!close(next)) return false;
      [live, next] = [next, live];
    }
    return live[m] === 1;
  };
  return { any: false, test };
}
