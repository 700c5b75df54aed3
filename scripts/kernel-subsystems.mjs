/**
 * Imports between kernel subsystems, checked by scripts/check-layers.mjs. A subsystem is a
 * folder under src/kernel (`sched`, `memory`, …); a file directly in src/kernel is its own
 * subsystem, named after the file (`kernel`, `index`, `ids`, `rng`, `tokens`).
 *
 * KERNEL_SUBSYSTEMS is an allow-list, like LAYERS: `uses` names the subsystems whose code a
 * subsystem may import (values and types), and the `uses` relation has no cycle, so code never
 * calls back up. `types` names subsystems it may import types from only (`import type`): the
 * kernel state and the event vocabulary are types every subsystem reads, while the reducers
 * (`state`) and the trace projection call the subsystems. `files` lists single files a
 * subsystem may import against that order, each with the reason.
 *
 * Independently of the table, an import cycle between kernel files (type imports count) is
 * reported with the cycle printed. Test-only files are exempt from the table, not from cycles.
 */

/** What each kernel subsystem may import besides itself. Bottom-up: `uses` only points up this list. */
export const KERNEL_SUBSYSTEMS = {
  ids: { uses: [] },
  rng: { uses: [] },
  // The allocator's classes, counters and export policy; the schema names its classes, the reducer accounts each event.
  alloc: { uses: ['ids'], types: ['spec', 'state', 'trace'] },
  // The scheduling classes: the schema builds its class list and sched fields from their registry.
  sched: { uses: ['ids'], types: ['spec', 'cpu', 'state', 'trace'] },
  spec: {
    uses: ['ids', 'sched', 'alloc'],
    // The parser reports every problem in one pass, rule matchers that do not parse included;
    // trust/rules.ts and trust/matcher.ts import only spec's types, so no circle can form.
    files: { 'trust/rules': 'rule syntax', 'trust/matcher': 'rule syntax' },
  },
  tokens: { uses: ['ids', 'spec'] },
  memory: { uses: ['ids', 'spec', 'tokens'], types: ['state', 'trace'] },
  cpu: { uses: ['ids', 'rng', 'spec', 'tokens', 'memory'], types: ['state', 'trace'] },
  tools: { uses: ['ids', 'spec', 'tokens', 'memory'], types: ['cpu', 'state', 'trace'] },
  trust: { uses: ['ids', 'spec', 'tokens', 'memory'], types: ['cpu', 'tools', 'state', 'trace'] },
  ipc: { uses: ['ids', 'spec'], types: ['state', 'trace'] },
  // Regions with permissions and handle generations: decisions the loop asks, state the reducer applies.
  region: { uses: ['ids', 'spec'], types: ['state', 'trace'] },
  term: { uses: ['ids', 'spec', 'tokens'], types: ['state', 'trace'] },
  // /proc for agents: an agent's runtime state as JSON, read from the state with the indexes (the loop records it, the inspector shows it);
  // memory for the prefix cache's figures (memory/kvCacheFigures.ts), the same the studio's Prompt cache section shows.
  proc: { uses: ['ids', 'spec', 'tokens', 'memory', 'sched', 'trust', 'ipc', 'term', 'alloc'], types: ['state', 'trace'] },
  // The kernel state and its per-subsystem reducers: they call into every subsystem.
  state: { uses: ['ids', 'rng', 'spec', 'tokens', 'memory', 'cpu', 'tools', 'trust', 'sched', 'ipc', 'term', 'proc', 'alloc', 'region'], types: ['trace'] },
  // Provenance of each change, derived from events (and the projected state the trace projection hands it).
  provenance: { uses: ['ids', 'spec', 'trust'], types: ['state', 'trace'] },
  // The event vocabulary (types of every subsystem) and the projection that replays events.
  trace: { uses: ['ids', 'spec', 'state', 'provenance'], types: ['cpu', 'ipc', 'memory', 'sched', 'tools', 'trust', 'term', 'proc', 'region'] },
  // The run loop's event sources and the decisions they make: they read the state and call every subsystem.
  loop: { uses: ['ids', 'rng', 'spec', 'tokens', 'memory', 'cpu', 'tools', 'trust', 'sched', 'ipc', 'term', 'state', 'trace', 'provenance', 'proc', 'alloc', 'region'] },
  // The document's hash a run records; apart from the kernel so the page can use it without the kernel.
  specHash: { uses: ['spec', 'trace'] },
  kernel: { uses: ['ids', 'rng', 'spec', 'tokens', 'memory', 'cpu', 'tools', 'trust', 'sched', 'ipc', 'term', 'state', 'trace', 'loop', 'proc', 'specHash'] },
  // Explains a trust decision by starting the document as a run (the Policy view asks it).
  explainAccess: { uses: ['spec', 'tools', 'trust', 'state', 'kernel', 'region'] },
  // The injection suite's scoring (CLI and studio): defence settings and the attack check; runs are the caller's.
  injectionSuite: { uses: ['spec'], types: ['trace'] },
  // Runs a kernel to its stop with asks answered by a rule (the CLI's run and the studio's suite scoring).
  runToStop: { uses: ['kernel'] },
  // Experiments: the file, its variants as patches, the statistics and the report; runs are the executor's.
  // A failing run's goal failures replay its trace through the reducer (experiment/goalFailures.ts).
  experiment: { uses: ['rng', 'spec', 'trust', 'injectionSuite', 'term', 'state'], types: ['trace'] },
  // OpenTelemetry export: a run's events as OTLP spans (GenAI conventions); sending is the host's.
  otel: { uses: [], types: ['trace'] },
  // The examples index with each example's lesson (public/examples/index.json): jumps name event types.
  exampleIndex: { uses: ['trace'] },
  index: { uses: ['ids', 'rng', 'spec', 'tokens', 'memory', 'cpu', 'tools', 'trust', 'sched', 'ipc', 'term', 'state', 'trace', 'loop', 'kernel', 'explainAccess', 'injectionSuite', 'runToStop', 'experiment', 'otel', 'provenance', 'proc', 'specHash', 'exampleIndex', 'alloc', 'region'] },
};

/** The subsystem of a repo-relative path under src/kernel (`src/kernel/sched/fair.ts` → `sched`, `src/kernel/ids.ts` → `ids`); null elsewhere. */
export function subsystemOf(rel) {
  const parts = rel.split('/');
  if (parts[0] !== 'src' || parts[1] !== 'kernel' || parts.length < 3) return null;
  return (parts[2] ?? '').replace(/\.[cm]?[jt]sx?$/, '');
}

const described = (name) => {
  const s = KERNEL_SUBSYSTEMS[name];
  const uses = s.uses.length > 0 ? s.uses.join(', ') : 'no other subsystem';
  return s.types?.length ? `${uses} (and types from ${s.types.join(', ')})` : uses;
};

/**
 * Checks one import from one kernel file to another against KERNEL_SUBSYSTEMS. `fromRel` and
 * `target.rel` are repo-relative; `typeOnly` says the import brings in types only.
 * Returns null or `{ rule, fix }`.
 */
export function checkSubsystemImport(fromRel, target, spec, typeOnly) {
  const from = subsystemOf(fromRel);
  const to = subsystemOf(target.rel);
  if (from === null || to === null || to === '' || from === to) return null;
  const table = KERNEL_SUBSYSTEMS[from];
  if (!table) {
    return {
      rule: `src/kernel/${from} is not a kernel subsystem the check knows`,
      fix: 'add it to KERNEL_SUBSYSTEMS in scripts/kernel-subsystems.mjs with what it may import, keeping `uses` free of cycles',
    };
  }
  if (!KERNEL_SUBSYSTEMS[to]) return null; // reported once, from its own files
  if (table.uses.includes(to)) return null;
  const file = target.rel.split('/').slice(2).join('/').replace(/\.[cm]?[jt]sx?$/, '');
  if (table.files && Object.hasOwn(table.files, file)) return null;
  if (table.types?.includes(to)) {
    if (typeOnly) return null;
    return {
      rule: `kernel subsystem ${from} may import only types from ${to} ("${spec}")`,
      fix: `use \`import type\`; code that ${from} calls in ${to} belongs in ${from} or below it (${described(from)})`,
    };
  }
  return {
    rule: `kernel subsystem ${from} must not import ${to} ("${spec}")`,
    fix: `${from} may import ${described(from)}: move what both need down, or into a file of its own that both may import; or add the edge to KERNEL_SUBSYSTEMS if \`uses\` stays free of cycles`,
  };
}

/**
 * Every cycle in a directed graph (Map node → iterable of nodes), one per strongly connected
 * component: the shortest cycle through the component's first node, as [a, b, …, a].
 */
export function findCycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const strong = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = [...(graph.get(v) ?? [])].includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0];
    // Breadth-first from start back to start, inside the component.
    const parent = new Map();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift();
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(parent.get(path[0]));
          return [...path, start];
        }
        if (!parent.has(w)) {
          parent.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

/** Cycles in the `uses` relation of a subsystem table (KERNEL_SUBSYSTEMS unless given). */
export function tableCycles(table = KERNEL_SUBSYSTEMS) {
  return findCycles(new Map(Object.entries(table).map(([name, s]) => [name, s.uses])));
}
