#!/usr/bin/env node
/**
 * The layer check (`npm run -s layers`, part of `npm test`). Imports point down only:
 *
 *   ui > store > bridge > worker > persist > providers > kernel      (cli beside, on the lower three)
 *
 * Every .ts/.tsx under src/ is parsed with oxc (rolldown's parser, installed with vite 8), and
 * every static import, `export … from`, dynamic `import()`, `import x = require()` and
 * `new URL('…', import.meta.url)` (how workers are spawned) is checked against LAYERS: for each
 * layer, the layers and npm packages it may import. Anything not listed is a violation, so a new
 * dependency between layers, or a new package in a layer, is a deliberate edit of that table.
 * Type-only imports count: a type import is still a dependency between layers.
 *
 * Test-only code is named so (`*.test.ts`, `*.testing.ts`, `*.test-data.ts`, `*.fixture.ts`, or
 * a `test/`, `testing/` or `__tests__/` folder). It may also use Node built-ins, test packages
 * and fixtures outside src/; production code never imports it.
 *
 * Inside src/kernel, imports between subsystems are checked against KERNEL_SUBSYSTEMS
 * (scripts/kernel-subsystems.mjs), and any import cycle between kernel files is reported.
 *
 * Each violation prints as `file:line: rule; what to do`; the exit code is 1 if there is any.
 * The tables are plain data and `checkSource` is pure, so check-layers.test.ts can prove each
 * rule still fires.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'rolldown/utils';
import { checkSubsystemImport, findCycles, tableCycles } from './kernel-subsystems.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What each layer may import besides itself. `layers`: other layers under src/ (`kernel/index`
 * means only the kernel's public index); `packages`: npm packages (`@scope/*` matches a scope);
 * `builtins`: Node built-ins; `testPackages`: packages only its test-only code may use.
 * `src` is the files directly in src/ (main.tsx).
 */
export const LAYERS = {
  src: { layers: ['ui'], packages: ['react', 'react-dom'] },
  ui: {
    layers: ['store', 'bridge', 'kernel/index'],
    packages: ['react', 'react-dom', '@xyflow/*', 'monaco-editor', '@tanstack/react-virtual', 'elkjs', 'diff'],
    // A test builds a bare zustand store around one slice.
    testPackages: ['zustand'],
  },
  store: { layers: ['bridge', 'kernel/index'], packages: ['zustand', 'zundo'] },
  bridge: { layers: ['worker', 'kernel/index'], packages: ['comlink'] },
  worker: { layers: ['persist', 'providers', 'kernel'], packages: ['comlink'] },
  persist: { layers: ['kernel'], packages: ['dexie'] },
  // Real model providers over fetch; the worker and the CLI hand them to the kernel as its Cpu.
  // @modelcontextprotocol/sdk: the MCP client (mcpClient.ts); the CLI also its stdio transport and server (harness mcp-proxy).
  // @a2a-js/sdk: the A2A client for remote agents (a2aRemoteClient.ts).
  providers: { layers: ['kernel'], packages: ['eventsource-parser', '@wllama/wllama', '@modelcontextprotocol/sdk', '@a2a-js/sdk'] },
  // @a2a-js/sdk and express: `harness serve` serves agents over A2A with the SDK's server classes (a2aServe*.ts).
  cli: { layers: ['persist', 'providers', 'kernel'], packages: ['bullmq', 'ioredis', '@modelcontextprotocol/sdk', '@a2a-js/sdk', 'express'], builtins: true },
  // Pure TypeScript, runnable in Node, a worker and vitest: no DOM, React, Dexie, comlink, Node.
  kernel: { layers: [], packages: ['zod', 'gpt-tokenizer', '@noble/hashes', '@cfworker/json-schema'] },
};

/** The order imports point in, top to bottom (cli sits beside the stack). For messages. */
const STACK = 'ui > store > bridge > worker > persist > providers > kernel';

/** Packages any test-only code may import. */
export const TEST_PACKAGES = ['vitest', 'fast-check', 'fake-indexeddb', '@a2a-js/sdk', 'express', '@opentelemetry/*'];

const BUILTINS = new Set(builtinModules);

/** The package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `react/jsx-runtime` → `react`. */
export function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

function matchesPackage(pkg, pattern) {
  return pattern.endsWith('/*') ? pkg.startsWith(pattern.slice(0, -1)) : pkg === pattern;
}

function isBuiltin(spec) {
  return spec.startsWith('node:') || BUILTINS.has(packageName(spec));
}

/**
 * True if rel is test-only code by its name: a test (`*.test.ts`, `*.spec.ts`), a test helper
 * (`*.testing.ts`), test data (`*.test-data.ts`, `*.fixture.ts`), or anything in a `test/`,
 * `testing/` or `__tests__/` folder.
 */
export function isTestOnly(rel) {
  // An import names the file with or without its extension.
  if (/\.(test|spec|testing|test-data|fixtures?)(\.[cm]?[jt]sx?)?$/.test(rel)) return true;
  return rel.split('/').slice(0, -1).some((dir) => dir === 'test' || dir === 'testing' || dir === '__tests__');
}

/** The layer of a repo-relative posix path under src/ (`src/ui/App.tsx` → `ui`), `src` for files at src/, null outside src. */
export function layerOf(rel) {
  const parts = rel.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return null;
  const second = parts[1] ?? '';
  // `src/store` (a directory import) is the store layer; `src/main.tsx` sits at src/ itself.
  return parts.length > 2 || !/\.[A-Za-z0-9]+$/.test(second) ? second : 'src';
}

/**
 * Where a specifier points: `{ kind: 'package', name, builtin }` for a bare specifier,
 * `{ kind: 'file', rel, layer, testOnly }` for a relative or root-absolute one (rel is repo-relative, posix).
 */
export function resolveTarget(fromRel, spec) {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const clean = spec.replace(/[?#].*$/, '');
    const rel = spec.startsWith('/')
      ? path.posix.normalize(clean.slice(1))
      : path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), clean));
    return { kind: 'file', rel, layer: layerOf(rel), testOnly: isTestOnly(rel) };
  }
  return { kind: 'package', name: packageName(spec), builtin: isBuiltin(spec) };
}

/** True if rel is the kernel's public index: src/kernel, src/kernel/index(.ts). */
function isKernelIndex(rel) {
  return /^src\/kernel(\/index(\.tsx?|\.js)?)?\/?$/.test(rel);
}

/** The layers whose table lists pkg, e.g. ['persist'] for dexie. */
function ownersOf(pkg) {
  return Object.entries(LAYERS).filter(([, l]) => l.packages.some((p) => matchesPackage(pkg, p))).map(([name]) => name);
}

/**
 * Checks one import against LAYERS and the test-only rule. `from` is `{ rel, layer, test }`.
 * Returns null or `{ rule, fix }`.
 */
export function checkImport(from, target, spec) {
  const where = `src/${from.layer}`;
  const allowed = LAYERS[from.layer];
  if (!allowed) return unknownLayer(from);
  if (target.kind === 'package') return checkPackage(from, allowed, target, spec);
  if (target.testOnly && !from.test) {
    return {
      rule: `production code must not import test-only code ("${spec}")`,
      fix: 'move what production needs out of the test-only file, or make the importer test-only by its name (*.testing.ts, testing/)',
    };
  }
  if (target.layer === null) {
    if (from.test) return null; // tests read fixtures such as public/examples
    return {
      rule: `${where} must not import files outside src/ ("${spec}")`,
      fix: 'only test-only code reads files outside src/; load it at run time or move it under src/',
    };
  }
  if (target.layer === from.layer) return null;
  if (allowed.layers.includes(target.layer)) return null;
  if (allowed.layers.includes(`${target.layer}/index`)) {
    if (target.layer !== 'kernel' || isKernelIndex(target.rel)) return null;
    return {
      rule: `${where} must import the kernel only through its index, not "${spec}"`,
      fix: 'import from src/kernel (its index.ts); if the name is not exported there, ask the kernel owner to export it',
    };
  }
  if (from.layer === 'kernel') {
    return {
      rule: `src/kernel must not import outside src/kernel ("${spec}" is in src/${target.layer})`,
      fix: 'define a port (interface) in the kernel and let the outer layer implement it',
    };
  }
  const may = allowed.layers.map((l) => `src/${l.replace(/\/index$/, '')}`);
  return {
    rule: `${where} must not import src/${target.layer} ("${spec}")`,
    fix: `imports point down only (${STACK}); ${where} may import ${may.length > 0 ? may.join(', ') : 'no other layer'}: move the shared code down into one of those, or pass it in from above`,
  };
}

function unknownLayer(from) {
  return {
    rule: `${from.layer === null ? from.rel : `src/${from.layer}`} is not a layer the check knows`,
    fix: "add it to LAYERS in scripts/check-layers.mjs with the layers and packages it may import, and to README's Layers section",
  };
}

function checkPackage(from, allowed, target, spec) {
  const where = `src/${from.layer}`;
  if (target.builtin) {
    if (allowed.builtins || from.test) return null;
    return {
      rule: `${where} must not import Node built-ins ("${spec}")`,
      fix: from.layer === 'kernel'
        ? 'the kernel also runs in a browser worker: take the capability through a port instead'
        : 'this code runs in the browser: only src/cli and test-only code use Node built-ins',
    };
  }
  const ok = (patterns) => (patterns ?? []).some((p) => matchesPackage(target.name, p));
  if (ok(allowed.packages)) return null;
  if (from.test && (ok(TEST_PACKAGES) || ok(allowed.testPackages))) return null;
  const owners = ownersOf(target.name).filter((l) => l !== 'src');
  let fix;
  if (from.layer === 'kernel') fix = 'keep the kernel pure TypeScript; move this code to the layer that owns that library';
  else if (owners.length > 0) fix = `only ${owners.map((l) => `src/${l}`).join(' and ')} may import ${target.name}: go through ${owners.length === 1 ? 'it' : 'them'}`;
  else fix = `if ${where} should own ${target.name}, add it to LAYERS.${from.layer}.packages in scripts/check-layers.mjs`;
  return { rule: `${where} must not import ${target.name}`, fix };
}

function lineAt(text, offset) {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The string value of a literal expression source slice, or null if it is not a plain literal. */
function literalValue(slice) {
  const m = /^\s*(['"`])([^'"`]*)\1\s*$/.exec(slice);
  if (!m) return null;
  if (m[1] === '`' && m[2].includes('${')) return null;
  return m[2];
}

/** Every module specifier in a TS/TSX source, with its offset. Throws on a syntax error. */
export function extractSpecifiers(file, text) {
  const result = parseSync(file, text);
  const fatal = result.errors.filter((e) => e.severity === 'Error' || e.severity === undefined);
  if (fatal.length > 0) {
    const e = fatal[0];
    const at = e.labels?.[0]?.start ?? 0;
    const err = new Error(`cannot parse: ${e.message}`);
    err.offset = at;
    throw err;
  }
  const out = [];
  // typeOnly: every name it brings in is a type (`import type`, `export type … from`), so it is
  // erased at run time; a bare `import './x'` or `export *` is not.
  for (const imp of result.module.staticImports) {
    const typeOnly = imp.entries.length > 0 && imp.entries.every((e) => e.isType);
    out.push({ spec: imp.moduleRequest.value, offset: imp.start, typeOnly });
  }
  for (const exp of result.module.staticExports) {
    const entries = exp.entries.filter((entry) => entry.moduleRequest);
    if (entries.length > 0) out.push({ spec: entries[0].moduleRequest.value, offset: exp.start, typeOnly: entries.every((e) => e.isType) });
  }
  for (const dyn of result.module.dynamicImports) {
    const value = literalValue(text.slice(dyn.moduleRequest.start, dyn.moduleRequest.end));
    if (value !== null) out.push({ spec: value, offset: dyn.start, typeOnly: false });
  }
  // `import x = require('…')` and `new URL('…', import.meta.url)` (worker and asset URLs).
  const extra = /\bimport\s+[\w$]+\s*=\s*require\(\s*(['"])([^'"]+)\1\s*\)|\bnew\s+URL\(\s*(['"`])([^'"`$]+)\3\s*,\s*import\.meta\.url\s*\)/g;
  for (const m of text.matchAll(extra)) {
    const spec = m[2] ?? m[4];
    if (spec && (m[2] !== undefined || spec.startsWith('.'))) out.push({ spec, offset: m.index ?? 0, typeOnly: false });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Checks one file. `rel` is its repo-relative posix path (e.g. `src/ui/App.tsx`).
 * Returns `[{ file, line, rule, fix, spec }]`.
 */
export function checkSource(rel, text) {
  const from = { rel, layer: layerOf(rel), test: isTestOnly(rel) };
  let specs;
  try {
    specs = extractSpecifiers(rel, text);
  } catch (err) {
    return [{ file: rel, line: lineAt(text, err.offset ?? 0), rule: err.message, fix: 'fix the syntax error so the layer check can read the file', spec: '' }];
  }
  // A folder the table does not know is one violation, not one per import.
  if (specs.length > 0 && !LAYERS[from.layer]) return [{ file: rel, line: 1, spec: '', ...unknownLayer(from) }];
  const violations = [];
  for (const { spec, offset, typeOnly } of specs) {
    const target = resolveTarget(rel, spec);
    const v = checkImport(from, target, spec)
      ?? (from.layer === 'kernel' && !from.test && target.kind === 'file' ? checkSubsystemImport(rel, target, spec, typeOnly) : null);
    if (v) violations.push({ file: rel, line: lineAt(text, offset), spec, ...v });
  }
  return violations;
}

export function formatViolation(v) {
  return `${v.file}:${v.line}: ${v.rule}; ${v.fix}`;
}

/** Every .ts/.tsx file under dir (absolute), skipping node_modules. */
export function listSources(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const abs = path.join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.(ts|tsx|mts|cts)$/.test(name)) out.push(abs);
    }
  };
  walk(dir);
  return out;
}

/** The file a resolved specifier names, among `known` (repo-relative paths): as is, with an extension, or its index. */
function resolveFile(rel, known) {
  const bare = rel.replace(/\.js$/, '');
  for (const candidate of [rel, `${bare}.ts`, `${bare}.tsx`, `${bare}/index.ts`, `${bare}/index.tsx`]) {
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/**
 * Import cycles among `sources` (Map rel → text), type imports included: one violation per
 * cycle, at the import that starts it, with the whole cycle printed.
 */
export function cycleViolations(sources) {
  const known = new Set(sources.keys());
  const graph = new Map();
  const lines = new Map();
  for (const [rel, text] of sources) {
    const targets = [];
    let specs = [];
    try {
      specs = extractSpecifiers(rel, text);
    } catch {
      // checkSource reports the syntax error
    }
    for (const { spec, offset } of specs) {
      const target = resolveTarget(rel, spec);
      const file = target.kind === 'file' ? resolveFile(target.rel, known) : null;
      if (file === null || targets.includes(file)) continue;
      targets.push(file);
      lines.set(`${rel}\0${file}`, { line: lineAt(text, offset), spec });
    }
    graph.set(rel, targets);
  }
  return findCycles(graph).map((cycle) => {
    const at = lines.get(`${cycle[0]}\0${cycle[1]}`) ?? { line: 1, spec: '' };
    return {
      file: cycle[0],
      line: at.line,
      spec: at.spec,
      rule: `import cycle: ${cycle.join(' → ')}`,
      fix: 'move what the files share (often a type) into a file of its own that imports none of them',
    };
  });
}

/** Checks every source under root/src. Returns { files, violations }. */
export function checkTree(root = ROOT) {
  const files = listSources(path.join(root, 'src'));
  const violations = [];
  const kernel = new Map();
  for (const abs of files) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const text = readFileSync(abs, 'utf8');
    violations.push(...checkSource(rel, text));
    if (layerOf(rel) === 'kernel') kernel.set(rel, text);
  }
  violations.push(...cycleViolations(kernel));
  for (const cycle of tableCycles()) {
    violations.push({
      file: 'scripts/kernel-subsystems.mjs',
      line: 1,
      spec: '',
      rule: `KERNEL_SUBSYSTEMS has a cycle in \`uses\`: ${cycle.join(' → ')}`,
      fix: 'one of these edges must go: make it a `types` edge or move the shared code down',
    });
  }
  return { files: files.length, violations };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, violations } = checkTree(ROOT);
  for (const v of violations) process.stderr.write(`${formatViolation(v)}\n`);
  if (violations.length > 0) {
    process.stderr.write(`layers: ${violations.length} violation${violations.length === 1 ? '' : 's'} in ${files} files\n`);
    process.exit(1);
  }
  process.stdout.write(`layers: OK (${files} files)\n`);
}
