#!/usr/bin/env node
/**
 * The layer check (`npm run -s layers`, part of `npm test`). Imports point down only:
 *
 *   ui > store > bridge > worker > persist > providers > kernel      (cli beside, on the kernel)
 *
 * Every .ts/.tsx under src/ is parsed with oxc (rolldown's parser, installed with vite 8), and
 * every static import, `export … from`, dynamic `import()`, `import x = require()` and
 * `new URL('…', import.meta.url)` (how workers are spawned) is checked against the rules below.
 * Type-only imports count: a type import is still a dependency between layers.
 *
 * Each violation prints as `file:line: rule, what to do`; the exit code is 1 if there is any.
 * The rules are plain data and `checkSource` is pure, so check-layers.test.ts can prove each
 * rule still fires.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'rolldown/utils';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Packages the kernel must not import: it is pure TypeScript, runnable in Node, a worker and vitest. */
export const KERNEL_FORBIDDEN_PACKAGES = ['react', 'react-dom', 'dexie', 'comlink', 'zustand', 'monaco-editor', '@xyflow/*'];

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

function isTestFile(rel) {
  return /\.(test|spec)\.tsx?$/.test(rel) || rel.split('/').includes('__tests__');
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
 * `{ kind: 'file', rel, layer }` for a relative or root-absolute one (rel is repo-relative, posix).
 */
export function resolveTarget(fromRel, spec) {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const clean = spec.replace(/[?#].*$/, '');
    const rel = spec.startsWith('/')
      ? path.posix.normalize(clean.slice(1))
      : path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), clean));
    return { kind: 'file', rel, layer: layerOf(rel) };
  }
  return { kind: 'package', name: packageName(spec), builtin: isBuiltin(spec) };
}

/** True if rel is the kernel's public index: src/kernel, src/kernel/index(.ts). */
function isKernelIndex(rel) {
  return /^src\/kernel(\/index(\.tsx?|\.js)?)?\/?$/.test(rel);
}

/**
 * The rules. Each takes (from: {rel, layer, test}, target, spec) and returns null or
 * `{ rule, fix }`.
 */
export const RULES = [
  function kernelIsSelfContained(from, target, spec) {
    if (from.layer !== 'kernel') return null;
    if (target.kind === 'file') {
      if (target.rel === 'src/kernel' || target.rel.startsWith('src/kernel/')) return null;
      // Kernel tests may read fixtures outside src/ (e.g. public/examples), never another layer.
      if (from.test && target.layer === null) return null;
      return {
        rule: `src/kernel must not import outside src/kernel ("${spec}" is ${target.layer ? `in src/${target.layer}` : target.rel})`,
        fix: 'define a port (interface) in the kernel and let the outer layer implement it',
      };
    }
    if (target.builtin) {
      if (from.test) return null;
      return {
        rule: `src/kernel must not import Node built-ins ("${spec}")`,
        fix: 'the kernel also runs in a browser worker: take the capability through a port instead',
      };
    }
    const banned = KERNEL_FORBIDDEN_PACKAGES.find((p) => matchesPackage(target.name, p));
    if (banned) {
      return {
        rule: `src/kernel must not import ${target.name}`,
        fix: 'keep the kernel pure TypeScript; move this code to the layer that owns that library',
      };
    }
    return null;
  },
  function onlyPersistImportsDexie(from, target) {
    if (target.kind !== 'package' || target.name !== 'dexie' || from.layer === 'persist') return null;
    return { rule: 'only src/persist may import dexie', fix: 'add what you need to src/persist and use it from there' };
  },
  function onlyWorkerAndBridgeImportComlink(from, target) {
    if (target.kind !== 'package' || target.name !== 'comlink' || from.layer === 'worker' || from.layer === 'bridge') return null;
    return { rule: 'only src/worker and src/bridge may import comlink', fix: 'reach the worker through src/bridge' };
  },
  function uiAndStoreUseKernelIndex(from, target, spec) {
    if (from.layer !== 'ui' && from.layer !== 'store') return null;
    if (target.kind !== 'file' || target.layer !== 'kernel' || isKernelIndex(target.rel)) return null;
    return {
      rule: `src/${from.layer} must import the kernel only through its index, not "${spec}"`,
      fix: 'import from src/kernel (its index.ts); if the name is not exported there, ask the kernel owner to export it',
    };
  },
  function uiAndStoreStayOffPersistAndWorker(from, target, spec) {
    if (from.layer !== 'ui' && from.layer !== 'store') return null;
    if (target.kind !== 'file' || (target.layer !== 'persist' && target.layer !== 'worker')) return null;
    return {
      rule: `src/${from.layer} must not import src/${target.layer} ("${spec}")`,
      fix: 'go through src/bridge, the only way the UI reaches the worker and storage',
    };
  },
  function lowerLayersStayOffUiAndStore(from, target, spec) {
    if (!['persist', 'worker', 'cli', 'providers'].includes(from.layer ?? '')) return null;
    if (target.kind !== 'file' || (target.layer !== 'ui' && target.layer !== 'store')) return null;
    return {
      rule: `src/${from.layer} must not import src/${target.layer} ("${spec}")`,
      fix: 'imports point down only: move the shared code into src/kernel (or pass it in from above)',
    };
  },
];

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
  for (const imp of result.module.staticImports) out.push({ spec: imp.moduleRequest.value, offset: imp.start });
  for (const exp of result.module.staticExports) {
    for (const entry of exp.entries) {
      if (entry.moduleRequest) {
        out.push({ spec: entry.moduleRequest.value, offset: exp.start });
        break;
      }
    }
  }
  for (const dyn of result.module.dynamicImports) {
    const value = literalValue(text.slice(dyn.moduleRequest.start, dyn.moduleRequest.end));
    if (value !== null) out.push({ spec: value, offset: dyn.start });
  }
  // `import x = require('…')` and `new URL('…', import.meta.url)` (worker and asset URLs).
  const extra = /\bimport\s+[\w$]+\s*=\s*require\(\s*(['"])([^'"]+)\1\s*\)|\bnew\s+URL\(\s*(['"`])([^'"`$]+)\3\s*,\s*import\.meta\.url\s*\)/g;
  for (const m of text.matchAll(extra)) {
    const spec = m[2] ?? m[4];
    if (spec && (m[2] !== undefined || spec.startsWith('.'))) out.push({ spec, offset: m.index ?? 0 });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * Checks one file. `rel` is its repo-relative posix path (e.g. `src/ui/App.tsx`).
 * Returns `[{ file, line, rule, fix, spec }]`.
 */
export function checkSource(rel, text) {
  const from = { rel, layer: layerOf(rel), test: isTestFile(rel) };
  let specs;
  try {
    specs = extractSpecifiers(rel, text);
  } catch (err) {
    return [{ file: rel, line: lineAt(text, err.offset ?? 0), rule: err.message, fix: 'fix the syntax error so the layer check can read the file', spec: '' }];
  }
  const violations = [];
  for (const { spec, offset } of specs) {
    const target = resolveTarget(rel, spec);
    for (const rule of RULES) {
      const v = rule(from, target, spec);
      if (v) violations.push({ file: rel, line: lineAt(text, offset), spec, ...v });
    }
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

/** Checks every source under root/src. Returns { files, violations }. */
export function checkTree(root = ROOT) {
  const files = listSources(path.join(root, 'src'));
  const violations = [];
  for (const abs of files) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    violations.push(...checkSource(rel, readFileSync(abs, 'utf8')));
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
