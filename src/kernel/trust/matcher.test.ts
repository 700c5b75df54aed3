import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { mainArg, matches, parseMatcher, urlHost, type Matcher } from './matcher';

// Property tests run thousands of cases: on a loaded machine the default 5 s is too short.
vi.setConfig({ testTimeout: 60_000 });

const parse = (match: string): Matcher => {
  const parsed = parseMatcher(match);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.matcher;
};

/**
 * The glob rules written out as a backtracking RegExp: fine as a test oracle on short strings,
 * and an independent statement of the semantics the product's automaton must agree with.
 */
function oracle(pattern: string, slashAware: boolean): RegExp {
  const cps = Array.from(pattern);
  // A path pattern starts with a literal slash, escaped or not.
  const path = cps[0] === '/' || (cps[0] === '\\' && cps[1] === '/');
  const parts: string[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '\\' && i + 1 < cps.length) parts.push(lit(cps[++i]!));
    else if (c === '*' && cps[i + 1] === '*') {
      while (cps[i + 1] === '*') i++;
      parts.push('[^]*');
    } else if (c === '*') parts.push(!slashAware || (i === cps.length - 1 && !path) ? '[^]*' : '[^/]*');
    else if (c === '?') parts.push(slashAware ? '[^/]' : '[^]');
    else parts.push(lit(c));
  }
  return new RegExp(`^${parts.join('')}$`, 'u');
}
const lit = (c: string): string => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);

describe('parseMatcher', () => {
  it.each([
    ['Bash', { tool: 'Bash', spec: null }],
    ['  fs.write(/workspace/**)  ', { tool: 'fs.write', spec: '/workspace/**' }],
    ['mcp__*', { tool: 'mcp__*', spec: null }],
    ['*(**)', { tool: '*', spec: '**' }],
    ['Bash(echo (a))', { tool: 'Bash', spec: 'echo (a)' }],
    ['Bash(npm run *)', { tool: 'Bash', spec: 'npm run *' }],
    ['Bash(a\\\\)', { tool: 'Bash', spec: 'a\\\\' }],
  ])('parses %j', (match, matcher) => {
    expect(parseMatcher(match)).toEqual({ ok: true, matcher });
  });

  it.each([
    ['fs.write(/workspace', 'column 20: ")" expected to close "(" at column 9'],
    ['  Bash(ls', 'column 10: ")" expected to close "(" at column 7'],
    ['(ls)', 'column 1: empty tool name before "("'],
    ['', 'column 1: empty rule; write Tool or Tool(specifier)'],
    ['Bash(ls) && rm -rf /', 'column 9: text after ")"'],
    ['Bash(ls)x', 'column 9: text after ")"'],
    ['fs write(/a)', 'column 3: space in tool name "fs write"'],
    ['fs.write)', 'column 9: ")" without "("'],
    ['fs)x(a)', 'column 3: ")" without "("'],
    ['Bash()', 'column 6: empty specifier; write the tool alone to match every call'],
    ['Bash(a\\)', 'column 7: "\\" escapes nothing; write "\\\\" for a backslash'],
  ])('rejects %j', (match, error) => {
    expect(parseMatcher(match)).toEqual({ ok: false, error });
  });

  it('round-trips any tool name and valid specifier, parentheses and spaces included', () => {
    const toolName = fc.string({ unit: fc.constantFrom('a', 'B', '_', '.', '*', '?', '-', '9'), minLength: 1, maxLength: 8 });
    const spec = fc
      .string({ unit: fc.constantFrom('a', ' ', '(', ')', '/', '*', '?', '\\', '@'), minLength: 1, maxLength: 10 })
      .filter((s) => !/(^|[^\\])(\\\\)*\\$/.test(s));
    const pad = fc.constantFrom('', ' ', '\t ');
    fc.assert(
      fc.property(toolName, spec, pad, pad, (tool, s, left, right) => {
        expect(parseMatcher(`${left}${tool}(${s})${right}`)).toEqual({ ok: true, matcher: { tool, spec: s } });
      }),
      { numRuns: 10_000 },
    );
  });

  it('names a column inside the text (or just past it) in every error', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', '\\', '*'), maxLength: 10 });
    fc.assert(
      fc.property(text, (match) => {
        const parsed = parseMatcher(match);
        if (parsed.ok) return;
        const column = Number(/^column (\d+): \S/.exec(parsed.error)?.[1]);
        expect(column).toBeGreaterThanOrEqual(1);
        expect(column).toBeLessThanOrEqual(match.length + 1);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('matches', () => {
  it.each([
    // the two examples
    ['fs.write(/workspace/**)', 'fs.write', '/workspace/a/b.txt', true],
    ['http.get(https://*.example.com/*)', 'http.get', 'https://api.example.com/v1/users', true],
    // ** crosses directories; a path pattern's trailing * is one segment
    ['fs.write(/workspace/**)', 'fs.write', '/workspace/', true],
    ['fs.write(/workspace/**)', 'fs.write', '/workspace', false],
    ['fs.write(/workspace/**)', 'fs.write', '/workspaces/x', false],
    ['fs.write(/workspace/**)', 'fs.read', '/workspace/a.txt', false],
    ['fs.write(/workspace/*)', 'fs.write', '/workspace/a.txt', true],
    ['fs.write(/workspace/*)', 'fs.write', '/workspace/a/b.txt', false],
    ['fs.write(/workspace/***)', 'fs.write', '/workspace/a/b.txt', true],
    ['fs.read(/a/?.txt)', 'fs.read', '/a/b.txt', true],
    ['fs.read(/a/?.txt)', 'fs.read', '/a//.txt', false],
    // a * inside a pattern stops at /; at the end of a non-path pattern it takes the rest
    ['http.get(https://*.example.com/*)', 'http.get', 'https://evil.com/.example.com/x', false],
    ['http.get(https://*.example.com/*)', 'http.get', 'https://example.com/x', false],
    ['http.get(https://*.example.com/*)', 'http.get', 'http://api.example.com/x', false],
    ['Bash(npm run *)', 'Bash', 'npm run test -- src/a.ts', true],
    ['Bash(npm run *)', 'Bash', 'npm run', false],
    ['Bash(git * main)', 'Bash', 'git push origin main', true],
    ['Bash(git * main)', 'Bash', 'git push origin/x main', false],
    ['Bash(aws s3 ls)', 'Bash', 'aws s3 ls', true],
    ['Bash(aws s3 ls)', 'Bash', 'aws s3 ls s3://bucket', false],
    ['send_mail(*@example.com)', 'send_mail', 'bob@example.com', true],
    ['send_mail(*@example.com)', 'send_mail', 'bob@example.com.evil.net', false],
    // escapes
    ['Bash(echo \\*)', 'Bash', 'echo *', true],
    ['Bash(echo \\*)', 'Bash', 'echo hi', false],
    ['Bash(a\\?b)', 'Bash', 'a?b', true],
    ['Bash(a\\?b)', 'Bash', 'axb', false],
    ['Bash(a\\\\b)', 'Bash', 'a\\b', true],
    ['Bash(echo (a))', 'Bash', 'echo (a)', true],
    // one ? is one code point
    ['fs.read(/?)', 'fs.read', '/😀', true],
    ['fs.read(/?)', 'fs.read', '/ab', false],
    // tool globs
    ['*', 'anything.at/all', 'x', true],
    ['mcp__*', 'mcp__github__create_issue', null, true],
    ['mcp__*', 'fs.read', null, false],
    ['fs.*(/tmp/**)', 'fs.write', '/tmp/x', true],
    ['fs.?rite', 'fs.write', null, true],
    // null arguments: only the bare tool and match-everything specifiers
    ['Bash', 'Bash', null, true],
    ['Bash(*)', 'Bash', null, true],
    ['Bash(**)', 'Bash', null, true],
    ['Bash(*)', 'Bash', 'any/thing at all', true],
    ['Bash(ls *)', 'Bash', null, false],
    ['fs.read(/*)', 'fs.read', null, false],
  ] as const)('%s on %s(%s) → %s', (match, tool, arg, expected) => {
    expect(matches(parse(match), tool, arg)).toBe(expected);
  });

  it('agrees with the RegExp statement of the glob rules on random specifiers and arguments', () => {
    const spec = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '?', '\\', '.'), maxLength: 8 });
    const arg = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '*', '?', '\\'), maxLength: 10 });
    fc.assert(
      fc.property(spec, arg, (s, a) => {
        expect(matches({ tool: 't', spec: s }, 't', a)).toBe(oracle(s, true).test(a));
        expect(matches({ tool: 't', spec: s }, 't', null)).toBe(/^\*+$/.test(s));
      }),
      { numRuns: 10_000 },
    );
  });

  it('agrees with the RegExp statement on random tool globs', () => {
    const glob = fc.string({ unit: fc.constantFrom('f', 's', '.', '_', '*', '?', '/'), minLength: 1, maxLength: 6 });
    const tool = fc.string({ unit: fc.constantFrom('f', 's', '.', '_', '/'), maxLength: 8 });
    fc.assert(
      fc.property(glob, tool, (g, t) => {
        expect(matches({ tool: g, spec: null }, t, null)).toBe(oracle(g, false).test(t));
      }),
      { numRuns: 10_000 },
    );
  });

  it('stays linear on specifiers that make backtracking RegExps explode', () => {
    const m = parse('Bash(*a*a*a*a*b)');
    const start = performance.now();
    expect(matches(m, 'Bash', 'a'.repeat(20_000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(1_000); // a backtracking RegExp needs ~30 s for 1,000 a's
  });
});

describe('mainArg', () => {
  it.each([
    [{ path: '/a', url: 'https://x' }, undefined, '/a'],
    [{ url: 'https://x', command: 'ls' }, undefined, 'https://x'],
    [{ to: 'bob@example.com', text: 'hi' }, undefined, 'bob@example.com'],
    [{ recipient: 'ops', query: 'q' }, undefined, 'ops'],
    [{ command: 'ls', query: 'q', text: 't' }, undefined, 'ls'],
    [{ query: 'q', text: 't' }, undefined, 'q'],
    [{ text: 't' }, undefined, 't'],
    [{ path: null, url: 'https://x' }, undefined, 'https://x'],
    [{ path: 42 }, undefined, '42'],
    [{ path: true }, undefined, 'true'],
    [{ path: { nested: 1 }, url: 'https://x' }, undefined, null],
    [{ other: 'x' }, undefined, null],
    [{}, undefined, null],
    [{ amount: 120, path: '/a' }, 'amount', '120'],
    [{ path: '/a' }, 'dest', null],
    [{ dest: ['a'] }, 'dest', null],
    [{}, 'constructor', null],
  ] as const)('%j with declared %s → %s', (args, declared, expected) => {
    expect(mainArg(args, declared)).toBe(expected);
  });
});

describe('domain specifiers', () => {
  const rule = (s: string) => {
    const r = parseMatcher(s);
    if (!r.ok) throw new Error(r.error);
    return r.matcher;
  };
  it.each([
    ['http.get(domain:example.com)', 'https://example.com/a', true],
    ['http.get(domain:example.com)', 'https://api.example.com/v1?q=1', true],
    ['http.get(domain:example.com)', 'https://evil.com?.example.com/x', false],
    ['http.get(domain:example.com)', 'https://example.com.evil.io/', false],
    ['http.get(domain:example.com)', 'https://example.com@evil.com/', false],
    ['http.get(domain:example.com)', 'https://user@EXAMPLE.com:8443/x', true],
    ['http.get(domain:*.example.com)', 'https://example.com/', false],
    ['http.get(domain:*.example.com)', 'https://a.example.com/', true],
    ['http.get(domain:example.com)', 'not a url', false],
  ])('%s on %s: %s', (r, arg, want) => {
    expect(matches(rule(r), 'http.get', arg)).toBe(want);
  });

  it('a glob over the whole URL is fooled where a domain rule is not', () => {
    expect(matches(rule('http.get(https://*.example.com/*)'), 'http.get', 'https://evil.com?.example.com/x')).toBe(true);
    expect(matches(rule('http.get(domain:*.example.com)'), 'http.get', 'https://evil.com?.example.com/x')).toBe(false);
    expect(urlHost('https://evil.com?.example.com/x')).toBe('evil.com');
  });
});
