/**
 * The run panel's side effects: every call to the kernel worker goes through here, and every
 * answer lands in the run slice through its synchronous actions. Components and the keyboard
 * call these functions (via runActions.ts); none of them talks to the bridge directly.
 */
import { callback, studio } from '../../bridge/client';
import type { Breakpoint, EventBatch, RunMeta, StartResult } from '../../bridge/api';
import { findStop, type HumanInput, type KernelEvent, type RunDiff, type StateEdit, type StepKind, type StepRequest } from '../../kernel';
import { useStudio } from '../../store';
import { mergeBatches } from './mergeBatches';
import { parseBreakpoints } from './navigation';

/**
 * Events per loadEvents call when reading a stored trace: small first (the log shows something
 * at once), then doubling, since each round trip to the worker has a fixed cost.
 */
const LOAD_FIRST = 2000;
const LOAD_MAX = 32000;

const store = () => useStudio.getState();
const settingKey = (projectId: string) => `breakpoints:${projectId}`;

/** Bumped by every project open / run selection; stale async work checks it and gives up. */
let projectGen = 0;
let runGen = 0;
/** The project whose breakpoints are loaded (so switching projects never saves an empty list over them). */
let breakpointsOf: string | null = null;
/**
 * Runs this page has started, forked, resumed or driven. Any other unfinished run listed
 * (running, paused or waiting) is held by another tab (or by this tab before a reload, until
 * its lease runs out where Web Locks are missing).
 */
const drivenHere = new Set<string>();
/** How often the list is re-read while another tab holds one of its runs. */
const FOREIGN_POLL_MS = 2000;
let foreignTimer: ReturnType<typeof setTimeout> | undefined;
/** True while a step is in flight (holding F10 must not queue a hundred worker calls). */
let stepping = false;

function report(err: unknown): void {
  store().setRunError(err instanceof Error ? err.message : String(err));
}

async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    store().setRunError(null);
    await work();
  } catch (err) {
    report(err);
  }
}

const enabledBreakpoints = (): Breakpoint[] => store().breakpoints.filter((b) => b.enabled);
const selectedMeta = (): RunMeta | undefined => {
  const s = store();
  return s.runs.find((r) => r.id === s.runId);
};

/**
 * Reads events of `runId` from what is held up to `head` in chunks. Tolerates an inclusive or
 * exclusive `to`: each call starts where the trace ends and stops when nothing new comes.
 */
async function loadUpTo(runId: string, head: number, gen: number): Promise<void> {
  // A windowed run is never loaded whole: its views fetch what they show (runWindow.ts).
  while (gen === runGen && store().runId === runId && !store().windowed && store().head < head) {
    const from = store().head + 1;
    const size = Math.min(LOAD_MAX, Math.max(LOAD_FIRST, from));
    const chunk = await studio().loadEvents(runId, from, Math.min(head, from + size - 1));
    if (gen !== runGen || chunk.length === 0) return;
    if (store().appendEvents(chunk) === 'gap') return;
  }
}

/** The selection (runGen) whose missing events are being loaded, if any. */
let fillingGen: number | null = null;
/** The furthest head a batch of the selected run announced that has not been loaded yet. */
let wanted = -1;

/**
 * Batches that arrived since the last frame. The worker sends one batch per ~16 ms on its own
 * clock, not the display's, and a busy main thread receives several at once: applying them in
 * one animation frame renders the views once per frame at most, whatever the event rate.
 */
let queued: EventBatch[] = [];
let frameRequested = false;

const nextFrame: (cb: () => void) => void =
  typeof requestAnimationFrame === 'function' ? (cb) => void requestAnimationFrame(cb) : (cb) => void setTimeout(cb, 16);

function onBatch(batch: EventBatch): void {
  queued.push(batch);
  if (frameRequested) return;
  frameRequested = true;
  nextFrame(() => {
    frameRequested = false;
    const batches = queued;
    queued = [];
    // One React render for all of them: zustand notifies synchronously, React batches the
    // updates of one task into one commit.
    for (const b of mergeBatches(batches)) applyOne(b);
  });
}


/** Applies a batch; when events are missing, loads them (once at a time, up to the latest head announced). */
function applyOne(batch: EventBatch): void {
  if (store().applyBatch(batch) !== 'gap') return;
  wanted = Math.max(wanted, batch.head);
  if (fillingGen === runGen) return;
  const gen = runGen;
  fillingGen = gen;
  void (async () => {
    while (gen === runGen && store().head < wanted) {
      const before = store().head;
      await loadUpTo(batch.runId, wanted, gen);
      if (store().head === before) return;
    }
  })()
    .catch(report)
    .finally(() => {
      if (fillingGen === gen) fillingGen = null;
    });
}

/**
 * While another tab holds a listed run, re-reads the list now and then: its status and head
 * stay current, and a run whose tab is gone turns `interrupted` (offering Resume) on its own.
 */
function watchForeignRuns(gen: number): void {
  clearTimeout(foreignTimer);
  const foreign = (r: RunMeta) => (r.status === 'running' || r.status === 'paused' || r.status === 'waiting') && !drivenHere.has(r.id);
  if (!store().runs.some(foreign)) return;
  foreignTimer = setTimeout(() => {
    const projectId = store().projectId;
    if (gen !== projectGen || projectId === null) return;
    studio()
      .listRuns(projectId)
      .then((runs) => {
        if (gen !== projectGen) return;
        const before = selectedMeta()?.status;
        for (const r of runs) if (!drivenHere.has(r.id)) store().upsertRun(r);
        // "Live in another tab" is out of date once that tab lets go of the run.
        if (before !== selectedMeta()?.status) store().setRunError(null);
        watchForeignRuns(gen);
      })
      .catch(report);
  }, FOREIGN_POLL_MS);
}

/** Opens a project's runs: lists them, loads its breakpoints, selects and loads the newest run. */
export async function openProject(projectId: string | null): Promise<void> {
  const gen = ++projectGen;
  runGen++;
  breakpointsOf = null;
  const s = store();
  s.selectRun(null);
  s.setRuns([]);
  s.setBreakpoints([]);
  s.setStartIssues([]);
  if (projectId === null) return;
  await guarded(async () => {
    const [runs, saved] = await Promise.all([studio().listRuns(projectId), studio().getSetting(settingKey(projectId))]);
    if (gen !== projectGen) return;
    store().setRuns(runs);
    store().setBreakpoints(parseBreakpoints(saved));
    // Set after loading them, so loading does not write them straight back.
    breakpointsOf = projectId;
    watchForeignRuns(gen);
    const latest = store().runs[0];
    if (latest) await selectRun(latest.id);
  });
}

/** Saves the open project's breakpoints (called by the panel whenever they change). */
export function saveBreakpoints(): void {
  const { projectId, breakpoints } = store();
  if (projectId === null || projectId !== breakpointsOf) return;
  studio().setSetting(settingKey(projectId), breakpoints).catch(report);
}

/**
 * Selects a run: attaches the sink first (batches arriving meanwhile wait in a buffer), then
 * loads the stored events in chunks, then applies what was buffered.
 */
export async function selectRun(runId: string): Promise<void> {
  const gen = ++runGen;
  wanted = -1;
  const meta = store().runs.find((r) => r.id === runId);
  if (!meta) return;
  store().selectRun(meta);
  store().setLoading(true);
  let buffer: EventBatch[] | null = [];
  const sink = callback((batch: EventBatch) => {
    if (buffer) buffer.push(batch);
    else onBatch(batch);
  });
  await guarded(async () => {
    const fresh = await studio().attach(runId, sink);
    if (gen !== runGen) return;
    if (fresh) store().upsertRun(fresh);
    await loadUpTo(runId, (fresh ?? meta).head, gen);
  });
  const pending = buffer;
  buffer = null;
  if (gen !== runGen) return;
  for (const b of pending) onBatch(b);
  store().setLoading(false);
}

async function adopt(result: StartResult): Promise<RunMeta | null> {
  if (!result.ok) {
    store().setStartIssues(result.issues);
    return null;
  }
  store().setStartIssues([]);
  drivenHere.add(result.run.id);
  store().upsertRun(result.run);
  await selectRun(result.run.id);
  return result.run;
}

/** Brings an interrupted run back so it can continue; other runs pass through. */
async function live(meta: RunMeta): Promise<RunMeta> {
  if (meta.status !== 'interrupted') return meta;
  const back = await studio().resume(meta.id);
  drivenHere.add(back.id);
  store().upsertRun(back);
  return back;
}

/** After a failed call, shows the run as the worker has it (not as the UI hoped). */
async function refresh(runId: string): Promise<void> {
  const meta = await studio().getRun(runId).catch(() => undefined);
  if (meta) store().upsertRun(meta);
}

async function playRun(meta: RunMeta): Promise<void> {
  const ready = await live(meta);
  // Optimistic: Pause is available (and Run is not) before the first batch arrives.
  store().upsertRun({ ...ready, status: 'running' });
  let done: RunMeta;
  try {
    done = await studio().play(ready.id, enabledBreakpoints());
  } catch (err) {
    await refresh(ready.id);
    throw err;
  }
  await settle(done);
}

/** Takes in the metadata a drive call returned: the run is driven here, and its events up to its head are loaded. */
async function settle(done: RunMeta): Promise<void> {
  drivenHere.add(done.id);
  store().upsertRun(done);
  if (store().runId === done.id && store().head < done.head) await loadUpTo(done.id, done.head, runGen);
}

/**
 * A human acts on the selected run (approves or denies an asked call, rolls back an audited
 * operation, sends a message). The kernel records it as an event and the run goes on in place,
 * not from the start; a run interrupted while it waited (the tab reloaded) is resumed first.
 * The returned metadata is taken in as Run's is.
 */
export function input(human: HumanInput): Promise<void> {
  return guarded(async () => {
    const meta = selectedMeta();
    if (!meta) return;
    const ready = await live(meta);
    let done: RunMeta;
    try {
      done = await studio().input(ready.id, human, enabledBreakpoints());
    } catch (err) {
      await refresh(ready.id);
      throw err;
    }
    await settle(done);
  });
}

/** Run (F8): a new run when none is selected or it has stopped; otherwise plays on from its head. */
export function run(): Promise<void> {
  return guarded(async () => {
    const s = store();
    const meta = selectedMeta();
    if (meta && meta.status !== 'stopped') {
      if (meta.status !== 'running') await playRun(meta);
      return;
    }
    if (starting) return; // a start is already under way: this click joins it
    const started = await startNew();
    if (started) await playRun(started);
  });
}

export function pause(): Promise<void> {
  const id = store().runId;
  return id === null ? Promise.resolve() : guarded(() => studio().pause(id));
}

async function stepWorker(unit: 'event' | 'turn'): Promise<void> {
  const meta = selectedMeta();
  if (!meta || meta.status === 'stopped' || meta.status === 'running' || stepping) return;
  stepping = true;
  try {
    const ready = await live(meta);
    store().setCursor(store().head);
    const events = await studio().step(ready.id, unit, enabledBreakpoints());
    drivenHere.add(ready.id);
    if (store().runId !== ready.id) return;
    const gap = store().appendEvents(events) === 'gap';
    const fresh = await studio().getRun(ready.id);
    if (!fresh) return;
    if (gap) await loadUpTo(ready.id, fresh.head, runGen);
    store().upsertRun(fresh);
  } catch (err) {
    await refresh(meta.id);
    throw err;
  } finally {
    stepping = false;
  }
}

/** The start in flight, if any: a second Run or Step click while it is pending joins it. */
let starting: Promise<RunMeta | null> | null = null;

/** Starts one new paused run of the document; never two for one burst of clicks. */
function startNew(): Promise<RunMeta | null> {
  if (starting) return starting;
  const s = store();
  const projectId = s.projectId;
  if (projectId === null) return Promise.resolve(null);
  starting = (async () => adopt(await studio().startRun(projectId, s.doc, s.seed)))().finally(() => {
    starting = null;
  });
  return starting;
}

/** Creates a new paused run of the document at its first events, as a debugger's first step does. */
async function startPaused(): Promise<void> {
  await startNew();
}

/** Step one event (F10): forward through the recorded past first, then ask the worker. */
export function stepEvent(): Promise<void> {
  const s = store();
  if (s.runId === null || starting) return guarded(startPaused);
  if (s.cursor < s.head) {
    s.setCursor(s.cursor + 1);
    return Promise.resolve();
  }
  return guarded(() => stepWorker('event'));
}

/**
 * A DevTools step from the cursor (kernel/trace/stepping.ts says where each stops): through the
 * recorded past when the stop is there, else the worker drives the run until it (or a
 * breakpoint, or the run's stop). `agent`: the agent the person picked, if any.
 */
function stepBy(kind: Exclude<StepKind, 'event'>, agent?: string): Promise<void> {
  const s = store();
  if (s.runId === null || starting) return guarded(startPaused);
  const meta = selectedMeta();
  const canDrive = meta !== undefined && meta.status !== 'stopped' && meta.status !== 'running';
  // Run to cursor continues from where the run is (its head) to the place at the cursor.
  const req: StepRequest = kind === 'cursor' ? { kind, at: canDrive ? s.head : s.cursor, place: s.cursor } : { kind, at: s.cursor, ...(agent ? { agent } : {}) };
  if (!s.windowed) {
    const stop = findStop(s.events, req, s.head);
    if (stop !== null) {
      s.setCursor(stop);
      return Promise.resolve();
    }
  }
  if (!meta || stepping) return Promise.resolve();
  if (!canDrive) {
    // A stopped run that never gets there: the step runs to its end, as a debugger's does.
    if (meta.status === 'stopped' && !s.windowed && s.cursor < s.head) s.setCursor(s.head);
    // A windowed run's page holds part of the trace: the worker scans the stored trace for the stop.
    if (s.windowed && meta.status === 'stopped') return guarded(() => stepStored(meta.id, req));
    return Promise.resolve();
  }
  return guarded(async () => {
    stepping = true;
    try {
      const ready = await live(meta);
      const { stop, events } = await studio().stepTo(ready.id, req, enabledBreakpoints());
      drivenHere.add(ready.id);
      if (store().runId !== ready.id) return;
      const gap = store().appendEvents(events) === 'gap';
      const fresh = await studio().getRun(ready.id);
      if (fresh) {
        if (gap) await loadUpTo(ready.id, fresh.head, runGen);
        store().upsertRun(fresh);
      }
      if (stop !== null && store().runId === ready.id) store().setCursor(stop);
    } catch (err) {
      await refresh(meta.id);
      throw err;
    } finally {
      stepping = false;
    }
  });
}

/** A step through a stopped windowed run: the worker finds the stop in the stored trace (at its end when there is none). */
async function stepStored(runId: string, req: StepRequest): Promise<void> {
  stepping = true;
  try {
    const stop = await studio().findStep(runId, req);
    const s = store();
    if (s.runId !== runId) return;
    if (stop !== null) s.setCursor(stop);
    else if (s.cursor < s.head) s.setCursor(s.head);
  } finally {
    stepping = false;
  }
}

/** Step over (F10): to the end of the focus agent's next turn, recorded or new. */
export function stepTurn(agent?: string): Promise<void> {
  return stepBy('over', agent);
}

/** Step into (F11): where the focus agent's action is handled (its tool call, or the receiver of its message). */
export function stepInto(agent?: string): Promise<void> {
  return stepBy('into', agent);
}

/** Step out (Shift+F11): until the agent (the picked one, else the caller) acts again. */
export function stepOut(agent?: string): Promise<void> {
  return stepBy('out', agent);
}

/** Run to cursor (Ctrl+F10): from the run's head to the next event at the place of the one at the cursor. */
export function runToCursor(): Promise<void> {
  return stepBy('cursor');
}

/** Step back (F9): one event back in time; the run itself does not move. */
export function stepBack(): void {
  const s = store();
  if (s.cursor > 0) s.setCursor(s.cursor - 1);
}

/** Fork from here: a new run continuing from the cursor with the current document. */
export function fork(): Promise<void> {
  return guarded(async () => {
    const s = store();
    if (s.runId === null || s.cursor < 0) return;
    await adopt(await studio().fork(s.runId, s.cursor, s.doc));
  });
}

/**
 * Fork from here with the person's state edits (EditStateView): the kernel checks each edit and
 * records it as `human.edited` right after `run.forked`; a refused edit shows its reason.
 */
export function forkWithEdits(edits: StateEdit[]): Promise<boolean> {
  let ok = false;
  return guarded(async () => {
    const s = store();
    if (s.runId === null || s.cursor < 0) return;
    ok = (await adopt(await studio().fork(s.runId, s.cursor, s.doc, edits))) !== null;
  }).then(() => ok);
}

/**
 * True when the person's edits at the cursor go into the selected run itself: it is live (not
 * stopped, not playing) and the cursor is at its head, where it is paused. Elsewhere (an earlier
 * event, a stopped run) the edits make a fork from the cursor.
 */
export function editsApplyInPlace(s: { runId: string | null; cursor: number; head: number; runs: readonly RunMeta[] }): boolean {
  const meta = s.runs.find((r) => r.id === s.runId);
  return meta !== undefined && meta.status !== 'stopped' && meta.status !== 'running' && s.cursor === s.head && s.head >= 0;
}

/**
 * Applies the person's state edits made at the cursor: into the paused run itself, each one
 * recorded as `human.edited` at its head (the kernel checks each; Run continues from there), or,
 * at an earlier event or on a stopped run, as a fork with the edits. True when all were taken.
 */
export function applyEdits(edits: StateEdit[]): Promise<boolean> {
  const s = store();
  if (!editsApplyInPlace(s)) return forkWithEdits(edits);
  let ok = false;
  return guarded(async () => {
    const meta = selectedMeta();
    if (!meta) return;
    const ready = await live(meta);
    for (const edit of edits) {
      let done: RunMeta;
      try {
        done = await studio().input(ready.id, { kind: 'edit', edit }, enabledBreakpoints());
      } catch (err) {
        await refresh(ready.id);
        throw err;
      }
      await settle(done);
      if (store().runId === done.id) store().setCursor(done.head);
    }
    ok = true;
  }).then(() => ok);
}

/** Names (blank: unnames) or pins a run; the list shows it at once. */
export function labelRun(runId: string, label: { name?: string | null; pinned?: boolean }): Promise<void> {
  return guarded(async () => {
    const meta = await studio().labelRun(runId, label);
    if (meta) store().upsertRun(meta);
  });
}

/** Compares two runs in the worker (kernel/trace/diff.ts). */
export function compareRuns(a: string, b: string): Promise<RunDiff> {
  return studio().compareRuns(a, b);
}

/** Events `from..to` of any run (the comparison's second scrubber reads the other run's). */
export function eventsOf(runId: string, from: number, to: number): Promise<KernelEvent[]> {
  return studio().loadEvents(runId, from, to);
}

/** Fork a listed run (e.g. an interrupted one) from its head. */
export function forkAtHead(runId: string): Promise<void> {
  return guarded(async () => {
    const meta = store().runs.find((r) => r.id === runId);
    if (!meta || meta.head < 0) return;
    await adopt(await studio().fork(runId, meta.head, store().doc));
  });
}

/** Resume an interrupted run (selecting it) so it can be played or stepped. */
export function resume(runId = store().runId): Promise<void> {
  return guarded(async () => {
    if (runId === null) return;
    if (store().runId !== runId) await selectRun(runId);
    const meta = selectedMeta();
    if (meta) await live(meta);
  });
}

export function deleteRun(runId: string): Promise<void> {
  return guarded(async () => {
    await studio().deleteRun(runId);
    const s = store();
    s.setRuns(s.runs.filter((r) => r.id !== runId));
    if (s.runId === runId) {
      runGen++;
      const next = store().runs[0];
      if (next) await selectRun(next.id);
      else store().selectRun(null);
    }
  });
}

/**
 * Shows a stored run made outside the run panel (an experiment's run, played to its stop by the
 * Experiments view): lists it, selects it and puts the cursor on event `seq` (its head when omitted).
 */
export async function showRunAt(meta: RunMeta, seq?: number): Promise<void> {
  drivenHere.add(meta.id);
  store().upsertRun(meta);
  await selectRun(meta.id);
  if (seq !== undefined && store().runId === meta.id) store().setCursor(seq);
}

/**
 * A lesson's "jump to": the cursor on the first event matching `bp` in a run of the open document
 * at `seed`. The selected run is searched first when it has that seed: `find` over its held
 * events when the page holds it whole, else the worker scans its whole trace with the same
 * matcher (StudioApi.findPause), since a windowed run's page holds only part of it. Otherwise a
 * new run at `seed` is started and played with only `bp`, so the worker pauses it at the event.
 * Answers the seq the cursor moved to, or null when the run ended first.
 */
export async function showFirstMatch(seed: number, bp: Breakpoint, find: (events: readonly KernelEvent[]) => number | null): Promise<number | null> {
  let found: number | null = null;
  const locate = (runId: string): Promise<number | null> => (store().windowed ? studio().findPause(runId, [bp]) : Promise.resolve(find(store().events)));
  await guarded(async () => {
    const meta = selectedMeta();
    if (meta && meta.seed === seed) {
      const seq = await locate(meta.id);
      if (store().runId !== meta.id) return; // the person picked another run meanwhile
      if (seq !== null) {
        store().setCursor(seq);
        found = seq;
        return;
      }
    }
    const s = store();
    if (s.projectId === null) return;
    const started = await adopt(await studio().startRun(s.projectId, s.doc, seed));
    if (!started) return;
    store().upsertRun({ ...started, status: 'running' });
    const done = await studio().play(started.id, [bp]);
    await settle(done);
    if (store().runId !== done.id) return;
    const seq = await locate(done.id);
    if (seq !== null && store().runId === done.id) {
      store().setCursor(seq);
      found = seq;
    }
  });
  return found;
}
