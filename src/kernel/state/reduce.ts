/**
 * The kernel's state transition function: every state change happens here, driven by one
 * event. The live kernel, a seek and the UI's projections all use it, so they cannot disagree.
 * `applyEvent` mutates the state in place (the hot path); callers clone where they must.
 *
 * Each subsystem owns the reducers of its events (reduceRun, reduceSched, reduceTools,
 * reduceIpc, reduceMemory, reduceTrust); REDUCERS joins them into one table typed over every
 * event type, so an event type without a reducer is a compile error.
 */
import { idTable, putOwn, toIdTable } from '../ids';
import { SCHED_CLASSES } from '../sched';
import type { EventOf, KernelEvent, KernelEventType } from '../trace/events';
import type { GroupState, KernelState } from './state';
import { nearestSnapshot } from './snapshots';
import { isShared } from './immutable';
import { applyTrustEvent } from './reduceTrust';
import { paramsFor, type Reducer, type ReducerTable } from './reduceHelpers';
import { jobReducers, runReducers } from './reduceRun';
import { inferReducers, schedReducers } from './reduceSched';
import { toolReducers } from './reduceTools';
import { ipcReducers } from './reduceIpc';
import { memoryReducers } from './reduceMemory';
import { faultReducers } from './reduceFaults';
import { editReducers } from './reduceEdits';
import { kvCacheReducers, kvCachesAtStart } from './kvCacheReducers';
import { applyTurnChosen } from '../sched/turnTaking';
import { applyCutoffDecided } from '../sched/cutoff';
import { accounted, startLedger } from '../alloc/accountEvent';
import { regionReducers } from './reduceRegions';
import { spawnReducers } from './reduceSpawn';

export { groupChain, paramsFor, rqOf } from './reduceHelpers';

const trustReducers = {
  'tool.asked': applyTrustEvent,
  'tool.approved': applyTrustEvent,
  'cap.granted': applyTrustEvent,
  'cap.expired': applyTrustEvent,
  'mem.cow': applyTrustEvent,
  'trust.signature': applyTrustEvent,
  'audit.rolledback': applyTrustEvent,
  // A review changes no kernel state: provenance (kernel/provenance) reads it from the trace.
  'change.reviewed': () => {},
} satisfies Partial<ReducerTable>;

/** Turn-taking among agents and cutoff decisions: scheduling over agents, not slots (sched/turnTaking.ts, sched/cutoff.ts). */
const agentSchedReducers = {
  'turn.chosen': applyTurnChosen,
  'cutoff.decided': applyCutoffDecided,
} satisfies Partial<ReducerTable>;

/** The subsystems' reducer tables, by name (a test checks that no event type is claimed twice). */
export const SUBSYSTEM_REDUCERS = {
  run: runReducers,
  jobs: jobReducers,
  sched: schedReducers,
  infer: inferReducers,
  faults: faultReducers,
  tools: toolReducers,
  ipc: ipcReducers,
  memory: memoryReducers,
  trust: trustReducers,
  edits: editReducers,
  kvCache: kvCacheReducers,
  agentSched: agentSchedReducers,
  regions: regionReducers,
  spawn: spawnReducers,
} as const;

/** Every event type's reducer. Typed as the full table: leaving an event type out does not compile. */
export const REDUCERS: ReducerTable = {
  ...runReducers,
  ...jobReducers,
  ...schedReducers,
  ...inferReducers,
  ...faultReducers,
  ...toolReducers,
  ...ipcReducers,
  ...memoryReducers,
  ...trustReducers,
  ...editReducers,
  ...kvCacheReducers,
  ...agentSchedReducers,
  ...regionReducers,
  ...spawnReducers,
};

const reduceOne = (s: KernelState, e: KernelEvent): void => (REDUCERS[e.type] as Reducer<KernelEventType>)(s, e);

/** Applies one event to the state (in place). Events must arrive in seq order. */
export function applyEvent(s: KernelState, e: KernelEvent): void {
  s.seq = e.seq;
  s.now = e.t;
  // The allocator's counters move with the objects each event makes and frees (kernel/alloc).
  accounted(s, e, reduceOne);
}

/** The state right after `run.started`. */
export function stateFromStart(e: EventOf<'run.started'>): KernelState {
  const slots: KernelState['slots'] = idTable();
  const runqueues: KernelState['runqueues'] = idTable();
  for (const [model, info] of Object.entries(e.models)) {
    slots[model] = Array.from({ length: info.slots }, () => null);
    const rqs: Record<string, unknown> = idTable();
    for (const c of SCHED_CLASSES.ordered) rqs[c.name] = c.init(paramsFor({ params: e.sched }, info));
    runqueues[model] = rqs;
  }
  const groups: Record<string, GroupState> = idTable();
  for (const g of e.groups) groups[g.id] = { ...g, usedTokens: 0, usedCost: 0, periodStart: e.t, throttledUntil: null };
  const stores: KernelState['stores'] = idTable();
  for (const [id, docs] of Object.entries(e.stores)) {
    stores[id] = docs.map((d, i) => ({ id: `${id}#${i}`, text: d.text, tags: d.tags, trust: d.trust, valid: d.valid, source: 'document', t: 0 }));
  }
  return {
    run: e.run, seed: e.seed, seq: e.seq, now: e.t,
    procs: idTable(), order: [], slots, models: toIdTable(e.models), params: e.sched, groups, bandwidth: idTable(), runqueues, inflight: [], stores, artifacts: idTable(), sent: [], goalsMet: idTable(),
    steps: 0, tokensIn: 0, tokensOut: 0, cost: 0, nextPid: 1, nextId: 1, nextSeg: 1, stopped: null,
    handles: idTable(), sessionRules: [], declassified: [], views: idTable(), tasks: idTable(), taskQueue: [], retainQueue: [],
    ...kvCachesAtStart(e.models),
    slabs: startLedger(e),
  };
}

/**
 * The state right after event `seq`: a copy of the nearest snapshot at or before it (snapshots
 * in seq order, found by binary search), then the events after it replayed. Seeks in the kernel
 * and the UI both use it.
 */
export function replayTo(snaps: readonly { seq: number; state: KernelState }[], events: readonly KernelEvent[], seq: number): KernelState {
  const base = nearestSnapshot(snaps, seq);
  const state = base ? cloneState(base.state) : stateFromStart(events[0] as EventOf<'run.started'>);
  for (let i = (base?.seq ?? 0) + 1; i <= seq; i++) applyEvent(state, events[i]!);
  return state;
}

/**
 * The state's tables keyed by ids or names (agent, model, store, artifact, goal, group, task,
 * handle, endpoint), and each agent's own (variables, taint by segment): cloneState makes each an
 * id table again. `views` holds a table per store.
 */
const STATE_TABLES = ['procs', 'slots', 'models', 'groups', 'bandwidth', 'runqueues', 'stores', 'artifacts', 'goalsMet', 'judged', 'handles', 'views', 'tasks', 'endpoints', 'kvCaches', 'turns', 'cutoffs', 'spawns'] as const;

/**
 * A copy of a state (states are JSON data) that shares what cannot change: what `immutable` froze
 * (a segment that left the window, see takeOut) is the same in the copy, everything else is
 * copied, keeping each object's prototype (the id tables stay null-prototype, see idTable). A
 * snapshot so costs the state's mutable part, not its whole size. The copy is what a JSON round
 * trip gives (what snapshots were before): a non-finite number becomes null, -0 becomes 0,
 * undefined, functions and symbols are left out of objects and null in arrays.
 */
export function cloneState(s: KernelState): KernelState {
  return copyData(s) as KernelState;
}

/** A copy of JSON data with cloneState's semantics (what `immutable` froze is shared, not copied). */
export function copyData(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
  if (typeof v !== 'object' || v === null || isShared(v)) return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v)) as unknown;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      // Numbers inline: runqueues are long arrays of them, copied at every snapshot.
      if (typeof x === 'number') out[i] = x - x === 0 ? (x === 0 ? 0 : x) : null;
      else out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : copyData(x);
    }
    return out;
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = Object.getPrototypeOf(src) === null ? Object.create(null) : {};
  for (const key in src) {
    if (!Object.hasOwn(src, key)) continue;
    const x = src[key];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    // A key named __proto__ is data (a plain object's setter would change the copy's prototype).
    if (key === '__proto__') putOwn(out, key, copyData(x));
    else out[key] = copyData(x);
  }
  return out;
}

const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A state from its JSON text (a cloneState in two halves, for a caller that also wants the text's
 * size). The id tables sit at known places, so they are rebuilt there after a plain parse: a
 * JSON.parse reviver would be called for every value of the state (it cost a third of the sim's
 * speed, snapshots being on the hot path).
 */
export function stateFromJson(text: string): KernelState {
  const s = JSON.parse(text) as Record<string, unknown>;
  for (const key of STATE_TABLES) {
    const table = s[key];
    if (isTable(table)) s[key] = toIdTable(table);
  }
  // A state stored by an older version may lack a table: it stays absent, as it was.
  const views = isTable(s.views) ? s.views : {};
  for (const store of Object.keys(views)) if (isTable(views[store])) views[store] = toIdTable(views[store] as Record<string, unknown>);
  const procs = isTable(s.procs) ? (s.procs as Record<string, unknown>) : {};
  for (const id of Object.keys(procs)) {
    const p = procs[id];
    if (!isTable(p)) continue;
    if (isTable(p.vars)) p.vars = toIdTable(p.vars);
    if (isTable(p.taint)) p.taint = toIdTable(p.taint);
  }
  return s as unknown as KernelState;
}
