import type { StateCreator } from 'zustand';
import { openAsks, Projection, type ProvenanceLog, type KernelEvent, type KernelEventType, type KernelState, type OpenAsk, type SpecIssue } from '../kernel';
import type { Breakpoint, EventBatch, LiveGeneration, LiveToolCall, LogLine, RunMeta, RunStatus } from '../bridge/api';
import type { StudioState } from './index';
import { heldArray, isWindowed, TAIL_KEEP } from './runSliceWindow';

/**
 * Owned by the run views (src/ui/run): the open project's runs, the selected run's trace, the
 * cursor being inspected, filters and breakpoints.
 *
 * Field homes:
 * - mirrors of the worker (read-only, from batches and loads): `runs`, `events`, `head`,
 *   `status`, `hits`; and what is derived from them once per batch, here, never in render:
 *   `cursorState` (the pure kernel projection at the cursor), `agents`, `tools`, `visible`.
 * - persisted per project (settings `breakpoints:<projectId>`, saved by ui/run): `breakpoints`.
 * - ephemeral: `cursor`, `follow`, filters, `seed`, `startIssues`, `runError`, `loading`, and
 *   `live` (what real models of the selected run are streaming now: never in the trace).
 *
 * `events` is indexed by seq. A run of up to WHOLE_MAX events is held whole: `events` is the
 * projection's own array, append-only, grown in place (one push per event, never a copy of the
 * whole trace). A longer run is `windowed` (runSliceWindow.ts): `events` holds one contiguous
 * range (holes before it), `head` comes from the worker, and `cursorState` is the worker's
 * answer for the cursor (ui/run/runWindow.ts asks for both). Either way `head` changes with
 * every append, so subscribers select `head` to re-render.
 */

/** Where a run paused because a breakpoint matched. */
export interface BreakpointHit {
  seq: number;
  breakpoint: Breakpoint;
}

export interface RunFilter {
  agent: string | null;
  type: KernelEventType | null;
}

/** What `applyBatch` and `appendEvents` made of their input. `gap`: events are missing before it. */
export type AppendOutcome = 'ok' | 'gap' | 'ignored';

export interface RunSlice {
  runs: RunMeta[];
  runId: string | null;
  events: readonly KernelEvent[];
  /** seq of the run's last event (held or not); -1 when none. */
  head: number;
  /** True when the run is too long to hold whole: `events` holds only a window of it. */
  windowed: boolean;
  /** The first seq `events` holds (0 for a whole run; `events.length` when it holds none). */
  heldFrom: number;
  /** The event at the cursor when `events` no longer holds it (a windowed run's log scrolled away from it). */
  cursorEvent: KernelEvent | null;
  status: RunStatus | null;
  /** True while the selected run's stored events are still being loaded. */
  loading: boolean;
  hits: BreakpointHit[];
  /** The hit the run is paused at, if it is. */
  pausedAt: BreakpointHit | null;
  /** Generations of the selected run streaming now, as the worker last sent them (empty when none). */
  live: readonly LiveGeneration[];
  /** MCP calls of the selected run running now with their last progress report (never in the trace). */
  liveCalls: readonly LiveToolCall[];
  /** Lines logpoints printed while this tab drove the selected run, oldest first (the last LOG_KEEP). */
  logLines: readonly LogLine[];

  /** The event being inspected (DevTools-style); -1 when there is none. */
  cursor: number;
  /** True while the cursor tracks the head (it stops when the user moves it back). */
  follow: boolean;
  /**
   * KernelState after the event at `cursor`, from the same pure projection the kernel uses.
   * While a running run is followed it may be up to 100 ms behind the cursor: its `seq` says
   * which event it is after.
   */
  cursorState: KernelState | null;
  /** The asks open at the head, as the kernel state tracks them (same array while they do not change). */
  openAsks: readonly OpenAsk[];

  /** Agents and tools seen in the trace, in order of appearance (for filters and breakpoints). */
  agents: string[];
  tools: string[];
  filter: RunFilter;
  /** Seqs that pass `filter` (of the held events), ascending, grown in place like `events`; null when no filter is set. */
  visible: number[] | null;

  breakpoints: Breakpoint[];
  seed: number;
  /** Path-precise issues of the last start or fork that failed validation. */
  startIssues: SpecIssue[];
  runError: string | null;

  setRuns(runs: RunMeta[]): void;
  /** Inserts or replaces one run's metadata (newest first). */
  upsertRun(meta: RunMeta): void;
  /** Selects a run and clears the trace, ready for its events to be loaded; null clears everything. */
  selectRun(meta: RunMeta | null): void;
  /** Appends events of the selected run; duplicates are skipped, a gap is reported, not filled. */
  appendEvents(events: readonly KernelEvent[]): AppendOutcome;
  /** Applies one batch from the worker: one set() for the metadata, the events and the cursor. */
  applyBatch(batch: EventBatch): AppendOutcome;
  setLoading(loading: boolean): void;
  /** A windowed run: holds `events` (contiguous) instead of what was held. Ignored for a whole run. */
  holdWindow(events: readonly KernelEvent[]): void;
  /**
   * A windowed run: the worker's state after event `state.seq`. Taken when it is the cursor's,
   * or newer than the one shown while the cursor follows the head.
   */
  takeState(state: KernelState): void;
  setCursor(seq: number): void;
  /** KernelState after event `seq` of the held run, from its projection; null for a windowed run (it holds no projection). */
  stateAfter(seq: number): KernelState | null;
  setFilter(filter: Partial<RunFilter>): void;
  setBreakpoints(breakpoints: Breakpoint[]): void;
  /** Adds an enabled breakpoint unless the same one exists; `value` may be empty (any) for kinds that allow it. */
  addBreakpoint(kind: Breakpoint['kind'], value: string, extra?: { condition?: string; log?: string }): void;
  toggleBreakpoint(id: string): void;
  removeBreakpoint(id: string): void;
  setSeed(seed: number): void;
  setStartIssues(issues: SpecIssue[]): void;
  setRunError(message: string | null): void;
  /** The provenance of the held run's changes, kept by its projection as events arrive (kernel/provenance); null for a windowed run. */
  provenance(): ProvenanceLog | null;
}

/** Newest run first; ties keep their order. */
function sortRuns(runs: RunMeta[]): RunMeta[] {
  return [...runs].sort((a, b) => b.createdAt - a.createdAt);
}

export function matchesFilter(e: KernelEvent, f: RunFilter): boolean {
  return (f.agent === null || e.agent === f.agent) && (f.type === null || e.type === f.type);
}

function computeVisible(events: readonly KernelEvent[], f: RunFilter, from = 0): number[] | null {
  if (f.agent === null && f.type === null) return null;
  const out: number[] = [];
  for (let i = from; i < events.length; i++) {
    const e = events[i];
    if (e && matchesFilter(e, f)) out.push(e.seq);
  }
  return out;
}

/** `next` unless it holds the same asks as `prev` (by ask seq): an unchanged set keeps its identity, and the prompt its render. */
function sameAsks(prev: readonly OpenAsk[], next: readonly OpenAsk[]): readonly OpenAsk[] {
  return prev.length === next.length && prev.every((a, i) => a.seq === next[i]!.seq) ? prev : next;
}

/** Logpoint lines kept for the selected run. */
const LOG_KEEP = 500;

/** Kinds whose empty value means "any" (`*`); `when` has no value at all. */
const ANY_ALLOWED: ReadonlySet<Breakpoint['kind']> = new Set(['decision', 'goal-true', 'goal-false', 'throttle', 'fact-evicted', 'when']);

/** Shortest time between two derivations of the head's state while a run streams (see stateFor). */
const FOLLOW_STATE_MS = 100;

function clampCursor(seq: number, head: number): number {
  return Math.max(Math.min(Math.round(seq), head), head < 0 ? -1 : 0);
}

const EMPTY_TRACE = {
  head: -1,
  cursor: -1,
  follow: true,
  cursorState: null,
  openAsks: [] as readonly OpenAsk[],
  agents: [] as string[],
  tools: [] as string[],
  visible: null,
  windowed: false,
  heldFrom: 0,
  cursorEvent: null,
  hits: [] as BreakpointHit[],
  logLines: [] as readonly LogLine[],
  pausedAt: null,
  live: [] as readonly LiveGeneration[],
  liveCalls: [] as readonly LiveToolCall[],
};

export const createRunSlice: StateCreator<StudioState, [], [], RunSlice> = (set, get) => {
  // Non-reactive companions of `events`: the projection (with its snapshots) and lookup sets.
  let projection = new Projection();
  let agentSet = new Set<string>();
  let toolSet = new Set<string>();

  // A windowed run's state is the worker's (takeState): the page never projects it.
  const stateAt = (seq: number): KernelState | null => (seq < 0 ? null : get().windowed ? get().cursorState : (projection.stateAt(seq) ?? null));

  /**
   * Pushes the new events onto the trace in place and returns the fields that change with
   * them, or an outcome when nothing can be appended. Callers commit in one set().
   */
  function append(input: readonly KernelEvent[]): { outcome: AppendOutcome; patch: Partial<RunSlice> } {
    const s = get();
    if (s.windowed) return { outcome: 'ok', patch: appendWindowed(input) };
    const events = projection.events;
    const from = events.length;
    const first = input.find((e) => e.seq >= from);
    if (!first) return { outcome: 'ok', patch: {} };
    if (first.seq !== from) return { outcome: 'gap', patch: {} };
    projection.append(input);
    let agents = s.agents;
    let tools = s.tools;
    const visible = s.visible;
    for (let i = from; i < events.length; i++) {
      const e = events[i]!;
      [agents, tools] = noteSeen(e, agents, tools);
      if (visible && matchesFilter(e, s.filter)) visible.push(e.seq);
    }
    const head = events.length - 1;
    const cursor = s.follow ? head : s.cursor;
    if (isWindowed(head)) {
      // Too long to hold whole from now on: keep the newest events, drop the projection.
      const held = heldArray(events.slice(-TAIL_KEEP));
      projection = new Projection();
      return {
        outcome: 'ok',
        patch: { events: held, heldFrom: head + 1 - Math.min(TAIL_KEEP, head + 1), windowed: true, head, agents, tools, cursor, visible: computeVisible(held, s.filter, head + 1 - TAIL_KEEP) },
      };
    }
    return {
      outcome: 'ok',
      patch: { events, head, agents, tools, cursor, openAsks: sameAsks(s.openAsks, projection.openAsks()) },
    };
  }

  /** Notes the agents and tools of `e`, returning the lists (new arrays only when they grew). */
  function noteSeen(e: KernelEvent, agents: string[], tools: string[]): [string[], string[]] {
    if (e.agent !== undefined && !agentSet.has(e.agent)) {
      agentSet.add(e.agent);
      agents = [...agents, e.agent];
    }
    if (e.type === 'job.published') {
      for (const t of e.tools) {
        if (toolSet.has(t)) continue;
        toolSet.add(t);
        tools = [...tools, t];
      }
    }
    return [agents, tools];
  }

  /**
   * A windowed run's new events: the head moves; while the cursor follows, events that continue
   * the held window are pushed onto it in place (O(1) each), and once it holds twice TAIL_KEEP
   * it is cut back to the newest TAIL_KEEP. Events that do not continue it are the worker's to
   * give again when a view asks (runWindow.ts), never a gap to fill.
   */
  function appendWindowed(input: readonly KernelEvent[]): Partial<RunSlice> {
    const s = get();
    const last = input[input.length - 1];
    const head = Math.max(s.head, last?.seq ?? -1);
    if (!s.follow) return head === s.head ? {} : { head };
    let events = s.events as KernelEvent[];
    let { agents, tools, heldFrom } = s;
    let visible = s.visible;
    const first = input.find((e) => e.seq > s.head) ?? input[0];
    if (events.length <= heldFrom && first) {
      // Nothing held: the window starts with these events.
      events = new Array<KernelEvent>(first.seq);
      heldFrom = first.seq;
    }
    for (const e of input) {
      if (e.seq !== events.length) continue;
      events.push(e);
      [agents, tools] = noteSeen(e, agents, tools);
      if (visible && matchesFilter(e, s.filter)) visible.push(e.seq);
    }
    if (events.length - heldFrom > 2 * TAIL_KEEP) {
      heldFrom = events.length - TAIL_KEEP;
      events = heldArray(events.slice(heldFrom));
      visible = computeVisible(events, s.filter, heldFrom);
    }
    return { events, heldFrom, head, agents, tools, visible, cursor: head };
  }

  /** When the state at the head was last derived while following a running run (performance.now()). */
  let derivedAt = Number.NEGATIVE_INFINITY;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * The cursor's state for a commit that moves the cursor to `cursor`. Following a running run,
   * the state (a copy of every agent's) is derived at most every FOLLOW_STATE_MS: batches come
   * every frame and the copy would cost most of one at 100 agents. The views say which event
   * their state is after (`cursorState.seq`); a timer catches up when no batch follows.
   */
  function stateFor(cursor: number, running: boolean, now = performance.now()): Partial<RunSlice> {
    const s = get();
    if (s.windowed) return {};
    if ((s.cursorState?.seq ?? -1) === cursor && s.cursorState !== null) return {};
    clearTimeout(staleTimer);
    if (running && now - derivedAt < FOLLOW_STATE_MS) {
      staleTimer = setTimeout(() => {
        const t = get();
        if (t.cursorState?.seq !== t.cursor) set({ cursorState: stateAt(t.cursor) });
      }, FOLLOW_STATE_MS);
      return {};
    }
    derivedAt = running ? now : Number.NEGATIVE_INFINITY;
    return { cursorState: stateAt(cursor) };
  }

  return {
    runs: [],
    runId: null,
    status: null,
    loading: false,
    ...EMPTY_TRACE,
    events: projection.events,
    filter: { agent: null, type: null },
    breakpoints: [],
    seed: 1,
    startIssues: [],
    runError: null,

    setRuns: (runs) => set({ runs: sortRuns(runs) }),
    upsertRun: (meta) => {
      const s = get();
      const runs = sortRuns([...s.runs.filter((r) => r.id !== meta.id), meta]);
      if (meta.id !== s.runId) set({ runs });
      // A windowed run's head is the worker's word: nothing held says otherwise.
      else if (s.windowed && meta.head > s.head) set({ runs, status: meta.status, head: meta.head, ...(s.follow ? { cursor: meta.head } : {}) });
      else set({ runs, status: meta.status });
    },

    selectRun: (meta) => {
      clearTimeout(staleTimer);
      derivedAt = Number.NEGATIVE_INFINITY;
      projection = new Projection();
      agentSet = new Set();
      toolSet = new Set();
      const s = get();
      const windowed = meta !== null && isWindowed(meta.head);
      set({
        ...EMPTY_TRACE,
        events: windowed ? [] : projection.events,
        ...(windowed ? { windowed, head: meta.head, cursor: meta.head } : {}),
        agents: [],
        tools: [],
        hits: [],
        visible: computeVisible([], s.filter),
        runId: meta?.id ?? null,
        status: meta?.status ?? null,
        loading: false,
        runError: null,
        ...(meta ? { runs: sortRuns([...s.runs.filter((r) => r.id !== meta.id), meta]) } : {}),
      });
    },

    appendEvents: (events) => {
      const { outcome, patch } = append(events);
      if (outcome === 'ok' && (patch.windowed ?? get().windowed)) set(patch);
      else if (outcome === 'ok') set({ ...patch, ...(patch.cursor !== undefined && patch.cursor !== get().cursor ? { cursorState: stateAt(patch.cursor) } : {}) });
      return outcome;
    },

    applyBatch: (batch) => {
      const s = get();
      const meta = s.runs.find((r) => r.id === batch.runId);
      const runs = meta
        ? s.runs.map((r) => (r.id === batch.runId ? { ...r, head: batch.head, status: batch.status, stopReason: batch.stopReason ?? r.stopReason } : r))
        : s.runs;
      if (batch.runId !== s.runId) {
        if (meta) set({ runs });
        return 'ignored';
      }
      const appended = append(batch.events);
      const { patch } = appended;
      // Events missing inside or after the batch (its head is further on) are a gap too.
      const windowed = patch.windowed ?? s.windowed;
      const outcome = !windowed && appended.outcome === 'ok' && batch.head > (patch.head ?? s.head) ? 'gap' : appended.outcome;
      const hit = batch.hit ?? null;
      const hits = hit && !s.hits.some((h) => h.seq === hit.seq) ? [...s.hits, hit] : s.hits;
      const pausedAt = batch.status === 'paused' ? (hit ?? s.pausedAt) : null;
      // A hit is where the debugger stops: the cursor goes there even if the user had moved it.
      // A windowed run's head is the batch's, whether or not its events are held.
      const head = windowed ? Math.max(patch.head ?? s.head, batch.head) : (patch.head ?? s.head);
      const follow = windowed && s.follow ? { head, cursor: head } : {};
      const jump: Partial<RunSlice> =
        hit && hit.seq <= head && hit.seq !== (patch.cursor ?? s.cursor) ? { cursor: hit.seq, follow: hit.seq === head, ...(windowed ? {} : { cursorState: stateAt(hit.seq) }) } : {};
      const cursor = jump.cursor ?? follow.cursor ?? patch.cursor ?? s.cursor;
      const state = 'cursor' in jump || windowed ? {} : stateFor(cursor, batch.status === 'running');
      // Live text is the worker's to clear; a stopped run streams nothing whatever came before.
      const live = batch.status === 'stopped' ? EMPTY_TRACE.live : (batch.live ?? s.live);
      const liveCalls = batch.status === 'stopped' ? EMPTY_TRACE.liveCalls : (batch.liveCalls ?? s.liveCalls);
      const logLines = batch.logs?.length ? [...s.logLines, ...batch.logs].slice(-LOG_KEEP) : s.logLines;
      set({ ...patch, head, ...follow, ...jump, ...state, runs, status: batch.status, hits, pausedAt, logLines, ...(live !== s.live ? { live } : {}), ...(liveCalls !== s.liveCalls ? { liveCalls } : {}) });
      return outcome;
    },

    setLoading: (loading) => set({ loading }),

    holdWindow: (events) => {
      const s = get();
      if (!s.windowed) return;
      const held = heldArray(events);
      const heldFrom = events[0]?.seq ?? 0;
      let { agents, tools } = s;
      for (let i = heldFrom; i < held.length; i++) [agents, tools] = noteSeen(held[i]!, agents, tools);
      // The cursor's event stays shown when the window moves away from it.
      const cursorEvent = held[s.cursor] ? null : (s.events[s.cursor] ?? s.cursorEvent);
      set({ events: held, heldFrom, agents, tools, visible: computeVisible(held, s.filter, heldFrom), cursorEvent });
    },

    takeState: (state) => {
      const s = get();
      if (!s.windowed) return;
      const shown = s.cursorState?.seq ?? -1;
      if (state.seq !== s.cursor && !(s.follow && state.seq > shown && state.seq <= s.cursor)) return;
      set({
        cursorState: state,
        ...(state.seq === s.head ? { openAsks: sameAsks(s.openAsks, openAsks(state)) } : {}),
      });
    },

    stateAfter: (seq) => (get().windowed ? null : stateAt(seq)),

    setCursor: (seq) => {
      const s = get();
      const cursor = clampCursor(seq, s.head);
      if (cursor === s.cursor) {
        if (!s.follow && cursor === s.head) set({ follow: true });
        return;
      }
      if (s.windowed) set({ cursor, follow: cursor === s.head, cursorEvent: null });
      else set({ cursor, follow: cursor === s.head, cursorState: stateAt(cursor) });
    },

    setFilter: (f) => {
      const s = get();
      const filter = { ...s.filter, ...f };
      set({ filter, visible: computeVisible(s.events, filter, s.heldFrom) });
    },

    provenance: () => (get().windowed ? null : projection.provenance),
    setBreakpoints: (breakpoints) => set({ breakpoints }),
    addBreakpoint: (kind, value, extra = {}) => {
      const v = value.trim() === '' && ANY_ALLOWED.has(kind) ? (kind === 'when' ? '' : '*') : value.trim();
      const condition = extra.condition?.trim() || undefined;
      const log = extra.log?.trim() ? extra.log : undefined;
      const s = get();
      if ((v === '' && kind !== 'when') || (kind === 'when' && !condition && !log)) return;
      if (s.breakpoints.some((b) => b.kind === kind && b.value === v && b.condition === condition && b.log === log)) return;
      set({ breakpoints: [...s.breakpoints, { id: crypto.randomUUID(), kind, value: v, enabled: true, ...(condition ? { condition } : {}), ...(log ? { log } : {}) }] });
    },
    toggleBreakpoint: (id) => set({ breakpoints: get().breakpoints.map((b) => (b.id === id ? { ...b, enabled: !b.enabled } : b)) }),
    removeBreakpoint: (id) => set({ breakpoints: get().breakpoints.filter((b) => b.id !== id) }),

    setSeed: (seed) => set({ seed: Number.isFinite(seed) ? Math.trunc(seed) : 1 }),
    setStartIssues: (startIssues) => set({ startIssues }),
    setRunError: (runError) => set({ runError }),
  };
};
