/**
 * The layer check on fixture snippets: each rule must fire on a violation and stay quiet on
 * the allowed form, so the check cannot silently stop working.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { checkSource, checkTree, cycleViolations, extractSpecifiers, formatViolation, isTestOnly, LAYERS } from './check-layers.mjs';
// @ts-expect-error: a plain .mjs script without type declarations
import { findCycles, KERNEL_SUBSYSTEMS, tableCycles } from './kernel-subsystems.mjs';

interface Violation { file: string; line: number; rule: string; fix: string; spec: string }
type LayerTable = Record<string, { layers: string[]; packages: string[] }>;
type SubsystemTable = Record<string, { uses: string[]; types?: string[] }>;
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

describe('the allow-list', () => {
  it('kernel: nothing outside src/kernel, only its listed packages, no Node built-ins', () => {
    const v = check(
      'src/kernel/sched/x.ts',
      [
        "import type { Ok } from '../spec';", // fine
        "import { z } from 'zod';", // fine: a listed npm package
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
        "import leftPad from 'left-pad';",
      ].join('\n'),
    );
    expect(v.map((x) => x.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(v.every((x) => x.file === 'src/kernel/sched/x.ts')).toBe(true);
    expect(v[0]!.rule).toContain('src/kernel must not import outside src/kernel');
    expect(v[0]!.fix).toContain('port');
    expect(v[2]!.rule).toBe('src/kernel must not import react');
    expect(v[9]!.rule).toContain('Node built-ins');
  });

  it('kernel tests may read fixtures, Node built-ins and test packages, never another layer', () => {
    const v = check(
      'src/kernel/sched/x.test.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import example from '../../../public/examples/research-team.json';",
        "import { App } from '../../ui/App';",
        "import fc from 'fast-check';",
        "import { describe } from 'vitest';",
        "import React from 'react';",
      ].join('\n'),
    );
    expect(v.map((x) => x.line)).toEqual([3, 6]);
  });

  it('a package belongs to the layers that list it; the fix names them', () => {
    expect(check('src/persist/db.ts', "import Dexie from 'dexie';")).toEqual([]);
    const [w] = check('src/worker/w.ts', "import Dexie from 'dexie';");
    expect(w!.rule).toBe('src/worker must not import dexie');
    expect(w!.fix).toContain('only src/persist may import dexie');
    expect(check('src/ui/a.tsx', "const d = import('dexie');")).toHaveLength(1);
    expect(check('src/worker/kernel.worker.ts', "import * as Comlink from 'comlink';")).toEqual([]);
    expect(check('src/bridge/client.ts', "import { wrap } from 'comlink';")).toEqual([]);
    expect(check('src/store/s.ts', "import { wrap } from 'comlink';")).toHaveLength(1);
    expect(check('src/ui/a.tsx', "import { wrap } from 'comlink';")).toHaveLength(1);
  });

  it('a package no layer lists is a violation until it is added to the table', () => {
    const [v] = check('src/ui/a.tsx', "import leftPad from 'left-pad';");
    expect(v!.rule).toBe('src/ui must not import left-pad');
    expect(v!.fix).toContain('LAYERS.ui.packages');
    expect(check('src/ui/a.tsx', "import { Handle } from '@xyflow/react';")).toEqual([]);
    expect(check('src/ui/a.tsx', "import { Panel } from '@xyflow/system';")).toEqual([]); // `@xyflow/*`
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

  it('the worker does not import the bridge, not even its types', () => {
    const [v] = check('src/worker/LiveRun.ts', "import type { RunMeta } from '../bridge/api';");
    expect(v!.rule).toBe('src/worker must not import src/bridge ("../bridge/api")');
    expect(v!.fix).toContain('src/worker may import src/persist, src/providers, src/kernel');
    expect(check('src/bridge/client.ts', "import type { StudioApi } from '../worker/api';")).toEqual([]);
  });

  it('persist, providers, worker and cli never import ui or store', () => {
    for (const layer of ['persist', 'providers', 'worker', 'cli']) {
      expect(check(`src/${layer}/x.ts`, "import { useStore } from '../store';")).toHaveLength(1);
      expect(check(`src/${layer}/x.ts`, "import type { Props } from '../ui/App';")).toHaveLength(1);
      expect(check(`src/${layer}/x.ts`, "import { parseHarness } from '../kernel';")).toEqual([]);
    }
    expect(check('src/persist/x.ts', "import { connect } from '../worker/api';")).toHaveLength(1);
  });

  it('only the cli and test-only code use Node built-ins or files outside src/', () => {
    expect(check('src/cli/main.ts', "import { readFileSync } from 'node:fs';")).toEqual([]);
    expect(check('src/worker/w.ts', "import { readFileSync } from 'fs';")[0]!.rule).toContain('Node built-ins');
    expect(check('src/worker/w.ts', "import doc from '../../public/examples/a.json';")[0]!.rule).toContain('outside src/');
    expect(check('src/worker/testing/channel.ts', "import { readFileSync } from 'node:fs';\nimport doc from '../../../public/examples/a.json';")).toEqual([]);
  });

  it('a folder under src/ that the table does not know is a violation', () => {
    const v = check('src/plugins/openai.ts', "import { parseHarness } from '../kernel';\nimport { x } from './x';");
    expect(v).toHaveLength(1);
    expect(v[0]!.rule).toBe('src/plugins is not a layer the check knows');
    expect(v[0]!.fix).toContain('LAYERS');
  });

  it('the table itself points down only: no layer lists itself and the layers form no cycle', () => {
    const table = LAYERS as LayerTable;
    const edges = (name: string) => (table[name]?.layers ?? []).map((l) => l.replace(/\/index$/, ''));
    for (const name of Object.keys(table)) {
      expect(edges(name)).not.toContain(name);
      for (const to of edges(name)) expect(Object.keys(table)).toContain(to);
    }
    const below = (name: string, seen: string[] = []): string[] =>
      edges(name).flatMap((to) => (seen.includes(to) ? [to] : [to, ...below(to, [...seen, to])]));
    for (const name of Object.keys(table)) expect(below(name, [name])).not.toContain(name);
  });
});

describe('test-only code', () => {
  it('is named so: *.test, *.testing, *.test-data, *.fixture, or a test/, testing/ or __tests__/ folder', () => {
    const testOnly = [
      'src/ui/a.test.tsx',
      'src/kernel/sched/schedSim.testing.ts',
      'src/kernel/memory/archiveCorpus.fixture.ts',
      'src/ui/sched/fixtures.test-data.ts',
      'src/kernel/test/TestKernel.ts',
      'src/worker/testing/testChannel.ts',
      'src/persist/testing/injectDiskFaults.ts',
      'src/ui/__tests__/x.ts',
    ];
    for (const rel of testOnly) expect(isTestOnly(rel), rel).toBe(true);
    for (const rel of ['src/kernel/tests.ts', 'src/ui/testingGuide.ts', 'src/kernel/trust/attest/x.ts', 'src/persist/contest.ts']) {
      expect(isTestOnly(rel), rel).toBe(false);
    }
  });

  it('production code never imports it; tests and other test-only code may', () => {
    const imports = [
      "import { connect } from './testing/testChannel';",
      "import { simulate } from './schedSim.testing';",
      "import { CORPUS } from '../kernel/memory/archiveCorpus.fixture';",
      "import { TestKernel } from '../kernel/test/TestKernel';",
    ].join('\n');
    const v = check('src/worker/studioApi.ts', imports);
    expect(v.map((x) => x.line)).toEqual([1, 2, 3, 4]);
    expect(v[0]!.rule).toBe('production code must not import test-only code ("./testing/testChannel")');
    expect(check('src/worker/studioApi.test.ts', imports)).toEqual([]);
    expect(check('src/worker/testing/helpers.ts', imports)).toEqual([]);
  });
});

describe('kernel subsystems', () => {
  it('tells type-only imports from imports of code', () => {
    const src = "import type { A } from './a';\nimport { type B, c } from './b';\nexport type { E } from './e';\nexport * from './f';\nimport './g';";
    const specs = extractSpecifiers('src/kernel/x.ts', src) as { spec: string; typeOnly: boolean }[];
    expect(specs.map((x) => [x.spec, x.typeOnly])).toEqual([['./a', true], ['./b', false], ['./e', true], ['./f', false], ['./g', false]]);
  });

  it('a subsystem imports code only from the subsystems it uses, and types back up only where listed', () => {
    expect(check('src/kernel/spec/schema.ts', "import type { SpecIssue } from './parse';\nimport { SCHED_CLASSES } from '../sched';")).toEqual([]);
    expect(check('src/kernel/sched/fair.ts', "import type { HarnessSpec } from '../spec';")).toEqual([]);
    expect(check('src/kernel/sched/router.ts', "import type { KernelState } from '../state/state';")).toEqual([]);
    const [value] = check('src/kernel/sched/router.ts', "import { initialState } from '../state/state';");
    expect(value!.rule).toBe('kernel subsystem sched may import only types from state ("../state/state")');
    expect(value!.fix).toContain('import type');
    const [up] = check('src/kernel/memory/segment.ts', "\nimport type { ContextEntry } from '../cpu/cpu';");
    expect(up!.line).toBe(2);
    expect(up!.rule).toBe('kernel subsystem memory must not import cpu ("../cpu/cpu")');
    expect(up!.fix).toMatch(/^memory may import ids, spec, tokens \(and types from state, trace\)/);
    // The reducers call into every subsystem.
    expect(check('src/kernel/state/reduceSched.ts', "import { fair } from '../sched';\nimport { audit } from '../trust/audit';")).toEqual([]);
    // Files directly in src/kernel are subsystems of their own.
    expect(check('src/kernel/tokens.ts', "import type { ModelSpec } from './spec';")).toEqual([]);
    expect(check('src/kernel/ids.ts', "import { HUMAN } from './spec';")).toHaveLength(1);
    // Tests cross subsystems freely.
    expect(check('src/kernel/sched/fair.test.ts', "import { TestKernel } from '../test/TestKernel';\nimport { initialState } from '../state/state';")).toEqual([]);
  });

  it('a named file may be imported against the order, and nothing else of its subsystem', () => {
    expect(check('src/kernel/spec/parse.ts', "import { policyIssues } from '../trust/rules';")).toEqual([]);
    expect(check('src/kernel/spec/parse.ts', "import { Gate } from '../trust/gate';")).toHaveLength(1);
  });

  it('a new kernel folder must be added to the table', () => {
    const [v] = check('src/kernel/plugins/x.ts', "import { HUMAN } from '../spec';");
    expect(v!.rule).toBe('src/kernel/plugins is not a kernel subsystem the check knows');
  });

  it('the table lists known subsystems only, and `uses` has no cycle', () => {
    const table = KERNEL_SUBSYSTEMS as SubsystemTable;
    for (const s of Object.values(table)) for (const to of [...s.uses, ...(s.types ?? [])]) expect(Object.keys(table)).toContain(to);
    expect(tableCycles()).toEqual([]);
    const looped: SubsystemTable = { ...table, spec: { uses: ['trust'] } };
    const [cycle, ...more] = tableCycles(looped) as string[][];
    expect(more).toEqual([]);
    expect(cycle).toEqual(expect.arrayContaining(['spec', 'trust']));
    expect(cycle![0]).toBe(cycle![cycle!.length - 1]);
  });

  it('finds every cycle and prints it, type imports included', () => {
    const sources = new Map([
      ['src/kernel/cpu/cpu.ts', "import type { Segment } from '../memory/segment';"],
      ['src/kernel/memory/segment.ts', "import type { ContextEntry } from '../cpu/cpu';"],
      ['src/kernel/ipc/a2a.ts', "\nimport type { TaskState } from './taskState';"],
      ['src/kernel/ipc/taskState.ts', "import { message } from './a2a';\nimport { A2A_ERRORS } from './jsonRpc';"],
      ['src/kernel/ipc/jsonRpc.ts', "import type { Task } from './a2a';"],
      ['src/kernel/ipc/tasks.ts', "import type { KernelState } from '../state/state';"],
      ['src/kernel/state/state.ts', "import type { TaskRecord } from '../ipc/tasks';\nimport type { Segment } from '../memory/segment';"],
      ['src/kernel/spec/index.ts', "export * from './parse';"],
      ['src/kernel/spec/parse.ts', "import { x } from './index';"],
      ['src/kernel/ids.ts', "export type AgentId = string;"],
    ]);
    const v = cycleViolations(sources) as Violation[];
    expect(v.map((x) => `${x.file}:${x.line}: ${x.rule}`).sort()).toEqual([
      'src/kernel/cpu/cpu.ts:1: import cycle: src/kernel/cpu/cpu.ts → src/kernel/memory/segment.ts → src/kernel/cpu/cpu.ts',
      'src/kernel/ipc/a2a.ts:2: import cycle: src/kernel/ipc/a2a.ts → src/kernel/ipc/taskState.ts → src/kernel/ipc/a2a.ts',
      'src/kernel/ipc/tasks.ts:1: import cycle: src/kernel/ipc/tasks.ts → src/kernel/state/state.ts → src/kernel/ipc/tasks.ts',
      'src/kernel/spec/index.ts:1: import cycle: src/kernel/spec/index.ts → src/kernel/spec/parse.ts → src/kernel/spec/index.ts',
    ]);
    sources.set('src/kernel/memory/segment.ts', 'export interface ContextEntry { text: string }');
    expect((cycleViolations(sources) as Violation[]).some((x) => x.file === 'src/kernel/cpu/cpu.ts')).toBe(false);
  });

  it('finds a cycle through three files and a file importing itself', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []], ['e', ['e']]]);
    expect(findCycles(graph)).toEqual(expect.arrayContaining([['a', 'b', 'c', 'a'], ['e', 'e']]));
    expect(findCycles(graph)).toHaveLength(2);
  });
});

describe('output', () => {
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
