/**
 * The layer check on fixture snippets: each rule must fire on a violation and stay quiet on
 * the allowed form, so the check cannot silently stop working.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkSource, checkTree, extractSpecifiers, formatViolation } from './check-layers.mjs';

interface Violation { file: string; line: number; rule: string; fix: string; spec: string }
const check = (file: string, text: string): Violation[] => checkSource(file, text) as Violation[];

describe('extractSpecifiers', () => {
  it('finds static, re-export, type-only, dynamic, require and worker-URL specifiers, not strings or comments', () => {
    const src = [
      "import type { A } from '../kernel/a';",
      "import React from 'react';",
      "export * from './b';",
      "export { c } from './c';",
      "export type { T } from './t';",
      "const m = await import('dexie');",
      'const j = <div>{String(import(`comlink`))}</div>;',
      "const s = \"import x from 'in-a-string'\";",
      "// import q from 'in-a-comment'",
      "import z = require('zzz');",
      "const w = new Worker(new URL('../worker/kernel.worker.ts', import.meta.url), { type: 'module' });",
      "import './side.css';",
    ].join('\n');
    const specs = (extractSpecifiers('src/x/a.tsx', src) as { spec: string }[]).map((s) => s.spec);
    expect(specs).toEqual(['../kernel/a', 'react', './b', './c', './t', 'dexie', 'comlink', 'zzz', '../worker/kernel.worker.ts', './side.css']);
  });
});

describe('rules', () => {
  it('kernel: nothing outside src/kernel, no banned packages, no Node built-ins', () => {
    const v = check(
      'src/kernel/sched/x.ts',
      [
        "import { ok } from '../spec';", // fine
        "import { z } from 'zod';", // fine: an allowed npm package
        "import { useStore } from '../../store';",
        "import { db } from '../../persist/db';",
        "import React from 'react';",
        "import { createRoot } from 'react-dom/client';",
        "import Dexie from 'dexie';",
        "import * as Comlink from 'comlink';",
        "import { create } from 'zustand';",
        "import * as monaco from 'monaco-editor';",
        "import { ReactFlow } from '@xyflow/react';",
        "import { readFileSync } from 'node:fs';",
        "const lazy = () => import('../../ui/App');",
      ].join('\n'),
    );
    const lines = v.map((x) => x.line);
    expect(lines).toEqual([3, 4, 5, 6, 7, 7, 8, 8, 9, 10, 11, 12, 13]);
    expect(v.every((x) => x.file === 'src/kernel/sched/x.ts')).toBe(true);
    expect(v[0]!.rule).toContain('src/kernel must not import outside src/kernel');
  });

  it('kernel tests may read fixtures and Node built-ins, never another layer', () => {
    const v = check(
      'src/kernel/sched/x.test.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import example from '../../../public/examples/research-team.json';",
        "import { App } from '../../ui/App';",
      ].join('\n'),
    );
    expect(v.map((x) => x.line)).toEqual([3]);
  });

  it('dexie only in src/persist', () => {
    expect(check('src/persist/db.ts', "import Dexie from 'dexie';")).toEqual([]);
    expect(check('src/worker/w.ts', "import Dexie from 'dexie';")[0]!.rule).toBe('only src/persist may import dexie');
    expect(check('src/ui/a.tsx', "const d = import('dexie');")).toHaveLength(1);
  });

  it('comlink only in src/worker and src/bridge', () => {
    expect(check('src/worker/kernel.worker.ts', "import * as Comlink from 'comlink';")).toEqual([]);
    expect(check('src/bridge/client.ts', "import { wrap } from 'comlink';")).toEqual([]);
    expect(check('src/store/s.ts', "import { wrap } from 'comlink';")).toHaveLength(1);
    expect(check('src/ui/a.tsx', "import { wrap } from 'comlink';")).toHaveLength(1);
  });

  it('ui and store reach the kernel only through its index', () => {
    for (const from of ['src/ui/panels/Graph.tsx', 'src/store/runSlice.ts']) {
      const base = from.startsWith('src/ui/panels') ? '../../kernel' : '../kernel';
      expect(check(from, `import { Kernel } from '${base}';`)).toEqual([]);
      expect(check(from, `import { Kernel } from '${base}/index';`)).toEqual([]);
      expect(check(from, `import type { Kernel } from '${base}/index.ts';`)).toEqual([]);
      const deep = check(from, `\n\nimport type { KernelState } from '${base}/state/state';`);
      expect(deep).toHaveLength(1);
      expect(deep[0]!.line).toBe(3);
      expect(deep[0]!.rule).toContain('only through its index');
    }
  });

  it('ui and store never import persist or worker, including worker URLs', () => {
    expect(check('src/ui/a.tsx', "import { db } from '../persist';")).toHaveLength(1);
    expect(check('src/store/s.ts', "export * from '../worker/api';")).toHaveLength(1);
    expect(check('src/ui/a.tsx', "new Worker(new URL('../worker/kernel.worker.ts', import.meta.url));")).toHaveLength(1);
    expect(check('src/ui/a.tsx', "import { client } from '../bridge/client';")).toEqual([]);
  });

  it('persist, worker, cli and providers never import ui or store', () => {
    for (const layer of ['persist', 'worker', 'cli', 'providers']) {
      expect(check(`src/${layer}/x.ts`, "import { useStore } from '../store';")).toHaveLength(1);
      expect(check(`src/${layer}/x.ts`, "import type { Props } from '../ui/App';")).toHaveLength(1);
      expect(check(`src/${layer}/x.ts`, "import { parseHarness } from '../kernel';")).toEqual([]);
    }
  });

  it('a file that does not parse is a failure, not a pass', () => {
    const v = check('src/ui/broken.tsx', 'import { from "x";\nconst = ;');
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]!.rule).toMatch(/cannot parse/);
  });

  it('formats violations as file:line: rule; fix', () => {
    const [v] = check('src/cli/x.ts', "\nimport { useStore } from '../store';");
    expect(formatViolation(v)).toMatch(/^src\/cli\/x\.ts:2: src\/cli must not import src\/store \("\.\.\/store"\); .+/);
  });
});

describe('the repository', () => {
  it('has no layer violations', () => {
    const { files, violations } = checkTree() as { files: number; violations: Violation[] };
    expect(files).toBeGreaterThan(0);
    expect(violations.map(formatViolation)).toEqual([]);
  });
});
