/**
 * The Experiments view's state and side effects: the project's experiments, the one being
 * edited, its run records, the run in progress (a Web Worker pool through the kernel's
 * runExperiment) and its progress. Components read it with useExperiments(selector) and call
 * the actions below; storage goes through the kernel worker (StudioApi), runs through the pool.
 */
import { useSyncExternalStore } from 'react';
import { studio } from '../../bridge/client';
import type { ExperimentMeta, SuiteCpu } from '../../bridge/api';
import { ExperimentCancelled, coreCount, startExperimentPool, type WebWorkerPool } from '../../bridge/experimentWorkers';
import { runExperiment, type Experiment, type LoadResult, type RunRecord } from '../../kernel';
import { prepare, type EditableExperiment } from './definition';
import { liveReport, type LiveReport } from './liveReport';
import { cpuOfRunHash, defaultConcurrency, realCpuPool, runHash } from './realCpu';

/** Progress of the run in progress: runs done of the total (those stored before included), and the pace. */
export interface Progress {
  done: number;
  total: number;
  /** Runs finished in this tab since Run, and when Run was pressed (ms, performance.now). */
  fresh: number;
  startedAt: number;
  now: number;
}

export interface SessionState {
  projectId: string | null;
  list: ExperimentMeta[];
  selected: ExperimentMeta | null;
  file: EditableExperiment | null;
  prepared: LoadResult | null;
  /** Records of the selected experiment as it is now defined (same hash). */
  records: RunRecord[];
  /** Every stored record of the selected experiment (an edit that is undone finds its runs again). */
  stored: RunRecord[];
  live: LiveReport | null;
  phase: 'idle' | 'running' | 'cancelling';
  progress: Progress | null;
  workers: number;
  /** Where Run runs: null for the sim in Web Workers, else a real CPU (a Settings endpoint or a local model) in the kernel worker. */
  cpu: SuiteCpu | null;
  /** Requests at once on the real CPU (0: its default). */
  concurrency: number;
  error: string | null;
}

let state: SessionState = { projectId: null, list: [], selected: null, file: null, prepared: null, records: [], stored: [], live: null, phase: 'idle', progress: null, workers: 0, cpu: null, concurrency: 0, error: null };
const listeners = new Set<() => void>();

function set(patch: Partial<SessionState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

/** Reads the session with a selector (re-renders when the selected value changes). */
export function useExperiments<T>(select: (s: SessionState) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

export const session = (): SessionState => state;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function fail(err: unknown): void {
  set({ error: message(err) });
}

/** The prepared experiment, if the file is valid. */
export function experimentOf(s: SessionState = state): Experiment | null {
  return s.prepared?.ok ? s.prepared.experiment : null;
}

function withReport(file: EditableExperiment, stored: RunRecord[]): Pick<SessionState, 'prepared' | 'records' | 'stored' | 'live'> {
  const prepared = prepare(file);
  const exp = prepared.ok ? prepared.experiment : null;
  const mine = exp ? stored.filter((r) => r.experiment === exp.hash) : [];
  return { prepared, records: mine, stored, live: exp && mine.length > 0 ? liveReport(exp, mine) : null };
}

// ---- listing and choosing ----------------------------------------------------------------------

/** Lists a project's experiments and selects the most recent one. */
export async function openExperiments(projectId: string): Promise<void> {
  if (state.projectId === projectId && state.list.length > 0) return;
  set({ projectId, list: [], selected: null, file: null, prepared: null, records: [], stored: [], live: null, error: null });
  try {
    const list = await studio().listExperiments(projectId);
    if (state.projectId !== projectId) return;
    set({ list });
    if (list[0]) await selectExperiment(list[0].id);
  } catch (err) {
    fail(err);
  }
}

/** Opens one experiment: its file and its stored runs. */
export async function selectExperiment(id: string): Promise<void> {
  if (state.phase !== 'idle') return;
  const row = state.list.find((e) => e.id === id);
  if (!row) return;
  try {
    const stored = await studio().experimentRecords(id);
    const file = row.file as EditableExperiment;
    // The CPU its stored runs were made on stays chosen, so Resume goes on there.
    set({ selected: row, file, progress: null, error: null, cpu: cpuOfRunHash(row.hash), ...withReport(file, stored) });
  } catch (err) {
    fail(err);
  }
}

function upsert(row: ExperimentMeta): void {
  const list = [row, ...state.list.filter((e) => e.id !== row.id)];
  set({ list, ...(state.selected?.id === row.id ? { selected: row } : {}) });
}

/** Makes an experiment in the open project and opens it. */
export async function createExperiment(file: EditableExperiment): Promise<void> {
  const projectId = state.projectId;
  if (projectId === null || state.phase !== 'idle') return;
  try {
    const row = await studio().createExperiment(projectId, file.name, file);
    upsert(row);
    await selectExperiment(row.id);
  } catch (err) {
    fail(err);
  }
}

export async function deleteExperiment(id: string): Promise<void> {
  if (state.phase !== 'idle') return;
  try {
    await studio().deleteExperiment(id);
    const list = state.list.filter((e) => e.id !== id);
    set({ list, ...(state.selected?.id === id ? { selected: null, file: null, prepared: null, records: [], stored: [], live: null } : {}) });
    if (state.selected === null && list[0]) await selectExperiment(list[0].id);
  } catch (err) {
    fail(err);
  }
}

// ---- editing -----------------------------------------------------------------------------------

let saveTimer: ReturnType<typeof setTimeout> | undefined;

/** Changes the experiment's file (re-judged at once, saved shortly after). Refused while it runs. */
export function editFile(change: (f: EditableExperiment) => EditableExperiment): void {
  const { file, selected, phase } = state;
  if (!file || !selected || phase !== 'idle') return;
  const next = change(file);
  // Records of the experiment as it was stay stored until the next Run, so an edit taken back finds them again.
  set({ file: next, ...withReport(next, state.stored) });
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveFile(selected.id, next), 300);
}

async function saveFile(id: string, file: EditableExperiment): Promise<void> {
  try {
    upsert(await studio().updateExperiment(id, { file, name: file.name }));
  } catch (err) {
    fail(err);
  }
}

// ---- running -----------------------------------------------------------------------------------

let pool: WebWorkerPool | null = null;
const FLUSH_MS = 250;

/** The number of Web Workers Run uses (default: the cores). */
export function setWorkers(n: number): void {
  set({ workers: Math.max(0, Math.floor(n)) });
}

export const defaultWorkers = (): number => coreCount();

/** Chooses where Run runs (null: the sim in Web Workers). */
export function setCpu(cpu: SuiteCpu | null): void {
  if (state.phase !== 'idle') return;
  set({ cpu, ...(cpu?.endpoint !== state.cpu?.endpoint ? { concurrency: 0 } : {}) });
}

/** Requests at once on the real CPU. */
export function setConcurrency(n: number): void {
  set({ concurrency: Math.max(0, Math.floor(n)) });
}

/** The requests at once Run uses on `cpu`. */
export const concurrencyFor = (s: SessionState): number => (s.cpu === null ? 0 : s.concurrency || defaultConcurrency(s.cpu));

/**
 * Runs what the experiment still lacks (all of it the first time; after a Cancel or a reload,
 * only the runs not stored yet) on the worker pool, streaming records into the tables and
 * storing them as they come.
 */
export async function runSelected(): Promise<void> {
  const { selected, file, phase } = state;
  const exp = experimentOf();
  if (!selected || !file || !exp || phase !== 'idle') return;
  clearTimeout(saveTimer);
  const id = selected.id;
  const cpu = state.cpu;
  // The stored hash names the CPU too: runs made elsewhere (another definition, another CPU) are not this experiment's.
  const hash = runHash(exp.hash, cpu);
  let have: RunRecord[];
  try {
    if (selected.hash !== hash) await studio().clearExperimentRecords(id);
    have = (await studio().experimentRecords(id)).filter((r) => r.experiment === exp.hash);
    upsert(await studio().updateExperiment(id, { file, name: file.name, hash, status: 'running', error: undefined }));
  } catch (err) {
    return fail(err);
  }
  const size = state.workers || coreCount();
  const startedAt = performance.now();
  const records = [...have];
  let pending: RunRecord[] = [];
  const base = have.length;
  set({ phase: 'running', error: null, records, live: records.length > 0 ? liveReport(exp, records) : null, progress: { done: base, total: base, fresh: 0, startedAt, now: startedAt } });
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length > 0) await studio().putExperimentRecords(id, batch);
  };
  let dirty = false;
  let done = base;
  let total = base;
  let fresh = 0;
  // The view takes in progress and records a few times a second, not once per run (a sim run takes ~1 ms).
  // The report's bootstrap grows with the runs: it is redone at most every 8× the time it took, so the page stays responsive.
  let reportDue = 0;
  const show = () => {
    const now = performance.now();
    let live = state.live;
    if (dirty && now >= reportDue) {
      live = liveReport(exp, records);
      const took = performance.now() - now;
      reportDue = performance.now() + Math.max(FLUSH_MS, took * 8);
      dirty = false;
    }
    set({ records: live === state.live ? state.records : [...records], live, progress: { done, total, fresh, startedAt, now } });
  };
  const timer = setInterval(() => {
    void flush().catch(fail);
    show();
  }, FLUSH_MS);
  pool = cpu === null ? startExperimentPool(exp.file, size) : realCpuPool(exp.file, cpu, concurrencyFor(state), id);
  let status: ExperimentMeta['status'] = 'done';
  let error: string | undefined;
  try {
    await runExperiment(exp, {
      executor: pool,
      have,
      onProgress: (p) => {
        // The total is stored as soon as it is known, so a reload can say how much is left.
        if (base + p.total !== total) void studio().updateExperiment(id, { total: base + p.total }).then(upsert, fail);
        total = base + p.total;
        done = base + p.done;
        fresh = p.done;
        if (p.record) {
          records.push(p.record);
          pending.push(p.record);
          dirty = true;
        }
      },
    });
  } catch (err) {
    if (err instanceof ExperimentCancelled) status = 'cancelled';
    else {
      status = 'failed';
      error = message(err);
    }
  } finally {
    clearInterval(timer);
    pool.close();
    pool = null;
  }
  try {
    await flush();
    upsert(await studio().updateExperiment(id, { status, total, error }));
  } catch (err) {
    fail(err);
  }
  set({ phase: 'idle', records: [...records], stored: [...records], live: records.length > 0 ? liveReport(exp, records) : null, error: error ?? null, progress: { done, total, fresh, startedAt, now: performance.now() } });
}

/** Stops the run at once; the runs that finished stay (Resume runs the rest). */
export function cancelRun(): void {
  if (state.phase !== 'running' || !pool) return;
  set({ phase: 'cancelling' });
  pool.cancel();
}

// ---- files -------------------------------------------------------------------------------------

/** The experiment with its results as one JSON text (Export). */
export async function exportSelected(): Promise<{ name: string; text: string } | null> {
  const { selected } = state;
  if (!selected) return null;
  const data = await studio().exportExperiment(selected.id);
  return { name: `${selected.name.replace(/[^\w.-]+/g, '-').replace(/^-|-$/g, '') || 'experiment'}.results.json`, text: `${JSON.stringify(data, null, 2)}\n` };
}

/** Imports an exported experiment into the open project and opens it. */
export async function importExperimentFile(text: string, name: string): Promise<void> {
  const projectId = state.projectId;
  if (projectId === null) return;
  try {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`${name}: not JSON (${message(err)})`);
    }
    const row = await studio().importExperiment(projectId, value);
    upsert(row);
    await selectExperiment(row.id);
  } catch (err) {
    fail(err instanceof Error && !err.message.startsWith(name) ? new Error(`${name}: ${err.message}`) : err);
  }
}

export function dismissError(): void {
  set({ error: null });
}
